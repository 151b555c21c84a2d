import type { SignedKeyRequest } from '@medseal/core'
import { describe, expect, it } from 'vitest'
import { createTestService, req } from './_testService.js'

/**
 * review 8: with rate limits on (the default), the handler freezes the parsed key request and checks it to count its
 * signer, and the custodian takes that check. A body crafted so that its parse differs from what was signed must not
 * get a key: the parse is one object for both checks, and what is hashed is the normalized request.
 */
describe('review 8: crafted key-request bodies (the frozen parse the custodian reuses)', () => {
  const post = async (handler: (r: Request) => Promise<Response>, text: string) => {
    const response = await handler(req('/v1/key-requests', { method: 'POST', body: text }))
    return { status: response.status, json: (await response.json()) as { code?: string; envelope?: string } }
  }
  const requestText = (signed: SignedKeyRequest, patch: (r: Record<string, unknown>) => Record<string, unknown>) =>
    JSON.stringify(patch({ ...signed.request }))

  it('duplicate keys: the last one decides, for the handler and the custodian alike', async () => {
    const t = await createTestService()
    await t.custodian.deposit(await t.deposit())
    const { token } = await t.grant()
    const signed = await t.ask(token.consent.id)
    const altered = requestText(signed, (r) => ({ ...r, purpose: 'HRESCH' }))
    const genuine = JSON.stringify(signed.request)
    const sig = JSON.stringify(signed.signature)
    // the altered request last: it is what both check, and its signature names someone else (no consent of theirs)
    const refused = await post(t.handler, `{"request":${genuine},"request":${altered},"signature":${sig}}`)
    expect(refused.status).not.toBe(200)
    expect(refused.json.envelope).toBeUndefined()
    // the genuine one last: released once, and the same again (either order of the keys) is a replay
    expect((await post(t.handler, `{"request":${altered},"request":${genuine},"signature":${sig}}`)).status).toBe(200)
    const again = await post(t.handler, `{"request":${genuine},"signature":${sig}}`)
    expect([again.status, again.json.code]).toEqual([409, 'REQUEST_REPLAYED'])
  })

  it('"__proto__" and integers past 2^53 are refused; hex in other case is the same request (a replay)', async () => {
    const t = await createTestService()
    await t.custodian.deposit(await t.deposit())
    const { token } = await t.grant()
    const signed = await t.ask(token.consent.id)
    const sig = JSON.stringify(signed.signature)
    const proto = JSON.stringify(signed.request).replace('{', '{"__proto__":{"purpose":"ETREAT"},')
    const withProto = await post(t.handler, `{"request":${proto},"signature":${sig}}`)
    expect([withProto.status, withProto.json.code]).toEqual([400, 'INVALID_ARGUMENT'])
    const big = JSON.stringify(signed.request).replace(/"issuedAt":\d+/, '"issuedAt":9007199254740993')
    const tooBig = await post(t.handler, `{"request":${big},"signature":${sig}}`)
    expect([tooBig.status, tooBig.json.code]).toEqual([400, 'INVALID_ARGUMENT'])
    expect((await post(t.handler, JSON.stringify(signed))).status).toBe(200)
    const upper = requestText(signed, (r) => ({
      ...r,
      nonce: `0x${(r.nonce as string).slice(2).toUpperCase()}`,
      commitment: `0x${(r.commitment as string).slice(2).toUpperCase()}`,
      grantor: (r.grantor as string).toLowerCase(),
    }))
    const replay = await post(t.handler, `{"request":${upper},"signature":${sig}}`)
    expect([replay.status, replay.json.code]).toEqual([409, 'REQUEST_REPLAYED'])
  })
})

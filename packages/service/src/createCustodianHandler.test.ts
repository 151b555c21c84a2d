import {
  bytesToHex0x,
  createAccessLog,
  createCustodian,
  createDeposit,
  createMemoryAccessLogStore,
  createParty,
  decodeCheckpoint,
  decodeNote,
  encodeAccessEvent,
  hexToBytes,
  leafHash,
  revokeConsent,
  seal,
  shredRecord,
  verifyConsistency,
  verifyInclusion,
} from '@medseal/core'
import { createNativeSecp256k1Recovery } from '@medseal/core/node'
import { afterAll, describe, expect, it } from 'vitest'
import { conform, seen } from './_openApiCheck.js'
import { createTestService, observation, req } from './_testService.js'
import { depositToJson } from './_wire.js'
import { createCustodianHandler, type ServiceLogEvent } from './createCustodianHandler.js'
import { openApiDocument } from './openApiDocument.js'

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked against the OpenAPI document, then read freely
type Json = Record<string, any>

/** Sends a request and checks the answer against the OpenAPI document. */
async function call(
  handler: (r: Request) => Promise<Response>,
  method: string,
  template: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await handler(req(path, { method, body, headers }))
  const clone = response.clone()
  const json = (await conform(response, method, template)) as Json
  return { status: response.status, headers: clone.headers, json }
}

const problemOf = (r: { status: number; headers: Headers; json: Json }) => {
  expect(r.headers.get('content-type')).toBe('application/problem+json')
  expect(r.json.type).toBe(`https://medseal.dev/docs/errors/${r.json.code.toLowerCase().replaceAll('_', '-')}`)
  expect(r.json.status).toBe(r.status)
  expect(JSON.stringify(r.json)).not.toMatch(/at .*\.ts|stack|Error:/)
  return r.json
}

describe('createCustodianHandler: deposits, updates and entries', () => {
  it('deposits (201), the same deposit again is the same entry, and the entry is readable without its envelope', async () => {
    const s = await createTestService()
    const d = depositToJson(await s.deposit())
    const first = await call(s.handler, 'POST', '/v1/deposits', '/v1/deposits', d)
    expect(first.status).toBe(201)
    expect(first.json.entry).toEqual({
      commitment: s.commitment,
      owner: s.patient.address,
      resourceType: 'Observation',
      labels: [],
    })
    const again = await call(s.handler, 'POST', '/v1/deposits', '/v1/deposits', d)
    expect(again.json).toEqual(first.json)
    const got = await call(s.handler, 'GET', '/v1/entries/{commitment}', `/v1/entries/${s.commitment}`)
    expect(got.json.entry).toEqual(first.json.entry)
    expect(JSON.stringify(got.json)).not.toContain('envelope')
  })

  it('a new version replaces the old one (updates); a plain deposit of an update statement is refused', async () => {
    const s = await createTestService()
    await call(s.handler, 'POST', '/v1/deposits', '/v1/deposits', depositToJson(await s.deposit()))
    const v2 = await seal({ ...observation, status: 'amended' }, { recipients: [s.patient, s.custodian.identity] })
    const update = await createDeposit({
      owner: s.patient,
      envelope: v2.envelope,
      custodian: s.custodian.identity,
      domain: s.ledger.domain,
      previous: s.commitment,
    })
    const refused = await call(s.handler, 'POST', '/v1/deposits', '/v1/deposits', depositToJson(update))
    expect(problemOf(refused).code).toBe('DEPOSIT_STATEMENT_INVALID')
    expect(refused.status).toBe(400)
    const ok = await call(s.handler, 'POST', '/v1/updates', '/v1/updates', depositToJson(update))
    expect(ok.status).toBe(201)
    const old = await call(s.handler, 'GET', '/v1/entries/{commitment}', `/v1/entries/${s.commitment}`)
    expect(old.json.entry.supersededBy).toBe(bytesToHex0x(v2.commitment))
  })

  it('problems: DEPOSIT_PROOF_INVALID (403), RECORD_OWNER_CONFLICT (409), INVALID_JSON, INVALID_ARGUMENT, NOT_FOUND', async () => {
    const s = await createTestService()
    const d = depositToJson(await s.deposit())
    const proof = await call(s.handler, 'POST', '/v1/deposits', '/v1/deposits', { ...d, proof: `0x${'00'.repeat(32)}` })
    expect([proof.status, problemOf(proof).code]).toEqual([403, 'DEPOSIT_PROOF_INVALID'])

    const mallory = createParty()
    const shared = await seal(observation, { recipients: [s.patient, mallory, s.custodian.identity] })
    const mine = (owner: typeof mallory) =>
      createDeposit({ owner, envelope: shared.envelope, custodian: s.custodian.identity, domain: s.ledger.domain })
    await call(s.handler, 'POST', '/v1/deposits', '/v1/deposits', depositToJson(await mine(s.patient)))
    const conflict = await call(s.handler, 'POST', '/v1/deposits', '/v1/deposits', depositToJson(await mine(mallory)))
    expect([conflict.status, problemOf(conflict).code]).toEqual([409, 'RECORD_OWNER_CONFLICT'])

    const notJson = await call(s.handler, 'POST', '/v1/deposits', '/v1/deposits', '{"envelope":', {
      'content-type': 'application/json',
    })
    expect([notJson.status, problemOf(notJson).code]).toEqual([400, 'INVALID_JSON'])
    // bytes that are not UTF-8 (a cut multi-byte character, then a lone continuation byte): INVALID_JSON each time,
    // and the next body decodes as if none came before (one decoder serves every body)
    for (const bad of [Uint8Array.of(0x7b, 0x22, 0xe2, 0x82), Uint8Array.of(0x22, 0x80, 0x22)]) {
      const res = await s.handler(
        new Request('http://custodian.test/v1/purges', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: bad,
        }),
      )
      expect([res.status, (await res.json()).code]).toEqual([400, 'INVALID_JSON'])
    }
    const afterBad = await call(s.handler, 'POST', '/v1/erasures', '/v1/erasures', { commitment: 'é' })
    expect([afterBad.status, problemOf(afterBad).code]).toEqual([400, 'INVALID_ARGUMENT'])
    const wrongType = await call(s.handler, 'POST', '/v1/deposits', '/v1/deposits', 'x', {
      'content-type': 'text/plain',
    })
    expect([wrongType.status, problemOf(wrongType).code]).toEqual([400, 'INVALID_ARGUMENT'])
    const envelope = await call(s.handler, 'POST', '/v1/deposits', '/v1/deposits', { ...d, envelope: 'AAAA' })
    expect(envelope.status).toBe(400)
    expect(['ENVELOPE_MALFORMED', 'INVALID_ARGUMENT', 'INVALID_ENCODING']).toContain(problemOf(envelope).code)

    const missing = await call(s.handler, 'GET', '/v1/entries/{commitment}', `/v1/entries/0x${'cd'.repeat(32)}`)
    expect([missing.status, problemOf(missing).code]).toEqual([404, 'NOT_FOUND'])
    const badId = await call(s.handler, 'GET', '/v1/entries/{commitment}', '/v1/entries/0x12')
    expect([badId.status, problemOf(badId).code]).toEqual([400, 'INVALID_ARGUMENT'])
  })
})

describe('createCustodianHandler: key requests, purges and erasures', () => {
  it('releases a key (200) and refuses with the decision code: CONSENT_NOT_FOUND, REQUEST_REPLAYED, ACTION_NOT_RELEASABLE, CONSENT_REVOKED', async () => {
    const s = await createTestService()
    await call(s.handler, 'POST', '/v1/deposits', '/v1/deposits', depositToJson(await s.deposit()))
    const none = await call(
      s.handler,
      'POST',
      '/v1/key-requests',
      '/v1/key-requests',
      await s.ask(`0x${'11'.repeat(32)}`),
    )
    expect([none.status, problemOf(none).code, none.json.errorName]).toEqual([403, 'CONSENT_NOT_FOUND', 'ConsentError'])

    const { token } = await s.grant()
    const signed = await s.ask(token.consent.id)
    const ok = await call(s.handler, 'POST', '/v1/key-requests', '/v1/key-requests', signed)
    expect(ok.status).toBe(200)
    expect(ok.json.decision).toMatchObject({ allowed: true, reason: 'PERMITTED' })
    const replay = await call(s.handler, 'POST', '/v1/key-requests', '/v1/key-requests', signed)
    expect([replay.status, problemOf(replay).code]).toEqual([409, 'REQUEST_REPLAYED'])
    const write = await call(
      s.handler,
      'POST',
      '/v1/key-requests',
      '/v1/key-requests',
      await s.ask(token.consent.id, s.doctor, { action: 'write' }),
    )
    expect([write.status, problemOf(write).code]).toEqual([403, 'ACTION_NOT_RELEASABLE'])
    const forged = await call(s.handler, 'POST', '/v1/key-requests', '/v1/key-requests', {
      ...signed,
      signature: `0x${'00'.repeat(65)}`,
    })
    expect(forged.status).toBeGreaterThanOrEqual(400)
    expect(forged.status).toBeLessThan(500)

    // purge before the ledger shows a revocation: ACCESS_DENIED
    const early = await call(s.handler, 'POST', '/v1/purges', '/v1/purges', {
      grantor: s.patient.address,
      consentId: token.consent.id,
    })
    expect([early.status, problemOf(early).code]).toEqual([403, 'ACCESS_DENIED'])
    await revokeConsent(s.ledger, { party: s.patient, consentId: token.consent.id })
    const revoked = await call(s.handler, 'POST', '/v1/key-requests', '/v1/key-requests', await s.ask(token.consent.id))
    expect([revoked.status, problemOf(revoked).code]).toEqual([403, 'CONSENT_REVOKED'])
    const purged = await call(s.handler, 'POST', '/v1/purges', '/v1/purges', {
      grantor: s.patient.address,
      consentId: token.consent.id,
    })
    expect(purged.json).toEqual({ releases: 0 })
  })

  it('with rate limits off the signer is not recovered twice, and refusals are the same: forged, malformed, another custodian', async () => {
    const answers: unknown[][] = []
    for (const rateLimit of [undefined, false] as const) {
      const s = await createTestService(rateLimit === false ? { rateLimit } : {})
      const d = depositToJson(await s.deposit())
      const badStatement = await call(s.handler, 'POST', '/v1/deposits', '/v1/deposits', {
        ...d,
        statement: { ...(d.statement as object), signature: `0x${'00'.repeat(65)}` },
      })
      expect((await call(s.handler, 'POST', '/v1/deposits', '/v1/deposits', d)).status).toBe(201)
      const { token } = await s.grant()
      const signed = await s.ask(token.consent.id)
      const forged = await call(s.handler, 'POST', '/v1/key-requests', '/v1/key-requests', {
        ...signed,
        signature: `0x${'00'.repeat(65)}`,
      })
      const malformed = await call(s.handler, 'POST', '/v1/key-requests', '/v1/key-requests', {
        ...signed,
        request: { ...signed.request, nonce: 'not hex' },
      })
      const elsewhere = await call(
        s.handler,
        'POST',
        '/v1/key-requests',
        '/v1/key-requests',
        await s.ask(token.consent.id, s.doctor, { custodian: s.patient.address }),
      )
      const ok = await call(s.handler, 'POST', '/v1/key-requests', '/v1/key-requests', signed)
      answers.push(
        [badStatement, forged, malformed, elsewhere, ok].map((r) => [
          r.status,
          r.status === 200 ? 'ok' : problemOf(r).code,
        ]),
      )
    }
    expect(answers[0]).toEqual([
      [400, 'DEPOSIT_STATEMENT_INVALID'],
      [403, 'CONSENT_SIGNATURE_INVALID'],
      [400, 'INVALID_ARGUMENT'],
      [403, 'ACCESS_DENIED'],
      [200, 'ok'],
    ])
    expect(answers[1]).toEqual(answers[0])
  })

  it('secp256k1: the handler counts signers with the recovery it is given (one per key request, none with limits off)', async () => {
    const native = createNativeSecp256k1Recovery()
    let calls = 0
    const counting = {
      name: 'counting',
      recoverPublicKey(digest: Uint8Array, signature: Uint8Array, recovery: 0 | 1) {
        calls++
        return native.recoverPublicKey(digest, signature, recovery)
      },
    }
    for (const rateLimit of [undefined, false] as const) {
      const s = await createTestService({ secp256k1: counting, ...(rateLimit === false ? { rateLimit } : {}) })
      calls = 0
      expect(
        (await call(s.handler, 'POST', '/v1/deposits', '/v1/deposits', depositToJson(await s.deposit()))).status,
      ).toBe(201)
      const { token } = await s.grant()
      const ok = await call(s.handler, 'POST', '/v1/key-requests', '/v1/key-requests', await s.ask(token.consent.id))
      expect(ok.status).toBe(200)
      // the deposit's owner and the request's signer, once each, when the limiter counts them; never otherwise
      expect(calls).toBe(rateLimit === false ? 0 : 2)
    }
    const s = await createTestService()
    expect(() =>
      createCustodianHandler({
        custodian: s.custodian,
        accessLog: s.accessLog,
        ledger: s.ledger,
        secp256k1: { name: 'x' } as never,
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }))
  })

  it('rate limits on: the custodian takes the handler’s check of a key request (one recovery, without a cache)', async () => {
    const native = createNativeSecp256k1Recovery()
    const counting = (name: string) => {
      const c = {
        calls: 0,
        secp256k1: {
          name,
          recoverPublicKey(digest: Uint8Array, signature: Uint8Array, recovery: 0 | 1) {
            c.calls++
            return native.recoverPublicKey(digest, signature, recovery)
          },
        },
      }
      return c
    }
    for (const same of [true, false]) {
      const t = await createTestService()
      const forHandler = counting('handler')
      const forCustodian = same ? forHandler : counting('custodian')
      const custodian = createCustodian({
        party: t.vendor,
        ledger: t.ledger,
        log: t.accessLog,
        secp256k1: forCustodian.secp256k1,
      })
      const handler = createCustodianHandler({
        custodian,
        accessLog: t.accessLog,
        ledger: t.ledger,
        secp256k1: forHandler.secp256k1,
      })
      await custodian.deposit(await t.deposit())
      const { token } = await t.grant()
      const signed = await t.ask(token.consent.id)
      forHandler.calls = 0
      forCustodian.calls = 0
      const ok = await call(handler, 'POST', '/v1/key-requests', '/v1/key-requests', signed)
      expect(ok.status).toBe(200)
      // one recovery in all, the handler's: the custodian takes its check of the frozen request
      if (same) expect(forHandler.calls).toBe(1)
      else expect([forHandler.calls, forCustodian.calls]).toEqual([1, 0])
      // the same request again: the custodian refuses it as a replay (it was remembered, whoever verified it)
      const replay = await call(handler, 'POST', '/v1/key-requests', '/v1/key-requests', signed)
      expect([replay.status, problemOf(replay).code]).toEqual([409, 'REQUEST_REPLAYED'])
      // a forged signature over the same fields is recovered and refused, never taken from memory
      const forged = await call(handler, 'POST', '/v1/key-requests', '/v1/key-requests', {
        ...signed,
        signature: (await t.ask(token.consent.id, t.patient)).signature,
      })
      expect(forged.status).toBe(403)
    }
  })

  it('rate limits on: the custodian takes the handler’s check of a deposit or update statement (one recovery each)', async () => {
    const native = createNativeSecp256k1Recovery()
    const counted = { calls: 0 }
    const secp256k1 = {
      name: 'counting',
      recoverPublicKey(digest: Uint8Array, signature: Uint8Array, recovery: 0 | 1) {
        counted.calls++
        return native.recoverPublicKey(digest, signature, recovery)
      },
    }
    const t = await createTestService()
    // a custodian and a handler that share no recovery cache: one recovery per request is the handler's
    const custodian = createCustodian({ party: t.vendor, ledger: t.ledger, log: t.accessLog, secp256k1 })
    const handler = createCustodianHandler({ custodian, accessLog: t.accessLog, ledger: t.ledger, secp256k1 })
    const deposited = await call(handler, 'POST', '/v1/deposits', '/v1/deposits', depositToJson(await t.deposit()))
    expect([deposited.status, counted.calls]).toEqual([201, 1])
    const v2 = await seal({ ...observation, status: 'amended' }, { recipients: [t.patient, t.vendor] })
    const update = await createDeposit({
      owner: t.patient,
      envelope: v2.envelope,
      custodian: t.vendor,
      domain: t.ledger.domain,
      previous: t.commitment,
    })
    counted.calls = 0
    const updated = await call(handler, 'POST', '/v1/updates', '/v1/updates', depositToJson(update))
    expect([updated.status, counted.calls]).toEqual([201, 1])
    // a statement signed by someone else over the same fields is recovered and refused, never taken from memory
    const other = await createDeposit({
      owner: t.doctor,
      depositor: t.patient,
      envelope: v2.envelope,
      custodian: t.vendor,
      domain: t.ledger.domain,
    })
    const json = depositToJson(update)
    const forged = { ...json, statement: { ...json.statement, signature: other.statement.signature } }
    const refused = await call(handler, 'POST', '/v1/updates', '/v1/updates', forged)
    expect([refused.status, problemOf(refused).code]).toEqual([400, 'DEPOSIT_STATEMENT_INVALID'])
  })

  it('erasure: ACCESS_DENIED before the owner’s tombstone, then shredded; key requests are RECORD_SHREDDED (410)', async () => {
    const s = await createTestService()
    await call(s.handler, 'POST', '/v1/deposits', '/v1/deposits', depositToJson(await s.deposit()))
    const { token } = await s.grant()
    const early = await call(s.handler, 'POST', '/v1/erasures', '/v1/erasures', { commitment: s.commitment })
    expect([early.status, problemOf(early).code]).toEqual([403, 'ACCESS_DENIED'])
    await shredRecord({ ledger: s.ledger }, { owner: s.patient, commitment: s.commitment })
    const done = await call(s.handler, 'POST', '/v1/erasures', '/v1/erasures', { commitment: s.commitment })
    expect(done.json).toEqual({ commitment: s.commitment, shredded: true })
    const gone = await call(s.handler, 'POST', '/v1/key-requests', '/v1/key-requests', await s.ask(token.consent.id))
    expect([gone.status, problemOf(gone).code]).toEqual([410, 'RECORD_SHREDDED'])
    const entry = await call(s.handler, 'GET', '/v1/entries/{commitment}', `/v1/entries/${s.commitment}`)
    expect(entry.json.entry.shredded).toBe(true)
  })

  it('LOG_APPEND_FAILED (503) when the access log cannot be written: no key leaves', async () => {
    const inner = createMemoryAccessLogStore()
    const state = { failing: false }
    const s = await createTestService()
    const vendor = createParty()
    const accessLog = await createAccessLog({
      operator: vendor,
      ledger: s.ledger,
      name: 'failing',
      store: {
        size: inner.size,
        get: inner.get,
        getNodes: inner.getNodes,
        append: async (leaves) => {
          if (state.failing) throw new Error('disk full at /var/secret/path')
          return inner.append(leaves)
        },
      },
    })
    const custodian = createCustodian({ party: vendor, ledger: s.ledger, log: accessLog })
    const handler = createCustodianHandler({ custodian, accessLog, ledger: s.ledger })
    const sealed = await seal(observation, { recipients: [s.patient, custodian.identity] })
    const d = await createDeposit({
      owner: s.patient,
      envelope: sealed.envelope,
      custodian: custodian.identity,
      domain: s.ledger.domain,
    })
    await call(handler, 'POST', '/v1/deposits', '/v1/deposits', depositToJson(d))
    const { token } = await s.grant()
    state.failing = true
    const { createKeyRequest } = await import('@medseal/core')
    const ask = createKeyRequest(s.doctor, s.ledger.domain, {
      consentId: token.consent.id,
      grantor: s.patient.address,
      commitment: bytesToHex0x(sealed.commitment),
      action: 'read',
      purpose: 'TREAT',
      issuedAt: await s.ledger.getTime(),
      custodian: custodian.identity,
    })
    const r = await call(handler, 'POST', '/v1/key-requests', '/v1/key-requests', ask)
    expect([r.status, problemOf(r).code]).toEqual([503, 'LOG_APPEND_FAILED'])
    expect(JSON.stringify(r.json)).not.toContain('secret')
  })
})

describe('createCustodianHandler: the access log', () => {
  it('serves the head, entries, inclusion and consistency proofs that verify, the checkpoint and its tiles', async () => {
    const s = await createTestService()
    await call(s.handler, 'POST', '/v1/deposits', '/v1/deposits', depositToJson(await s.deposit()))
    const { token } = await s.grant()
    await call(s.handler, 'POST', '/v1/key-requests', '/v1/key-requests', await s.ask(`0x${'22'.repeat(32)}`))
    await call(s.handler, 'POST', '/v1/key-requests', '/v1/key-requests', await s.ask(token.consent.id))
    await call(s.handler, 'POST', '/v1/key-requests', '/v1/key-requests', await s.ask(token.consent.id))

    const info = await call(s.handler, 'GET', '/v1/log', '/v1/log')
    expect(info.json).toMatchObject({ logId: s.accessLog.logId, name: 'access', size: 3 })
    const head = await call(s.handler, 'GET', '/v1/log/head', '/v1/log/head')
    expect(head.json.head.treeSize).toBe(3)
    const page = await call(s.handler, 'GET', '/v1/log/entries', '/v1/log/entries?start=1&limit=5')
    expect(page.json.entries.map((e: Json) => e.index)).toEqual([1, 2])
    const one = await call(s.handler, 'GET', '/v1/log/entries/{index}', '/v1/log/entries/1')
    expect(one.json.event.outcome).toBe('permit')
    // checksummed or lower case (issue 15 moves the log to checksummed addresses): the same address
    expect(one.json.event.actor.toLowerCase()).toBe(s.doctor.address.toLowerCase())
    const past = await call(s.handler, 'GET', '/v1/log/entries/{index}', '/v1/log/entries/3')
    expect([past.status, problemOf(past).code]).toEqual([404, 'NOT_FOUND'])
    const badIndex = await call(s.handler, 'GET', '/v1/log/entries', '/v1/log/entries?start=-1')
    expect([badIndex.status, problemOf(badIndex).code]).toEqual([400, 'INVALID_ARGUMENT'])

    const root = hexToBytes(head.json.head.root)
    const inc = await call(s.handler, 'GET', '/v1/log/proofs/inclusion', '/v1/log/proofs/inclusion?index=1&treeSize=3')
    const leaf = leafHash(encodeAccessEvent(one.json.event))
    expect(verifyInclusion(leaf, 1, 3, inc.json.proof.map(hexToBytes), root)).toBe(true)
    const con = await call(s.handler, 'GET', '/v1/log/proofs/consistency', '/v1/log/proofs/consistency?from=1&to=3')
    const oldRoot = await s.accessLog.root(1)
    expect(verifyConsistency(1, 3, oldRoot, root, con.json.proof.map(hexToBytes))).toBe(true)
    const badProof = await call(
      s.handler,
      'GET',
      '/v1/log/proofs/inclusion',
      '/v1/log/proofs/inclusion?index=9&treeSize=3',
    )
    expect(badProof.status).toBeGreaterThanOrEqual(400)
    problemOf(badProof)

    const cp = await call(s.handler, 'GET', '/v1/log/checkpoint', '/v1/log/checkpoint')
    const checkpoint = decodeCheckpoint(decodeNote(cp.json as unknown as string).text)
    expect(checkpoint).toMatchObject({ origin: 'custodian.test/access-log', treeSize: 3 })
    expect(bytesToHex0x(checkpoint.rootHash)).toBe(head.json.head.root)
    const tile = await s.handler(req('/v1/log/tile/0/000.p/3'))
    expect(tile.status).toBe(200)
    expect((await conform(tile.clone(), 'GET', '/v1/log/tile/{path}')) as string).toBeTypeOf('string')
    expect(new Uint8Array(await tile.arrayBuffer())).toHaveLength(3 * 32)
    const noTile = await call(s.handler, 'GET', '/v1/log/tile/{path}', '/v1/log/tile/0/999')
    expect([noTile.status, problemOf(noTile).code]).toEqual([404, 'NOT_FOUND'])
  })

  it('without a checkpoint signer there is no checkpoint (NOT_FOUND)', async () => {
    const s = await createTestService({ checkpoint: undefined } as never)
    const handler = createCustodianHandler({ custodian: s.custodian, accessLog: s.accessLog, ledger: s.ledger })
    const r = await call(handler, 'GET', '/v1/log/checkpoint', '/v1/log/checkpoint')
    expect([r.status, problemOf(r).code]).toEqual([404, 'NOT_FOUND'])
  })
})

describe('createCustodianHandler: HTTP behaviour', () => {
  it('health, identity and the OpenAPI document', async () => {
    const s = await createTestService()
    expect((await call(s.handler, 'GET', '/v1/health', '/v1/health')).json).toEqual({
      status: 'ok',
      ledger: 'memory',
      ledgerId: s.ledger.ledgerId,
      domain: s.ledger.domain,
      logSize: 0,
      breakGlassService: s.breakGlass.serviceId,
    })
    const id = await call(s.handler, 'GET', '/v1/identity', '/v1/identity')
    expect(id.json.address).toBe(s.custodian.identity.address)
    const doc = await call(s.handler, 'GET', '/v1/openapi.json', '/v1/openapi.json')
    expect(doc.json).toEqual(JSON.parse(JSON.stringify(openApiDocument)))
    expect(doc.json.openapi).toBe('3.1.0')
  })

  it('NOT_FOUND for an unknown route, METHOD_NOT_ALLOWED (405, Allow) for a known route with another method', async () => {
    const s = await createTestService()
    const unknown = await s.handler(req('/v2/health'))
    expect(unknown.status).toBe(404)
    expect((await unknown.json()).code).toBe('NOT_FOUND')
    const wrong = await s.handler(req('/v1/deposits'))
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('POST')
    expect((await wrong.json()).code).toBe('METHOD_NOT_ALLOWED')
    const badEscape = await s.handler(req('/v1/entries/%E0%A4%A'))
    expect((await badEscape.json()).code).toBe('NOT_FOUND')
  })

  it('SERVICE_ERROR (500) for a failure that is not a medseal error, saying nothing about it', async () => {
    const s = await createTestService()
    const broken = Object.freeze({
      ...s.custodian,
      getEntry: async () => {
        throw new Error('connection to postgres://admin:hunter2@db failed')
      },
    })
    const handler = createCustodianHandler({ custodian: broken, accessLog: s.accessLog, ledger: s.ledger })
    const r = await call(handler, 'GET', '/v1/entries/{commitment}', `/v1/entries/${s.commitment}`)
    expect([r.status, problemOf(r).code]).toEqual([500, 'SERVICE_ERROR'])
    expect(JSON.stringify(r.json)).not.toMatch(/hunter2|postgres/)
  })

  it('INPUT_TOO_LARGE (413): a declared length over the cap, and a body over it without a length', async () => {
    const s = await createTestService({ limits: { bodyBytes: 1024, depositBytes: 2048 } })
    const big = JSON.stringify({ pad: 'x'.repeat(3000) })
    const declared = await s.handler(req('/v1/key-requests', { body: big, headers: { 'content-length': '3011' } }))
    expect([declared.status, (await declared.json()).code]).toEqual([413, 'INPUT_TOO_LARGE'])
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode('x'.repeat(300)))
        c.close()
      },
    })
    const streamed = await s.handler(
      new Request('http://custodian.test/v1/deposits', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    )
    expect([streamed.status, (await streamed.json()).code]).toEqual([413, 'INPUT_TOO_LARGE'])
  })

  it('RATE_LIMITED (429, Retry-After) per signed identity; another identity is not affected; tokens come back', async () => {
    let now = 0
    const s = await createTestService({ rateLimit: { burst: 2, perSecond: 1, now: () => now } })
    await s.handler(req('/v1/deposits', { body: depositToJson(await s.deposit()) }))
    const { token } = await s.grant()
    const statuses: number[] = []
    for (let i = 0; i < 3; i++)
      statuses.push((await s.handler(req('/v1/key-requests', { body: await s.ask(token.consent.id) }))).status)
    expect(statuses).toEqual([200, 200, 429])
    const limited = await call(s.handler, 'POST', '/v1/key-requests', '/v1/key-requests', await s.ask(token.consent.id))
    expect([limited.status, problemOf(limited).code]).toEqual([429, 'RATE_LIMITED'])
    expect(limited.headers.get('retry-after')).toBe('1')
    expect(limited.json.retryAfter).toBe(1)
    const other = createParty()
    const stranger = await s.handler(req('/v1/key-requests', { body: await s.ask(token.consent.id, other) }))
    expect(stranger.status).toBe(403) // refused by the consent, not by the limit
    now += 1000
    expect((await s.handler(req('/v1/key-requests', { body: await s.ask(token.consent.id) }))).status).toBe(200)
  })

  it('clientKey limits before the body is read', async () => {
    const s = await createTestService({
      rateLimit: { burst: 1, perSecond: 0.001, clientKey: (r) => r.headers.get('x-client') ?? undefined },
    })
    expect((await s.handler(req('/v1/health', { headers: { 'x-client': 'a' } }))).status).toBe(200)
    const second = await s.handler(req('/v1/health', { headers: { 'x-client': 'a' } }))
    expect([second.status, (await second.json()).code]).toEqual([429, 'RATE_LIMITED'])
    expect((await s.handler(req('/v1/health', { headers: { 'x-client': 'b' } }))).status).toBe(200)
    expect((await s.handler(req('/v1/health'))).status).toBe(200)
  })

  it('CORS: none by default; listed origins get the headers and a preflight; others get none', async () => {
    const s = await createTestService()
    const plain = await s.handler(req('/v1/health', { headers: { origin: 'https://app.example' } }))
    expect(plain.headers.get('access-control-allow-origin')).toBeNull()
    const c = await createTestService({ cors: { origins: ['https://app.example'], maxAgeSeconds: 60 } })
    const allowed = await c.handler(req('/v1/health', { headers: { origin: 'https://app.example' } }))
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect(allowed.headers.get('vary')).toBe('origin')
    const pre = await c.handler(
      req('/v1/key-requests', {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
      }),
    )
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST')
    expect(pre.headers.get('access-control-allow-headers')).toBe('content-type')
    expect(pre.headers.get('access-control-max-age')).toBe('60')
    const evil = await c.handler(req('/v1/health', { headers: { origin: 'https://evil.example' } }))
    expect(evil.headers.get('access-control-allow-origin')).toBeNull()
    const evilPre = await c.handler(
      req('/v1/key-requests', { method: 'OPTIONS', headers: { origin: 'https://evil.example' } }),
    )
    expect(evilPre.headers.get('access-control-allow-methods')).toBeNull()
    const any = await createTestService({ cors: { origins: '*' } })
    const star = await any.handler(req('/v1/health', { headers: { origin: 'https://x.example' } }))
    expect(star.headers.get('access-control-allow-origin')).toBe('*')
    const problem = await c.handler(req('/v1/nope', { headers: { origin: 'https://app.example' } }))
    expect(problem.headers.get('access-control-allow-origin')).toBe('https://app.example')
  })

  it('mounts under a base path', async () => {
    const s = await createTestService({ basePath: '/api/custodian/' })
    expect((await s.handler(req('/api/custodian/v1/health'))).status).toBe(200)
    expect((await s.handler(req('/v1/health'))).status).toBe(404)
    expect((await s.handler(req('/api/custodianx/v1/health'))).status).toBe(404)
  })

  it('log hygiene: the logger gets route, method, status, code and duration only; never a body, key, signature or resource text', async () => {
    const events: ServiceLogEvent[] = []
    const s = await createTestService({ logger: (e) => void events.push(e) })
    const d = await s.deposit()
    await s.handler(req('/v1/deposits', { body: depositToJson(d) }))
    const { token } = await s.grant()
    const signed = await s.ask(token.consent.id)
    const released = await s.handler(req('/v1/key-requests', { body: signed }))
    const releasedBody = await released.json()
    await s.handler(req('/v1/key-requests', { body: signed }))
    await s.handler(req(`/v1/entries/${s.commitment}`))
    await s.handler(req('/v1/key-requests', { body: '{', headers: { 'content-type': 'application/json' } }))
    const text = JSON.stringify(events)
    for (const secret of [
      signed.signature.slice(2, 40),
      signed.request.encryptionKey.slice(2),
      signed.request.nonce.slice(2),
      d.statement.signature.slice(2, 40),
      d.proof.slice(2),
      releasedBody.envelope.slice(0, 40),
      depositToJson(d).envelope.slice(0, 40),
      'Body temperature',
      s.commitment.slice(2),
    ])
      expect(text).not.toContain(secret)
    expect(events.map((e) => [e.route, e.status, e.code])).toEqual([
      ['/v1/deposits', 201, undefined],
      ['/v1/key-requests', 200, undefined],
      ['/v1/key-requests', 409, 'REQUEST_REPLAYED'],
      ['/v1/entries/{commitment}', 200, undefined],
      ['/v1/key-requests', 400, 'INVALID_JSON'],
    ])
    for (const e of events) {
      expect(Object.keys(e).sort()).toEqual(expect.arrayContaining(['durationMs', 'method', 'route', 'status']))
      expect(e.durationMs).toBeGreaterThanOrEqual(0)
    }
    // a throwing logger never changes the answer
    const t = await createTestService({
      logger: () => {
        throw new Error('logger down')
      },
    })
    expect((await t.handler(req('/v1/health'))).status).toBe(200)
  })

  it('rejects bad parameters', () => {
    expect(() => createCustodianHandler(null as never)).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }))
    expect(() => createCustodianHandler({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }))
  })
})

afterAll(() => {
  // every documented operation that the handler serves without the relay, break-glass and links (checked in
  // @medseal/smart-health's service test) was answered at least once
  const core = Object.entries(openApiDocument.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .filter((k) => !k.includes('/v1/ledger') && !k.includes('/v1/break-glass') && !k.includes('/v1/shl'))
  for (const k of core) expect(seen.has(k), `${k} was exercised against the OpenAPI document`).toBe(true)
})

import { afterEach, describe, expect, it, vi } from 'vitest'
import { bytesToHex } from '../bytes/index.js'
import { holdOpener } from './_open.js'
import { testParty } from './_testParties.js'
import { createVaultKey } from './createVaultKey.js'
import { open } from './open.js'
import { seal } from './seal.js'
import { unwrapDataKey } from './unwrapDataKey.js'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('holdOpener (a custodian’s X25519 key, imported once)', () => {
  it('opens and unwraps exactly as the party does, importing its secret key once', async () => {
    const party = testParty()
    const held = holdOpener(party)
    expect(bytesToHex(held.encryptionPublicKey)).toBe(bytesToHex(party.encryptionPublicKey))
    const records = await Promise.all(
      [1, 2, 3].map((n) => seal({ resourceType: 'Observation', id: `o${n}` }, { recipients: [party, testParty()] })),
    )
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey')
    for (const r of records) {
      expect(bytesToHex(await unwrapDataKey(r.envelope, held))).toBe(bytesToHex(await unwrapDataKey(r.envelope, party)))
      expect((await open(r.envelope, held)).value).toEqual((await open(r.envelope, party)).value)
    }
    // WebCrypto X25519 (Node 20, Chromium): one private import for the held opener, one per call for the party
    if (importKey.mock.calls.some((call) => (call[0] as string) === 'jwk'))
      expect(importKey.mock.calls.filter((call) => (call[0] as string) === 'jwk').length).toBe(1 + 2 * records.length)
  })

  it('is not a recipient of a record sealed to others, and a tampered wrap does not open', async () => {
    const held = holdOpener(testParty())
    const other = await seal({ resourceType: 'Observation' }, { recipients: [testParty()] })
    await expect(unwrapDataKey(other.envelope, held)).rejects.toMatchObject({ code: 'NOT_A_RECIPIENT' })
    const party = testParty()
    const mine = await seal({ resourceType: 'Observation' }, { recipients: [party] })
    const tampered = {
      ...mine.envelope,
      recipients: mine.envelope.recipients.map((r) => {
        const wrappedKey = Uint8Array.from(r.wrappedKey)
        wrappedKey[0] = (wrappedKey[0] as number) ^ 1
        return { ...r, wrappedKey }
      }),
    }
    await expect(unwrapDataKey(tampered, holdOpener(party))).rejects.toMatchObject({ code: 'DECRYPT_FAILED' })
  })

  it('opens the party’s own vault wrap too', async () => {
    const party = testParty()
    const vault = createVaultKey({ party })
    const sealed = await seal({ resourceType: 'Observation' }, { recipients: [vault, testParty()] })
    expect((await open(sealed.envelope, holdOpener(party))).value).toEqual({ resourceType: 'Observation' })
  })

  it('refuses what is not an opener, as unwrapping does', () => {
    expect(() => holdOpener({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }))
  })
})

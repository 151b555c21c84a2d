/**
 * Envelope versions 1, 2 and 3 side by side (docs/spec/envelope.md §8, §15): every version round-trips and detects
 * tampering; an envelope of one version never opens as another; the commitment follows its version's formula.
 */
import { fc, test } from '@fast-check/vitest'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { bytesToHex, bytesToUtf8, utf8ToBytes } from '../bytes/index.js'
import { canonicalizeToBytes } from '../canonical/canonicalize.js'
import { createContentId } from '../canonical/contentId.js'
import { InvalidArgumentError, isSdkError } from '../errors/base.js'
import { testParty } from './_testParties.js'
import { computeCommitment } from './computeCommitment.js'
import { createVaultKey } from './createVaultKey.js'
import { encodeEnvelope } from './encodeEnvelope.js'
import { openCanonical } from './open.js'
import { openWithDataKey } from './openWithDataKey.js'
import { sealCanonical } from './seal.js'
import type { EnvelopeVersion } from './types.js'
import { unwrapDataKey } from './unwrapDataKey.js'

const party = testParty()
const vault = createVaultKey({ secret: new Uint8Array(32).fill(9) })
const VERSIONS = [1, 2, 3] as const
const TAMPER_CODES = [
  'ENVELOPE_MALFORMED',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_SUITE',
  'DECRYPT_FAILED',
  'NOT_A_RECIPIENT',
]

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p
  } catch (err) {
    return isSdkError(err) ? err.code : `foreign:${String(err)}`
  }
  return undefined
}

/** Canonical bytes of a JSON string holding `payload` as hex: 3 bytes to ~40 KB (both digest paths). */
const canonicalOf = (payload: Uint8Array) => canonicalizeToBytes(bytesToHex(payload))
const payloads = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 600 }),
  fc.uint8Array({ minLength: 8_200, maxLength: 20_000 }),
)
const recipientsFor = (version: EnvelopeVersion, withVault: boolean) =>
  version === 1 || !withVault ? [party] : [party, vault]

describe('envelope versions 1, 2 and 3', () => {
  test.prop([payloads, fc.constantFrom(...VERSIONS), fc.boolean()], { numRuns: 45 })(
    'round trip: the canonical bytes, the version, and the commitment by its version formula',
    async (payload, version, withVault) => {
      const canonical = canonicalOf(payload)
      const sealed = await sealCanonical(canonical, { recipients: recipientsFor(version, withVault), version })
      expect(sealed.envelope.version).toBe(version)
      const bytes = encodeEnvelope(sealed.envelope)
      expect(bytes[4]).toBe(version)
      for (const who of version === 1 || !withVault ? [party] : [party, vault]) {
        const opened = await openCanonical(bytes, who)
        expect(bytesToUtf8(opened.canonical)).toBe(bytesToUtf8(canonical))
        expect(opened.version).toBe(version)
        expect(bytesToHex(opened.commitment)).toBe(bytesToHex(sealed.commitment))
        expect(opened.contentId.toString()).toBe(createContentId(canonical).toString())
        const expected =
          version === 3
            ? hmac(
                sha256,
                new Uint8Array([...opened.salt, ...utf8ToBytes('medseal/envelope/v3/commitment')]),
                sha256(canonical),
              )
            : hmac(sha256, opened.salt, canonical)
        expect(bytesToHex(expected)).toBe(bytesToHex(sealed.commitment))
        expect(bytesToHex(computeCommitment(opened.salt, canonical, { version }))).toBe(bytesToHex(sealed.commitment))
      }
      const dataKey = await unwrapDataKey(bytes, party)
      const viaKey = await openWithDataKey(bytes, dataKey)
      expect(viaKey.version).toBe(version)
      expect(bytesToHex(viaKey.commitment)).toBe(bytesToHex(sealed.commitment))
    },
  )

  test.prop([fc.constantFrom(...VERSIONS), fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 255 })], { numRuns: 90 })(
    'tamper detection: any flipped byte of an envelope of any version fails to decode or to open (HPKE or vault)',
    async (version, byVault, at, mask) => {
      // one recipient: the recipient list is not authenticated as a whole, so a change to one entry only fails for
      // that entry's recipient (§3)
      const who = byVault && version !== 1 ? vault : party
      const { envelope } = await sealCanonical(canonicalizeToBytes({ resourceType: 'Observation', id: 'o1' }), {
        recipients: [who],
        version,
      })
      const bytes = encodeEnvelope(envelope)
      const bad = bytes.slice()
      const i = at % bytes.length
      bad[i] = (bad[i] as number) ^ mask
      expect(TAMPER_CODES).toContain(await codeOf(openCanonical(bad, who)))
    },
  )

  test.prop(
    [
      fc.uint8Array({ minLength: 1, maxLength: 300 }),
      fc
        .tuple(fc.constantFrom(...VERSIONS), fc.constantFrom(...VERSIONS))
        .filter(([sealedAs, readAs]) => sealedAs !== readAs),
      fc.boolean(),
    ],
    { numRuns: 45 },
  )(
    'an envelope of one version never opens as another (bytes relabelled, or the object)',
    async (payload, [sealedAs, readAs], viaObject) => {
      const { envelope } = await sealCanonical(canonicalOf(payload), {
        recipients: recipientsFor(sealedAs, true),
        version: sealedAs,
      })
      for (const who of [party, vault]) {
        let input: Uint8Array | typeof envelope
        if (viaObject) input = { ...envelope, version: readAs }
        else {
          const bytes = encodeEnvelope(envelope)
          bytes[4] = readAs
          input = bytes
        }
        const code = await codeOf(openCanonical(input, who))
        // the header (the AAD of every wrap and of the payload) refuses a relabelled envelope; 1 <-> 2/3 entries, and a
        // short version 3 payload read as 1/2 (no salt in front), do not parse; a vault key finds no entry in a
        // version 1 body
        expect(['DECRYPT_FAILED', 'ENVELOPE_MALFORMED', 'NOT_A_RECIPIENT']).toContain(code)
      }
    },
  )

  test.prop([fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 1, maxLength: 200 })], {
    numRuns: 100,
  })(
    'the version 3 commitment is neither the version 1 commitment of the same salt and bytes nor of label || digest',
    (salt, canonical) => {
      const v3 = bytesToHex(computeCommitment(salt, canonical, { version: 3 }))
      expect(bytesToHex(computeCommitment(salt, canonical, { version: 1 }))).not.toBe(v3)
      const labelled = new Uint8Array([...utf8ToBytes('medseal/envelope/v3/commitment'), ...sha256(canonical)])
      expect(bytesToHex(computeCommitment(salt, labelled))).not.toBe(v3)
      expect(bytesToHex(computeCommitment(salt, canonical, { version: 2 }))).toBe(
        bytesToHex(computeCommitment(salt, canonical)),
      )
    },
  )

  it('ciphertext bounds per version: version 3 carries no salt (17 bytes for 1 canonical byte), 1 and 2 do (49)', async () => {
    for (const [version, length] of [
      [1, 49],
      [2, 49],
      [3, 17],
    ] as const) {
      const { envelope } = await sealCanonical(utf8ToBytes('1'), { recipients: [party], version })
      expect(envelope.ciphertext.length).toBe(length)
      const opened = await openCanonical(encodeEnvelope(envelope), party)
      expect(bytesToUtf8(opened.canonical)).toBe('1')
      const short = { ...envelope, ciphertext: envelope.ciphertext.subarray(1) }
      expect(await codeOf(openCanonical(short, party))).toBe('ENVELOPE_MALFORMED')
      const bytes = encodeEnvelope(envelope)
      const cut = bytes.slice(0, -1)
      cut.set([0, 0, 0, length - 1], cut.length - length - 3)
      expect(await codeOf(openCanonical(cut, party))).toBe('ENVELOPE_MALFORMED')
    }
  })

  it('computeCommitment refuses an unknown version (INVALID_ARGUMENT) and a bad salt', () => {
    const c = canonicalizeToBytes({ a: 1 })
    for (const version of [0, 4, '3', 1.5]) {
      try {
        computeCommitment(new Uint8Array(32), c, { version: version as never })
        expect.unreachable()
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidArgumentError)
        expect(isSdkError(err, 'INVALID_ARGUMENT')).toBe(true)
      }
    }
    expect(() => computeCommitment(new Uint8Array(31), c, { version: 3 })).toThrow(InvalidArgumentError)
  })
})

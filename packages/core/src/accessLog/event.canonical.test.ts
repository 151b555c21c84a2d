import { fc, test } from '@fast-check/vitest'
import { expect } from 'vitest'
import { bytesToHex, bytesToHex0x } from '../bytes/index.js'
import { canonicalizeToBytes } from '../canonical/canonicalize.js'
import { toChecksumAddress } from '../identity/address.js'
import type { Address, Hex } from '../types.js'
import { type AccessEvent, decodeAccessEvent, encodeAccessEvent, normalizeAccessEvent } from './event.js'

const hex = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => bytesToHex0x(b))
// well-formed text of any code points (escapes, controls, non-BMP), within each field's bound
const special = fc.constantFrom('"', '\\', '\u0000', '\u001f', '\b', '\u007f', '\u2028', '\ud83d\ude00', 'é', 'a', '/')
const text = (max: number) =>
  fc
    .oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: max }),
      fc.string({ unit: special, minLength: 1, maxLength: 12 }),
    )
    .filter((s) => s.length <= max && s.isWellFormed())
const event: fc.Arbitrary<AccessEvent> = fc.record(
  {
    actor: hex(20).map((a) => toChecksumAddress(a) as Address),
    action: text(64),
    commitment: fc.tuple(hex(32), fc.boolean()).map(([h, up]) => (up ? `0x${h.slice(2).toUpperCase()}` : h) as Hex),
    at: fc.maxSafeNat(),
    purpose: text(64),
    consentId: hex(32).map((h) => h as Hex),
    outcome: fc.constantFrom('permit' as const, 'deny' as const),
    reason: text(1024),
    policyId: text(256),
  },
  { requiredKeys: ['actor', 'action', 'commitment', 'at', 'purpose', 'outcome'] },
)

test.prop([event], { numRuns: 300 })(
  'encodeAccessEvent writes exactly canonicalizeToBytes of the normalized event (actor in lower case)',
  (e) => {
    const n = normalizeAccessEvent(e)
    const expected = canonicalizeToBytes({ ...n, actor: n.actor.toLowerCase() })
    const bytes = encodeAccessEvent(e)
    expect(bytesToHex(bytes)).toBe(bytesToHex(expected))
    expect(decodeAccessEvent(bytes)).toEqual(n)
  },
)

import { describe, expect, it } from 'vitest'
import { bytesToHex0x } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import { createParty } from '../identity/createParty.js'
import { leafHash } from '../merkle/hash.js'
import { type AccessEvent, decodeAccessEvent, encodeAccessEvent, normalizeAccessEvent } from './event.js'

const actor = createParty({ seed: new Uint8Array(32).fill(2) }).address

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError)
    return (e as InvalidArgumentError).code
  }
  return undefined
}

describe('decodeAccessEvent: size cap', () => {
  it('review event-size: 3 MB of "[" is refused as INPUT_TOO_LARGE before it is parsed', () => {
    const bytes = new Uint8Array(3 * 1024 * 1024).fill('['.charCodeAt(0))
    expect(codeOf(() => decodeAccessEvent(bytes))).toBe('INPUT_TOO_LARGE')
    // any oversized input, even one that would be valid JSON, is refused the same way
    const padded = new TextEncoder().encode(`${' '.repeat(20_000)}{}`)
    expect(codeOf(() => decodeAccessEvent(padded))).toBe('INPUT_TOO_LARGE')
  })

  it('the largest possible event (every text field at its maximum, every unit escaped) still decodes', () => {
    const control = '\u0001' // 6 bytes once canonical: the worst case per UTF-16 code unit
    const event: AccessEvent = {
      actor,
      action: control.repeat(64),
      commitment: bytesToHex0x(leafHash(Uint8Array.of(1))),
      at: Number.MAX_SAFE_INTEGER,
      purpose: control.repeat(64),
      outcome: 'permit',
      consentId: bytesToHex0x(leafHash(Uint8Array.of(2))),
      reason: control.repeat(1024),
      policyId: control.repeat(256),
    }
    const bytes = encodeAccessEvent(event)
    expect(bytes.length).toBeGreaterThan(8000)
    expect(decodeAccessEvent(bytes)).toEqual(normalizeAccessEvent(event))
  })

  it('INVALID_TYPE for something that is not bytes; deep nesting under the cap is INVALID_ENCODING', () => {
    expect(codeOf(() => decodeAccessEvent('{}' as never))).toBe('INVALID_TYPE')
    expect(codeOf(() => decodeAccessEvent(new TextEncoder().encode('['.repeat(16_000))))).toBe('INVALID_ENCODING')
    // well-formed nesting as deep as the cap allows: parsed without recursion trouble, then refused as no event
    const nested = new TextEncoder().encode(`${'['.repeat(8_000)}${']'.repeat(8_000)}`)
    expect(codeOf(() => decodeAccessEvent(nested))).toBe('INVALID_ENCODING')
  })
})

describe('access events: one address-casing rule (issue 15)', () => {
  const commitment = bytesToHex0x(leafHash(Uint8Array.of(3)))
  const base = { action: 'read', commitment, at: 1_700_000_000, purpose: 'TREAT', outcome: 'permit' } as const
  const lower = actor.toLowerCase() as AccessEvent['actor']

  it('what the API returns carries the actor EIP-55 checksummed, whichever case it was given in', () => {
    expect(actor).not.toBe(lower)
    expect(normalizeAccessEvent({ ...base, actor: lower }).actor).toBe(actor)
    expect(normalizeAccessEvent({ ...base, actor }).actor).toBe(actor)
    expect(decodeAccessEvent(encodeAccessEvent({ ...base, actor: lower })).actor).toBe(actor)
  })

  it('the canonical bytes keep the lower-case wire form (the spec), the same for either input case', () => {
    const wire = new TextDecoder().decode(encodeAccessEvent({ ...base, actor }))
    expect(wire).toContain(`"actor":"${lower}"`)
    expect(wire).not.toContain(actor)
    expect(encodeAccessEvent({ ...base, actor: lower })).toEqual(encodeAccessEvent({ ...base, actor }))
  })

  it('bytes carrying a checksummed actor are not canonical (INVALID_ENCODING): one leaf per event', () => {
    const wire = new TextDecoder().decode(encodeAccessEvent({ ...base, actor }))
    const mixed = new TextEncoder().encode(wire.replace(lower, actor))
    expect(codeOf(() => decodeAccessEvent(mixed))).toBe('INVALID_ENCODING')
  })
})

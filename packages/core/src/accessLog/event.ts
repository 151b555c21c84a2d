/**
 * Access events: one entry of the access log, and its canonical bytes (the log's leaf data).
 *
 * The canonical form is RFC 8785 (JCS) over the normalized event: exactly the fields below, optional fields omitted
 * when absent, addresses and 32-byte ids as `0x` + lower-case hex (the wire form, fixed by the spec). Anyone holding
 * an event can recompute its leaf. What the API returns ({@link normalizeAccessEvent}, {@link decodeAccessEvent}, log
 * listings) carries the actor EIP-55 checksummed, like every address the SDK returns; only the encoding lower-cases it.
 * @module
 */
import { bytesToUtf8, describeType, isBytes, utf8ToBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import { isAddress, toChecksumAddress } from '../identity/address.js'
import type { Address, Hex } from '../types.js'

/** One access to a sealed record, as the access log records it. */
export type AccessEvent = {
  /** Who accessed (or tried to): the actor's address. */
  readonly actor: Address
  /** What was done: a consent action (`read`, `search`, `vread`, `write`, `delegate`) or another verb. */
  readonly action: string
  /** The record accessed, by commitment (32 bytes). */
  readonly commitment: Hex
  /** When, in ledger time (Unix seconds). */
  readonly at: number
  /** Purpose of use (HL7 v3 PurposeOfUse code, e.g. `TREAT`, `ETREAT`). */
  readonly purpose: string
  /** The consent that authorized it (32-byte id), if any. */
  readonly consentId?: Hex
  /** Whether access was granted. */
  readonly outcome: 'permit' | 'deny'
  /** Why (a denial's reason, a break-glass statement). Never put PHI here: log readers see it. */
  readonly reason?: string
  /** The policy that decided (e.g. a break-glass policy id), if any. */
  readonly policyId?: string
}

/** Everything {@link normalizeAccessEvent} and {@link encodeAccessEvent} can throw. */
export type AccessEventErrorType = InvalidArgumentError

const REQUIRED = ['action', 'actor', 'at', 'commitment', 'outcome', 'purpose'] as const
const OPTIONAL = ['consentId', 'policyId', 'reason'] as const
const KNOWN = new Set<string>([...REQUIRED, ...OPTIONAL])
const HEX32 = /^0x[0-9a-fA-F]{64}$/

/**
 * The largest canonical event: the text fields hold at most 64 + 64 + 1024 + 256 UTF-16 code units, each at most 6
 * bytes once canonical (RFC 8785 writes a control character as `\u00XX`), plus under 500 bytes of names, hex and
 * numbers, so 9 KB; 16 KiB leaves room. Checked before any decoding: a flat object needs no depth bound after it.
 */
const MAX_EVENT_BYTES = 16 * 1024

const bad = (message: string) => new InvalidArgumentError('INVALID_ARGUMENT', message)

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') {
    throw new InvalidArgumentError('INVALID_TYPE', `event.${field} must be a string.`, {
      metaMessages: [`Received ${describeType(value)}.`],
    })
  }
  if (value.length === 0 || value.length > max || !value.isWellFormed()) {
    throw bad(`event.${field} must be 1 to ${max} characters of well-formed Unicode.`)
  }
  return value
}

function hex32(value: unknown, field: string): Hex {
  if (typeof value === 'string' && HEX32.test(value)) return value.toLowerCase() as Hex
  throw bad(`event.${field} must be 0x followed by 64 hex digits.`)
}

/**
 * Checks an access event and returns its normalized, frozen form: the actor EIP-55 checksummed (accepted in either
 * case), 32-byte ids in lower-case hex, absent optional fields dropped.
 *
 * @param event - the event
 * @returns the normalized event
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_ARGUMENT` / `OUT_OF_RANGE` for a malformed event
 *   (also for unknown fields: nothing but these fields ever enters the log)
 * @example
 * ```ts
 * import { normalizeAccessEvent } from '@medseal/core'
 * normalizeAccessEvent({ actor, action: 'read', commitment, at: 1_700_000_000, purpose: 'TREAT', outcome: 'permit' })
 * ```
 */
export function normalizeAccessEvent(event: AccessEvent): AccessEvent {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidArgumentError('INVALID_TYPE', 'event must be an object.', {
      metaMessages: [`Received ${describeType(event)}.`],
    })
  }
  const e = event as Record<string, unknown>
  for (const key of Object.keys(e)) if (!KNOWN.has(key)) throw bad(`event has an unknown field "${key.slice(0, 40)}".`)
  if (!isAddress(e.actor)) throw bad('event.actor must be an address (0x followed by 40 hex digits).')
  const at = e.at
  if (typeof at !== 'number') throw new InvalidArgumentError('INVALID_TYPE', 'event.at must be a number.')
  if (!Number.isSafeInteger(at) || at < 0) {
    throw new InvalidArgumentError('OUT_OF_RANGE', 'event.at must be a non-negative integer (Unix seconds).')
  }
  if (e.outcome !== 'permit' && e.outcome !== 'deny') throw bad("event.outcome must be 'permit' or 'deny'.")
  const out: { -readonly [K in keyof AccessEvent]: AccessEvent[K] } = {
    actor: toChecksumAddress(e.actor as string),
    action: text(e.action, 'action', 64),
    commitment: hex32(e.commitment, 'commitment'),
    at,
    purpose: text(e.purpose, 'purpose', 64),
    outcome: e.outcome,
  }
  if (e.consentId !== undefined) out.consentId = hex32(e.consentId, 'consentId')
  if (e.reason !== undefined) out.reason = text(e.reason, 'reason', 1024)
  if (e.policyId !== undefined) out.policyId = text(e.policyId, 'policyId', 256)
  return Object.freeze(out)
}

/**
 * The canonical bytes of an access event: RFC 8785 (JCS) of {@link normalizeAccessEvent} with the actor in lower-case
 * hex (the wire form; the API returns it checksummed), UTF-8. These bytes are
 * the event's leaf data in the log (its leaf hash is `leafHash(bytes)`).
 *
 * @param event - the event
 * @returns UTF-8 JSON bytes
 * @throws {@link InvalidArgumentError} for a malformed event
 * @example
 * ```ts
 * import { encodeAccessEvent, leafHash } from '@medseal/core'
 * const leaf = leafHash(encodeAccessEvent(event))
 * ```
 */
export function encodeAccessEvent(event: AccessEvent): Uint8Array {
  const e = normalizeAccessEvent(event)
  // RFC 8785 written directly for this one shape (members in code-unit order; every string well-formed, so its JSON
  // string form is the JCS one; `at` a safe integer, so its decimal form is); equal to canonicalizeToBytes of the
  // event (a property test checks it). The wire form keeps the address in lower-case hex (docs/specs: independent
  // verifiers recompute these bytes).
  const q = JSON.stringify
  let json = `{"action":${q(e.action)},"actor":"${e.actor.toLowerCase()}","at":${e.at},"commitment":"${e.commitment}"`
  if (e.consentId !== undefined) json += `,"consentId":"${e.consentId}"`
  json += `,"outcome":"${e.outcome}"`
  if (e.policyId !== undefined) json += `,"policyId":${q(e.policyId)}`
  json += `,"purpose":${q(e.purpose)}`
  if (e.reason !== undefined) json += `,"reason":${q(e.reason)}`
  return utf8ToBytes(`${json}}`)
}

/**
 * Decodes an event's canonical bytes (as stored by an {@link AccessLogStore}) and checks that they are canonical.
 *
 * @param bytes - the event's canonical bytes
 * @returns the event
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` when `bytes` is not a Uint8Array, `INPUT_TOO_LARGE` for more
 *   than 16 KiB (no canonical event is that long; checked before decoding, so an oversized or deeply nested input
 *   costs nothing to refuse), `INVALID_ENCODING` for bytes that are not the canonical form of an event
 * @example
 * ```ts
 * import { decodeAccessEvent, encodeAccessEvent } from '@medseal/core'
 * decodeAccessEvent(encodeAccessEvent(event)) // the normalized event (actor checksummed)
 * ```
 */
export function decodeAccessEvent(bytes: Uint8Array): AccessEvent {
  if (!isBytes(bytes)) {
    throw new InvalidArgumentError('INVALID_TYPE', 'bytes must be a Uint8Array.', {
      metaMessages: [`Received ${describeType(bytes)}.`],
    })
  }
  if (bytes.length > MAX_EVENT_BYTES) {
    throw new InvalidArgumentError('INPUT_TOO_LARGE', `An access event is at most ${MAX_EVENT_BYTES} bytes.`, {
      metaMessages: [`Received ${bytes.length} bytes.`],
    })
  }
  const textForm = bytesToUtf8(bytes)
  let event: AccessEvent
  try {
    event = normalizeAccessEvent(JSON.parse(textForm) as AccessEvent)
  } catch (cause) {
    throw new InvalidArgumentError('INVALID_ENCODING', 'The bytes are not an access event.', { cause })
  }
  const again = encodeAccessEvent(event)
  if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i])) {
    throw new InvalidArgumentError('INVALID_ENCODING', 'The bytes are not the canonical form of an access event.')
  }
  return event
}

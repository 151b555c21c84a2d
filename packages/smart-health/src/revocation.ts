/**
 * Revocation of SMART Health Cards by `rid` (SMART Health Cards §Revocation): the issuer puts a revocation id in
 * `vc.rid` and publishes, per key, a revocation list at `<iss>/.well-known/crl/<kid>.json` whose `ctr` is the key's
 * `crlVersion` in the JWKS. An entry `rid.timestamp` revokes only cards whose `nbf` is before `timestamp`.
 * @module
 */
import { bytesToBase64url, concatBytes, InvalidArgumentError, utf8ToBytes } from '@medseal/core'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'

/** A key's revocation list document. */
export type ShcCrl = {
  readonly kid: string
  readonly method: 'rid'
  /** Incremented on every change; equal to the key's `crlVersion` in the JWKS. */
  readonly ctr: number
  /** `rid` or `rid.timestamp` (Unix seconds: only cards with `nbf` before it are revoked). */
  readonly rids: readonly string[]
}

/** Everything {@link computeRevocationId} and {@link createShcCrl} can throw. */
export type RevocationErrorType = InvalidArgumentError

/**
 * A revocation id for a card about `subject` (the issuer's internal patient id), unlinkable without the issuer's
 * secret, as the specification recommends (SMART Health Cards §Revocation):
 * `base64url(HMAC-SHA-256(secret || kid, subject)[first 64 bits])`, 11 characters.
 *
 * @param params - `secret` (the issuer's, 32 random bytes recommended, at least 16), `kid` (the signing key's),
 *   `subject`
 * @returns the `rid`
 * @throws {@link @medseal/core!InvalidArgumentError} for a short secret or an empty subject
 * @example
 * ```ts
 * import { computeRevocationId } from '@medseal/smart-health'
 * const rid = computeRevocationId({ secret, kid: issuer.kid, subject: 'patient-123' })
 * ```
 */
export function computeRevocationId(params: {
  readonly secret: Uint8Array
  readonly kid: string
  readonly subject: string
}): string {
  const { secret, kid, subject } = params
  if (!(secret instanceof Uint8Array) || secret.length < 16)
    throw new InvalidArgumentError('INVALID_LENGTH', 'secret must be at least 16 bytes.')
  if (typeof kid !== 'string' || kid.length === 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'kid is required.')
  if (typeof subject !== 'string' || subject.length === 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'subject must be a non-empty string.')
  return bytesToBase64url(hmac(sha256, concatBytes(secret, utf8ToBytes(kid)), utf8ToBytes(subject)).subarray(0, 8))
}

/**
 * Builds a key's revocation list document.
 *
 * @param params - `kid`, `ctr` (the key's `crlVersion`), and the revoked `rids`, each `{ rid, timestamp? }`
 * @returns the document to serve at `<iss>/.well-known/crl/<kid>.json`
 * @throws {@link @medseal/core!InvalidArgumentError} for a bad `rid`, `timestamp` or `ctr`
 * @example
 * ```ts
 * import { createShcCrl } from '@medseal/smart-health'
 * const crl = createShcCrl({ kid: issuer.kid, ctr: 1, rids: [{ rid }, { rid: other, timestamp: 1700000000 }] })
 * ```
 */
export function createShcCrl(params: {
  readonly kid: string
  readonly ctr: number
  readonly rids: readonly { readonly rid: string; readonly timestamp?: number }[]
}): ShcCrl {
  const { kid, ctr, rids } = params
  if (typeof kid !== 'string' || kid.length === 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'kid is required.')
  if (!Number.isSafeInteger(ctr) || ctr < 1)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'ctr must be a positive integer.')
  const list = rids.map(({ rid, timestamp }) => {
    if (typeof rid !== 'string' || !/^[A-Za-z0-9_-]{1,24}$/.test(rid))
      throw new InvalidArgumentError('INVALID_ARGUMENT', 'Each rid must be 1 to 24 base64url characters.')
    if (timestamp === undefined) return rid
    if (!Number.isSafeInteger(timestamp) || timestamp < 0)
      throw new InvalidArgumentError('OUT_OF_RANGE', 'A rid timestamp must be Unix seconds.')
    return `${rid}.${timestamp}`
  })
  return Object.freeze({ kid, method: 'rid', ctr, rids: Object.freeze(list) })
}

/**
 * Is a card with `rid` and `nbf` revoked by `crl`? An entry without a timestamp revokes every card with the rid; with
 * one, only those issued (`nbf`) before it.
 * @internal
 */
export function isRevokedBy(crl: ShcCrl, rid: string, nbf: number): boolean {
  for (const entry of crl.rids) {
    const dot = entry.indexOf('.')
    if (dot === -1) {
      if (entry === rid) return true
    } else if (entry.slice(0, dot) === rid) {
      const ts = Number(entry.slice(dot + 1))
      if (!Number.isFinite(ts) || nbf < ts) return true
    }
  }
  return false
}

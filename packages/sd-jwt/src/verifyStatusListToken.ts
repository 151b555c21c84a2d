/**
 * Token Status List verification (draft-ietf-oauth-status-list §8): signature, type, subject, expiry, then the
 * status at an index.
 * @module
 */
import { base64urlToBytes, InvalidArgumentError, inflateBytes, VerificationError } from '@medseal/core'
import { type Es256Key, importEs256, isPlainObject, parseJws, verifyJwsSignature } from './_jose.js'

/** Parameters of {@link verifyStatusListToken}. */
export type VerifyStatusListTokenParameters = {
  /** The Status List Token (compact JWT) as fetched. */
  readonly token: string
  /** The list signer's public key. */
  readonly key: Es256Key
  /** The URI the referenced token named: must equal the list's `sub`. */
  readonly uri: string
  /** The index to read. */
  readonly idx: number
  /** Now, Unix seconds (default the system clock). */
  readonly now?: number
  /** Allowed clock skew, seconds (default 60). */
  readonly skewSeconds?: number
}

/** What {@link verifyStatusListToken} returns. */
export type VerifyStatusListTokenReturnType = {
  /** The status at `idx`: 0 valid, 1 invalid, 2 suspended, … */
  readonly status: number
  readonly bits: number
  readonly iat: number | undefined
  readonly exp: number | undefined
}

/** Everything {@link verifyStatusListToken} can throw. */
export type VerifyStatusListTokenErrorType = VerificationError | InvalidArgumentError

/** Largest inflated list accepted: 8 MiB (64 Mi one-bit entries). */
const MAX_LIST_BYTES = 8 << 20

const unavailable = (message: string) => new VerificationError('SD_JWT_STATUS_UNAVAILABLE', message)

/**
 * Verifies a Status List Token and reads one status: ES256 signature by `key` (`SD_JWT_SIGNATURE_INVALID`),
 * `typ: statuslist+jwt`, `sub` equal to `uri`, `bits` of 1, 2, 4 or 8 and a zlib `lst` (`SD_JWT_STATUS_UNAVAILABLE`
 * otherwise, as for an index outside the list), not past `exp` (`SD_JWT_EXPIRED`).
 *
 * @param params - see {@link VerifyStatusListTokenParameters}
 * @returns the status at `idx`
 * @throws {@link @medseal/core!VerificationError} `SD_JWT_SIGNATURE_INVALID`, `SD_JWT_STATUS_UNAVAILABLE`, `SD_JWT_EXPIRED`,
 *   `SD_JWT_MALFORMED`, `SD_JWT_UNSUPPORTED_ALG`
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_KEY`, `INVALID_ARGUMENT`
 * @example
 * ```ts
 * import { verifyStatusListToken } from '@medseal/sd-jwt'
 * const { status } = await verifyStatusListToken({ token, key: hospital.publicJwk, uri, idx: 1 })
 * status // 1: revoked
 * ```
 */
export async function verifyStatusListToken(
  params: VerifyStatusListTokenParameters,
): Promise<VerifyStatusListTokenReturnType> {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'params must be an object.')
  if (!Number.isSafeInteger(params.idx) || params.idx < 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'idx must be a non-negative integer.')
  if (typeof params.token !== 'string' || params.token.length > 16 << 20)
    throw unavailable('The status list token must be a string of at most 16 MiB.')
  const now = params.now ?? Math.floor(Date.now() / 1000)
  const skew = params.skewSeconds ?? 60
  const key = await importEs256(params.key, 'verify', 'key')
  const jws = parseJws(params.token, 'The status list token')
  if (!(await verifyJwsSignature(jws, key)))
    throw new VerificationError('SD_JWT_SIGNATURE_INVALID', 'The status list token signature does not verify.')
  const { header, payload } = jws
  if (header.typ !== 'statuslist+jwt') throw unavailable('The status list token typ is not statuslist+jwt.')
  if (payload.sub !== params.uri) throw unavailable('The status list token is for another URI than the one referenced.')
  const exp = payload.exp
  if (exp !== undefined && typeof exp !== 'number') throw unavailable('The status list token exp is not a number.')
  if (typeof exp === 'number' && now >= exp + skew)
    throw new VerificationError('SD_JWT_EXPIRED', 'The status list token has expired.')
  const sl = payload.status_list
  if (!isPlainObject(sl) || typeof sl.lst !== 'string') throw unavailable('The status list token has no status_list.')
  const bits = sl.bits
  if (bits !== 1 && bits !== 2 && bits !== 4 && bits !== 8) throw unavailable('status_list.bits must be 1, 2, 4 or 8.')
  let compressed: Uint8Array
  try {
    compressed = base64urlToBytes(sl.lst)
  } catch {
    throw unavailable('status_list.lst is not base64url.')
  }
  // zlib (draft-ietf-oauth-status-list §4.1: `lst` is ZLIB-compressed), bounded (no zip bombs)
  const list = await inflateBytes({ bytes: compressed, format: 'deflate', maxBytes: MAX_LIST_BYTES }).catch(
    (cause: unknown) => {
      throw new VerificationError(
        'SD_JWT_STATUS_UNAVAILABLE',
        'The status list is not zlib data within the size bound.',
        {
          cause,
        },
      )
    },
  )
  const bit = params.idx * bits
  if (bit >> 3 >= list.length) throw unavailable('The status index is outside the status list.')
  const status = ((list[bit >> 3] as number) >> (bit & 7)) & ((1 << bits) - 1)
  return Object.freeze({
    status,
    bits,
    iat: typeof payload.iat === 'number' ? payload.iat : undefined,
    exp: typeof exp === 'number' ? exp : undefined,
  })
}

/**
 * Token Status List issuance (draft-ietf-oauth-status-list): a signed `statuslist+jwt` whose `status_list.lst` packs
 * one status per referenced token.
 * @module
 */
import { bytesToBase64url, deflateBytes, describeType, InvalidArgumentError } from '@medseal/core'
import { type Es256Key, importEs256, signJws } from './_jose.js'

/** Parameters of {@link signStatusListToken}. */
export type SignStatusListTokenParameters = {
  /** The status list signer's ES256 private key (usually the SD-JWT issuer's). */
  readonly key: Es256Key
  readonly kid?: string
  /** The `iss` of the list token (usually the SD-JWT issuer's). */
  readonly iss?: string
  /** The list's URI: its `sub`, and the `uri` every referenced token names. */
  readonly uri: string
  /** One status per index: 0 valid, 1 invalid (revoked), 2 suspended, others application-specific. */
  readonly statuses: ArrayLike<number>
  /** Bits per status: 1, 2, 4 or 8 (default 1; larger when a status above 1 is used). */
  readonly bits?: 1 | 2 | 4 | 8
  /** Issued at, Unix seconds (default now). */
  readonly iat?: number
  /** Expiry of this list token, Unix seconds. */
  readonly exp?: number
  /** Seconds a verifier may cache the list (`ttl`). */
  readonly ttl?: number
}

/** Everything {@link signStatusListToken} can throw. */
export type SignStatusListTokenErrorType = InvalidArgumentError

/**
 * Packs `statuses` (index 0 in the least significant bits of byte 0, draft-ietf-oauth-status-list §4.1), compresses
 * them with zlib, and signs the Status List Token (`typ: statuslist+jwt`, ES256) with `sub` = `uri`.
 *
 * @param params - see {@link SignStatusListTokenParameters}
 * @returns the compact JWT
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_ARGUMENT` for a status that does not fit `bits`, a bad uri or time;
 *   `INVALID_KEY`
 * @example
 * ```ts
 * import { generateEs256Key, signStatusListToken } from '@medseal/sd-jwt'
 * const hospital = await generateEs256Key()
 * const token = await signStatusListToken({
 *   key: hospital.privateKey, uri: 'https://hospital.example/status/1', statuses: [0, 1, 0], exp: 2_000_000_000,
 * })
 * ```
 */
export async function signStatusListToken(params: SignStatusListTokenParameters): Promise<string> {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.', {
      metaMessages: [`Received ${describeType(params)}.`],
    })
  const bits = params.bits ?? 1
  if (bits !== 1 && bits !== 2 && bits !== 4 && bits !== 8)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'bits must be 1, 2, 4 or 8.')
  if (typeof params.uri !== 'string' || params.uri === '')
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'uri must be a non-empty string.')
  const statuses = params.statuses
  if (
    typeof statuses !== 'object' ||
    statuses === null ||
    !Number.isSafeInteger(statuses.length) ||
    statuses.length === 0
  )
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'statuses must be a non-empty array of numbers.')
  const iat = params.iat ?? Math.floor(Date.now() / 1000)
  for (const [name, t] of [
    ['iat', iat],
    ['exp', params.exp],
    ['ttl', params.ttl],
  ] as const)
    if (t !== undefined && (!Number.isSafeInteger(t) || t < 0))
      throw new InvalidArgumentError('INVALID_ARGUMENT', `${name} must be a non-negative integer.`)
  const max = (1 << bits) - 1
  const packed = new Uint8Array(Math.ceil((statuses.length * bits) / 8))
  for (let i = 0; i < statuses.length; i++) {
    const s = statuses[i] as number
    if (!Number.isInteger(s) || s < 0 || s > max)
      throw new InvalidArgumentError('INVALID_ARGUMENT', `Every status must be an integer from 0 to ${max}.`, {
        metaMessages: [`index ${i}`],
      })
    const bit = i * bits
    packed[bit >> 3] = (packed[bit >> 3] as number) | (s << (bit & 7))
  }
  const lst = bytesToBase64url(await deflateBytes({ bytes: packed, format: 'deflate' }))
  const key = await importEs256(params.key, 'sign', 'key')
  return signJws(
    { typ: 'statuslist+jwt', ...(params.kid === undefined ? {} : { kid: params.kid }) },
    {
      sub: params.uri,
      ...(params.iss === undefined ? {} : { iss: params.iss }),
      iat,
      ...(params.exp === undefined ? {} : { exp: params.exp }),
      ...(params.ttl === undefined ? {} : { ttl: params.ttl }),
      status_list: { bits, lst },
    },
    key,
  )
}

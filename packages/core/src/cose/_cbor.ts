/**
 * The CBOR codec of the COSE module: cborg, with RFC 8949 §4.2.1 core deterministic encoding (preferred integer
 * forms, definite lengths, map keys sorted by their encoded bytes) and a strict decoder (shortest forms only, no
 * duplicate map keys, no indefinite lengths, no `undefined`, no tag but 18).
 * @internal
 * @module
 */
import { decode, encode, rfc8949EncodeOptions, Tagged } from 'cborg'
import { VerificationError } from '../errors/base.js'

/** CBOR tag of a COSE_Sign1 (RFC 9052 §2). */
export const COSE_SIGN1_TAG = 18

export { Tagged }

/** Deterministic CBOR (RFC 8949 §4.2.1) of `value`; `Map`s keep non-string keys. @internal */
export function cborEncode(value: unknown): Uint8Array<ArrayBuffer> {
  const out = encode(value, rfc8949EncodeOptions)
  return new Uint8Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength))
}

/** Strict CBOR decode; every failure is `COSE_MALFORMED`. Maps decode as `Map`. @internal */
export function cborDecode(bytes: Uint8Array, what: string): unknown {
  try {
    return decode(bytes, {
      strict: true,
      rejectDuplicateMapKeys: true,
      allowIndefinite: false,
      allowUndefined: false,
      useMaps: true,
      tags: Tagged.preserve(COSE_SIGN1_TAG),
    })
  } catch (cause) {
    throw new VerificationError('COSE_MALFORMED', `${what} is not well-formed CBOR.`, { cause })
  }
}

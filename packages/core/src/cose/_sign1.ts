/**
 * COSE_Sign1 (RFC 9052 §4) with a detached payload, signed ES256K (RFC 8812) by a party's secp256k1 key.
 * @internal
 * @module
 */

import { secp256k1 } from '@noble/curves/secp256k1.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { describeType, isBytes } from '../bytes/index.js'
import { InvalidArgumentError, VerificationError } from '../errors/base.js'
import { toDidKey } from '../identity/did.js'
import type { Party, PublicIdentity } from '../identity/types.js'
import { cborDecode, cborEncode, Tagged } from './_cbor.js'
import { COSE_RECEIPT as C } from './coseReceiptHeaders.js'

/** Largest COSE receipt accepted (a receipt of a 2^64-leaf tree is ~2.5 KiB). */
const MAX_RECEIPT_BYTES = 64 * 1024

/** A decoded COSE_Sign1 whose payload is detached. @internal */
export type DecodedSign1 = {
  readonly protectedBytes: Uint8Array
  readonly protectedHeader: Map<unknown, unknown>
  readonly unprotectedHeader: Map<unknown, unknown>
  readonly signature: Uint8Array
}

export const coseMalformed = (shortMessage: string) => new VerificationError('COSE_MALFORMED', shortMessage)
export const coseUnsupported = (shortMessage: string) => new VerificationError('COSE_UNSUPPORTED', shortMessage)

/** RFC 9052 §4.4 Sig_structure for a COSE_Sign1 without external AAD. */
function toBeSigned(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return cborEncode(['Signature1', protectedBytes, new Uint8Array(0), payload])
}

/** Signs a detached payload: the tagged COSE_Sign1 bytes `18([protected, unprotected, nil, r || s])`. @internal */
export function signSign1(
  party: Party,
  protectedHeader: Map<unknown, unknown>,
  unprotectedHeader: Map<unknown, unknown>,
  payload: Uint8Array,
): Uint8Array<ArrayBuffer> {
  const protectedBytes = cborEncode(protectedHeader)
  // ES256K: ECDSA over SHA-256 of the Sig_structure; Party.signDigest gives r || s || v (low-s), COSE takes r || s.
  const signature = party.signDigest(sha256(toBeSigned(protectedBytes, payload))).slice(0, 64)
  return cborEncode(new Tagged(C.sign1Tag, [protectedBytes, unprotectedHeader, null, signature]))
}

/** Decodes a tagged COSE_Sign1 with a detached payload; `COSE_MALFORMED` / `COSE_UNSUPPORTED` otherwise. @internal */
export function decodeSign1(bytes: unknown): DecodedSign1 {
  if (!isBytes(bytes)) {
    throw new InvalidArgumentError('INVALID_TYPE', 'receipt must be a Uint8Array (a COSE_Sign1).', {
      metaMessages: [`Received ${describeType(bytes)}.`],
    })
  }
  if (bytes.length > MAX_RECEIPT_BYTES)
    throw coseMalformed(`A COSE receipt must be at most ${MAX_RECEIPT_BYTES} bytes.`)
  const value = cborDecode(bytes, 'The COSE receipt')
  if (!(value instanceof Tagged) || value.tag !== C.sign1Tag)
    throw coseMalformed('A COSE receipt must be a tagged COSE_Sign1 (tag 18).')
  const body = value.value
  if (!Array.isArray(body) || body.length !== 4) throw coseMalformed('A COSE_Sign1 must be an array of four items.')
  const [protectedBytes, unprotectedHeader, payload, signature] = body as unknown[]
  if (!isBytes(protectedBytes) || protectedBytes.length === 0)
    throw coseMalformed('The protected header must be a non-empty byte string.')
  if (!(unprotectedHeader instanceof Map)) throw coseMalformed('The unprotected header must be a map.')
  if (payload !== null) throw coseMalformed('The payload must be detached (nil): the verifier recomputes the root.')
  if (!isBytes(signature)) throw coseMalformed('The signature must be a byte string.')
  const protectedHeader = cborDecode(protectedBytes, 'The protected header')
  if (!(protectedHeader instanceof Map)) throw coseMalformed('The protected header must be a map.')
  if (protectedHeader.has(C.crit))
    throw coseUnsupported('The receipt has critical headers this verifier does not know.')
  if (protectedHeader.get(C.alg) !== C.algES256K) throw coseUnsupported('Only ES256K (-47) receipts are supported.')
  if (protectedHeader.get(C.vds) !== C.vdsRfc9162Sha256)
    throw coseUnsupported('Only RFC9162_SHA256 (vds 1) receipts are supported.')
  if (unprotectedHeader.has(C.alg) || unprotectedHeader.has(C.vds)) {
    throw coseMalformed('alg and vds belong in the protected header only.')
  }
  if (protectedHeader.has(C.vdp)) throw coseMalformed('vdp belongs in the unprotected header.')
  return { protectedBytes, protectedHeader, unprotectedHeader, signature }
}

/** The secp256k1 public key (33 bytes, compressed) of `signer`: a public identity or a 33/65-byte key. @internal */
export function signerKey(signer: unknown): Uint8Array {
  const key =
    typeof signer === 'object' && signer !== null && !isBytes(signer)
      ? (signer as PublicIdentity).signingPublicKey
      : signer
  if (isBytes(key) && (key.length === 33 || key.length === 65)) {
    try {
      return secp256k1.Point.fromBytes(key).toBytes(true)
    } catch (cause) {
      throw new InvalidArgumentError('INVALID_KEY', 'signer is not a valid secp256k1 public key.', { cause })
    }
  }
  throw new InvalidArgumentError(
    'INVALID_TYPE',
    'signer must be a PublicIdentity or a 33/65-byte secp256k1 public key.',
    {
      metaMessages: [`Received ${describeType(signer)}.`],
    },
  )
}

/**
 * Checks the signature of a decoded COSE_Sign1 over `payload` with `publicKey` (ECDSA, high or low s), then that the
 * CWT issuer claim, when present, is that key's `did:key`. Returns the issuer. @internal
 */
export function verifySign1(decoded: DecodedSign1, payload: Uint8Array, publicKey: Uint8Array): string | undefined {
  const { signature } = decoded
  const digest = sha256(toBeSigned(decoded.protectedBytes, payload))
  let ok = false
  if (signature.length === 64) {
    try {
      ok = secp256k1.verify(signature, digest, publicKey, { prehash: false, lowS: false, format: 'compact' })
    } catch {
      ok = false
    }
  }
  if (!ok) {
    throw new VerificationError(
      'COSE_SIGNATURE_INVALID',
      'The receipt signature does not verify over the recomputed root with this signer key.',
      { metaMessages: ['The entry, the proof, the signature or the key is not the one signed.'] },
    )
  }
  const claims = decoded.protectedHeader.get(C.cwtClaims)
  if (claims === undefined) return undefined
  if (!(claims instanceof Map)) throw coseMalformed('The CWT claims header must be a map.')
  const iss = claims.get(C.claimIss)
  if (iss === undefined) return undefined
  if (typeof iss !== 'string') throw coseMalformed('The CWT issuer claim must be a text string.')
  if (iss !== toDidKey(publicKey)) {
    throw new VerificationError('COSE_ISSUER_MISMATCH', 'The receipt names another issuer than the key that signed it.')
  }
  return iss
}

/** Reads `bstr .cbor [uint, uint, [* bstr]]` (an RFC 9942 RFC9162_SHA256 proof). @internal */
export function decodeProof(value: unknown, what: string): { a: number; b: number; path: Uint8Array[] } {
  if (!isBytes(value)) throw coseMalformed(`${what} must be a byte string.`)
  const proof = cborDecode(value, what)
  if (!Array.isArray(proof) || proof.length !== 3) throw coseMalformed(`${what} must be [size, index or size, path].`)
  const [a, b, path] = proof as unknown[]
  const uint = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0
  if (!uint(a) || !uint(b)) throw coseMalformed(`${what}: sizes and indexes must be unsigned integers below 2^53.`)
  if (!Array.isArray(path) || path.length > 64)
    throw coseMalformed(`${what}: the path must be an array of at most 64 hashes.`)
  for (const node of path) {
    if (!isBytes(node) || node.length !== 32) throw coseMalformed(`${what}: every path node must be 32 bytes.`)
  }
  return { a: a as number, b: b as number, path: path as Uint8Array[] }
}

/** The one proof of kind `key` (-1 inclusion, -2 consistency) in the unprotected `vdp`. @internal */
export function onlyProof(decoded: DecodedSign1, key: number, what: string): unknown {
  const vdp = decoded.unprotectedHeader.get(C.vdp)
  if (!(vdp instanceof Map)) throw coseMalformed('The unprotected header must carry vdp (396) as a map.')
  const proofs = vdp.get(key)
  if (!Array.isArray(proofs) || proofs.length === 0) throw coseMalformed(`vdp must carry ${what} proofs (${key}).`)
  if (proofs.length !== 1) throw coseUnsupported(`medseal verifies receipts with exactly one ${what} proof.`)
  return proofs[0]
}

/**
 * Test-only: a verifier of RFC 9942 COSE Receipts of inclusion written from RFC 9942, RFC 9052 and RFC 9162 alone,
 * with cbor-x (not the SDK's cborg) and noble's secp256k1 directly, and no medseal code. Used by the Node and
 * Chromium tests to show that what medseal emits is what the standards say.
 * @internal
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { Decoder, Encoder, Tag } from 'cbor-x'

const decoder = new Decoder({ mapsAsObjects: false, useRecords: false })
// TOOLCHAIN §8 pitfall 5: no tag 64 on byte strings, no tag 259 on maps, or the Sig_structure changes.
// (`useTag259ForMaps` is read by cbor-x's encoder but missing from its option types.)
const encoder = new Encoder({
  tagUint8Array: false,
  useTag259ForMaps: false,
  useRecords: false,
  mapsAsObjects: false,
} as ConstructorParameters<typeof Encoder>[0])

const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/** RFC 9162 §2.1.3.2, from the RFC's text. */
export function rfc9162Root(entry: Uint8Array, leafIndex: number, treeSize: number, path: Uint8Array[]) {
  if (leafIndex >= treeSize) throw new Error('leaf index out of range')
  let fn = leafIndex
  let sn = treeSize - 1
  let r = sha256(cat(new Uint8Array([0]), entry))
  for (const p of path) {
    if (sn === 0) throw new Error('path too long')
    if (fn % 2 === 1 || fn === sn) {
      r = sha256(cat(new Uint8Array([1]), p, r))
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2)
        sn = Math.floor(sn / 2)
      }
    } else {
      r = sha256(cat(new Uint8Array([1]), r, p))
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  if (sn !== 0) throw new Error('path too short')
  return r
}

/** Decodes with cbor-x and verifies; throws on any failure. */
export function independentVerify(receipt: Uint8Array, entry: Uint8Array, publicKey: Uint8Array) {
  const tagged = decoder.decode(receipt) as Tag
  if (!(tagged instanceof Tag) || tagged.tag !== 18) throw new Error('not a tagged COSE_Sign1')
  const [protectedBytes, unprotected, payload, signature] = tagged.value as [
    Uint8Array,
    Map<unknown, unknown>,
    null,
    Uint8Array,
  ]
  if (payload !== null) throw new Error('payload not detached')
  const header = decoder.decode(protectedBytes) as Map<unknown, unknown>
  if (header.get(1) !== -47) throw new Error('alg is not ES256K')
  if (header.get(395) !== 1) throw new Error('vds is not RFC9162_SHA256')
  const vdp = unprotected.get(396) as Map<number, Uint8Array[]>
  const [treeSize, leafIndex, path] = decoder.decode((vdp.get(-1) as Uint8Array[])[0] as Uint8Array) as [
    number,
    number,
    Uint8Array[],
  ]
  const root = rfc9162Root(entry, leafIndex, treeSize, path)
  const toBeSigned = encoder.encode(['Signature1', protectedBytes, new Uint8Array(0), root])
  if (!secp256k1.verify(signature, sha256(toBeSigned), publicKey, { prehash: false, lowS: false })) {
    throw new Error('signature does not verify')
  }
  return { root, treeSize, leafIndex, header, headerKeys: [...header.keys()] }
}

/** RFC 9052 Sig_structure check of any COSE_Sign1 over a detached payload with cbor-x and noble. */
export function independentVerifySignature(receipt: Uint8Array, payload: Uint8Array, publicKey: Uint8Array): boolean {
  const tagged = decoder.decode(receipt) as Tag
  const [protectedBytes, , , signature] = tagged.value as [Uint8Array, unknown, null, Uint8Array]
  const toBeSigned = encoder.encode(['Signature1', protectedBytes, new Uint8Array(0), payload])
  return secp256k1.verify(signature, sha256(toBeSigned), publicKey, { prehash: false, lowS: false })
}

/** cbor-x's view of a receipt (for field-by-field checks). */
export function decodeWithCborX(bytes: Uint8Array): unknown {
  return decoder.decode(bytes)
}

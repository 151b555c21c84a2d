/**
 * RFC 9180 §4 building blocks: `I2OSP`, suite ids, `LabeledExtract` and `LabeledExpand` over a KDF plug-in.
 * @module
 * @internal
 */
import type { HpkeKdf } from './types.js'

const encoder = /* @__PURE__ */ new TextEncoder()

/** ASCII bytes of a fixed protocol label. @internal */
export function label(text: string): Uint8Array {
  return encoder.encode(text)
}

/** `"HPKE-v1"`, the version label of RFC 9180 §4. @internal */
export const HPKE_V1: Uint8Array = /* @__PURE__ */ label('HPKE-v1')

/** RFC 9180 §4 `I2OSP(n, w)`: big-endian, `w` bytes; `n` must fit. @internal */
export function i2osp(n: number, w: number): Uint8Array {
  const out = new Uint8Array(w)
  let v = n
  for (let i = w - 1; i >= 0 && v > 0; i--) {
    out[i] = v & 0xff
    v = Math.floor(v / 256)
  }
  return out
}

/** Concatenates byte arrays (internal, no checks). @internal */
export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/** RFC 9180 §4.1: `suite_id = "KEM" || I2OSP(kem_id, 2)`. @internal */
export function kemSuiteId(kemId: number): Uint8Array {
  return concat(label('KEM'), i2osp(kemId, 2))
}

/** RFC 9180 §5.1: `suite_id = "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2)`. @internal */
export function hpkeSuiteId(kemId: number, kdfId: number, aeadId: number): Uint8Array {
  return concat(label('HPKE'), i2osp(kemId, 2), i2osp(kdfId, 2), i2osp(aeadId, 2))
}

/** RFC 9180 §4: `LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" || suite_id || label || ikm)`. @internal */
export function labeledExtract(
  kdf: HpkeKdf,
  suiteId: Uint8Array,
  salt: Uint8Array,
  labelBytes: Uint8Array,
  ikm: Uint8Array,
): Uint8Array {
  const labeledIkm = concat(HPKE_V1, suiteId, labelBytes, ikm)
  try {
    return kdf.extract(salt, labeledIkm)
  } finally {
    labeledIkm.fill(0)
  }
}

/**
 * RFC 9180 §4: `LabeledExpand(prk, label, info, L) = Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label ||
 * info, L)`. @internal
 */
export function labeledExpand(
  kdf: HpkeKdf,
  suiteId: Uint8Array,
  prk: Uint8Array,
  labelBytes: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  return kdf.expand(prk, concat(i2osp(length, 2), HPKE_V1, suiteId, labelBytes, info), length)
}

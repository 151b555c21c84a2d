/**
 * Byte helpers. All binary in medseal is `Uint8Array`; text and hex go through these strict helpers only.
 * @module
 */
import {
  bytesToHex as nobleBytesToHex,
  concatBytes as nobleConcatBytes,
  hexToBytes as nobleHexToBytes,
  randomBytes as nobleRandomBytes,
} from '@noble/hashes/utils.js'
import { InvalidArgumentError } from '../errors/base.js'

/** A source of cryptographically secure random bytes; injectable for deterministic tests. */
export type RandomBytes = (byteLength: number) => Uint8Array

/** Is `value` a real `Uint8Array` (not a look-alike, not another typed array)? Never throws. */
export function isBytes(value: unknown): value is Uint8Array {
  // ArrayBuffer.isView first: an object made with Object.create(Uint8Array.prototype) passes `instanceof` but is
  // not a view, and any access to its bytes would throw a raw TypeError.
  return ArrayBuffer.isView(value) && (value instanceof Uint8Array || value.constructor?.name === 'Uint8Array')
}

/**
 * Asserts that `value` is a `Uint8Array` (of `length` bytes when given) and returns it.
 *
 * @param value - the value to check
 * @param options - `name` of the argument (for the message), exact `length`, or `maxLength`
 * @returns `value`, typed
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` for a non-Uint8Array, `INVALID_LENGTH` for a wrong length
 * @example
 * ```ts
 * import { assertBytes } from '@medseal/core'
 * assertBytes(new Uint8Array(32), { length: 32, name: 'root' })
 * ```
 */
export function assertBytes(
  value: unknown,
  options: { name?: string; length?: number; maxLength?: number } = {},
): Uint8Array {
  const name = options.name ?? 'value'
  if (isBytes(value)) {
    if (options.length === undefined || value.length === options.length) {
      if (options.maxLength === undefined || value.length <= options.maxLength) return value
      throw new InvalidArgumentError('INVALID_LENGTH', `${name} must be at most ${options.maxLength} bytes.`, {
        metaMessages: [`Received ${value.length} bytes.`],
      })
    }
    throw new InvalidArgumentError('INVALID_LENGTH', `${name} must be ${options.length} bytes.`, {
      metaMessages: [`Received ${value.length} bytes.`],
    })
  }
  throw new InvalidArgumentError('INVALID_TYPE', `${name} must be a Uint8Array.`, {
    metaMessages: [`Received ${describeType(value)}.`],
  })
}

/**
 * A short description of a value's type that never includes its content, for error messages (so a key, a record or
 * PHI passed in the wrong place is never echoed). Adapters and integrations use it for the same reason.
 *
 * @param value - any value
 * @returns e.g. `null`, `an array`, `a Uint16Array`, `a value of type string`
 * @example
 * ```ts
 * import { describeType } from '@medseal/core'
 * describeType(new Uint16Array(2)) // 'a Uint16Array'
 * ```
 */
export function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (ArrayBuffer.isView(value)) return `a ${value.constructor?.name ?? 'typed array'}`
  if (value instanceof ArrayBuffer) return 'an ArrayBuffer'
  return `a value of type ${typeof value}`
}

/**
 * Lower-case hex of `bytes`, no prefix.
 * @example
 * ```ts
 * import { bytesToHex } from '@medseal/core'
 * bytesToHex(new Uint8Array([1, 255])) // '01ff'
 * ```
 */
export function bytesToHex(bytes: Uint8Array): string {
  return nobleBytesToHex(assertBytes(bytes, { name: 'bytes' }))
}

/**
 * Strict hex decoding (an optional `0x` prefix is accepted; odd length or a non-hex digit is rejected).
 * @throws {@link InvalidArgumentError} `INVALID_ENCODING`
 * @example
 * ```ts
 * import { hexToBytes } from '@medseal/core'
 * hexToBytes('0x01ff') // Uint8Array [1, 255]
 * ```
 */
export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (typeof hex !== 'string')
    throw new InvalidArgumentError('INVALID_TYPE', 'hex must be a string.', {
      metaMessages: [`Received ${describeType(hex)}.`],
    })
  const body = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex
  try {
    return nobleHexToBytes(body) as Uint8Array<ArrayBuffer>
  } catch (cause) {
    throw new InvalidArgumentError('INVALID_ENCODING', 'hex must have an even number of hex digits.', { cause })
  }
}

/** `0x`-prefixed lower-case hex, the form viem and Solidity use. */
export function bytesToHex0x(bytes: Uint8Array): `0x${string}` {
  return `0x${bytesToHex(bytes)}`
}

const encoder = /* @__PURE__ */ new TextEncoder()
const decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** UTF-8 encoding of a string. Lone surrogates are rejected rather than silently replaced. */
export function utf8ToBytes(text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string')
    throw new InvalidArgumentError('INVALID_TYPE', 'text must be a string.', {
      metaMessages: [`Received ${describeType(text)}.`],
    })
  if (!text.isWellFormed())
    throw new InvalidArgumentError('INVALID_ENCODING', 'text must be well-formed Unicode (it has a lone surrogate).')
  return encoder.encode(text) as Uint8Array<ArrayBuffer>
}

/** Strict UTF-8 decoding; invalid UTF-8 is `INVALID_ENCODING`. */
export function bytesToUtf8(bytes: Uint8Array): string {
  assertBytes(bytes, { name: 'bytes' })
  try {
    return decoder.decode(bytes)
  } catch (cause) {
    throw new InvalidArgumentError('INVALID_ENCODING', 'bytes are not valid UTF-8.', { cause })
  }
}

/** Concatenates byte arrays into a new one. */
export function concatBytes(...arrays: Uint8Array[]): Uint8Array<ArrayBuffer> {
  return nobleConcatBytes(...arrays) as Uint8Array<ArrayBuffer>
}

/**
 * Compares two byte arrays. Checks the length, then XORs every byte with no early exit: algorithmic constant time
 * only (JavaScript engines give no timing guarantees).
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number)
  return diff === 0
}

/** Cryptographically secure random bytes from `globalThis.crypto.getRandomValues`. */
export const randomBytes: RandomBytes = (byteLength) => nobleRandomBytes(byteLength)

/** Overwrites a buffer we own with zeros (after key derivation, on erasure). */
export function wipe(...arrays: Uint8Array[]): void {
  for (const a of arrays) a.fill(0)
}

/** A copy of `bytes` backed by its own `ArrayBuffer`, as WebCrypto wants. */
export function toArrayBufferBacked(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes) as Uint8Array<ArrayBuffer>
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const B64URL_LOOKUP = /* @__PURE__ */ (() => {
  const t = new Int16Array(128).fill(-1)
  for (let i = 0; i < B64URL.length; i++) t[B64URL.charCodeAt(i)] = i
  return t
})()

/** Unpadded base64url (RFC 4648 §5) of `bytes`. */
export function bytesToBase64url(bytes: Uint8Array): string {
  assertBytes(bytes, { name: 'bytes' })
  let out = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number)
    out += B64URL[n >>> 18]! + B64URL[(n >>> 12) & 63]! + B64URL[(n >>> 6) & 63]! + B64URL[n & 63]!
  }
  const rest = bytes.length - i
  if (rest === 1) {
    const n = (bytes[i] as number) << 16
    out += B64URL[n >>> 18]! + B64URL[(n >>> 12) & 63]!
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8)
    out += B64URL[n >>> 18]! + B64URL[(n >>> 12) & 63]! + B64URL[(n >>> 6) & 63]!
  }
  return out
}

/**
 * Strict unpadded base64url decoding: rejects padding, other alphabets, impossible lengths and non-zero trailing
 * bits, so each byte string has exactly one encoding.
 * @throws {@link InvalidArgumentError} `INVALID_ENCODING`
 */
export function base64urlToBytes(text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string')
    throw new InvalidArgumentError('INVALID_TYPE', 'base64url text must be a string.', {
      metaMessages: [`Received ${describeType(text)}.`],
    })
  const bad = () => new InvalidArgumentError('INVALID_ENCODING', 'text is not canonical unpadded base64url.')
  if (text.length % 4 === 1) throw bad()
  const out = new Uint8Array(Math.floor((text.length * 3) / 4))
  let acc = 0
  let bits = 0
  let o = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const v = c < 128 ? (B64URL_LOOKUP[c] as number) : -1
    if (v < 0) throw bad()
    acc = (acc << 6) | v
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[o++] = (acc >>> bits) & 0xff
    }
  }
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) throw bad()
  return out
}

/**
 * The files of a SMART Health Link: compact JWE (RFC 7516 §7.1) with `alg: dir` and `enc: A256GCM` under the link's
 * key, `cty` the file's content type (SMART Health Links §Encrypting and Decrypting Files). A `zip: DEF` file is
 * inflated on reading; this library writes files without compression.
 * @module
 */
import {
  base64urlToBytes,
  bytesToBase64url,
  bytesToUtf8,
  inflateBytes,
  randomBytes,
  toArrayBufferBacked,
  utf8ToBytes,
} from '@medseal/core'
import { subtle } from './_webcrypto.js'
import { SmartHealthError } from './errors.js'

/** Everything {@link encryptShlFile} and {@link decryptShlFile} can throw. */
export type ShlFileJweErrorType = SmartHealthError

const MAX_FILE = 16 * 1024 * 1024

async function aesKey(key: Uint8Array, usage: KeyUsage): Promise<CryptoKey> {
  if (!(key instanceof Uint8Array) || key.length !== 32)
    throw new SmartHealthError('SHL_MALFORMED', 'The link key must be 32 bytes.')
  return subtle().importKey('raw', toArrayBufferBacked(key), 'AES-GCM', false, [usage])
}

/**
 * Encrypts a file for a link.
 *
 * @param key - the link's 32-byte key
 * @param params - `contentType` (e.g. `application/smart-health-card`, `application/fhir+json`) and `content` (text)
 * @returns the compact JWE
 * @example
 * ```ts
 * import { encryptShlFile } from '@medseal/smart-health'
 * const jwe = await encryptShlFile(key, { contentType: 'application/fhir+json', content: JSON.stringify(bundle) })
 * ```
 */
export async function encryptShlFile(
  key: Uint8Array,
  params: { readonly contentType: string; readonly content: string },
): Promise<string> {
  const header = bytesToBase64url(utf8ToBytes(JSON.stringify({ alg: 'dir', enc: 'A256GCM', cty: params.contentType })))
  const iv = randomBytes(12)
  const sealed = new Uint8Array(
    await subtle().encrypt(
      // RFC 7516 §5.1: the AAD is ASCII(BASE64URL(protected header))
      { name: 'AES-GCM', iv: toArrayBufferBacked(iv), additionalData: utf8ToBytes(header), tagLength: 128 },
      await aesKey(key, 'encrypt'),
      utf8ToBytes(params.content),
    ),
  )
  const ct = sealed.subarray(0, sealed.length - 16)
  const tag = sealed.subarray(sealed.length - 16)
  return `${header}..${bytesToBase64url(iv)}.${bytesToBase64url(ct)}.${bytesToBase64url(tag)}`
}

/**
 * Decrypts a link's file.
 *
 * @param key - the link's 32-byte key
 * @param jwe - the compact JWE
 * @returns `{ contentType, content }` (the content as text)
 * @throws {@link SmartHealthError} `SHL_MALFORMED` for a JWE that is not `dir`/`A256GCM`; `SHL_DECRYPT_FAILED` when it
 *   does not decrypt under the key (altered, or another link's)
 * @example
 * ```ts
 * import { decryptShlFile } from '@medseal/smart-health'
 * const { contentType, content } = await decryptShlFile(key, jwe)
 * ```
 */
export async function decryptShlFile(
  key: Uint8Array,
  jwe: string,
): Promise<{ readonly contentType: string; readonly content: string }> {
  const parts = typeof jwe === 'string' && jwe.length <= 2 * MAX_FILE ? jwe.trim().split('.') : []
  if (parts.length !== 5 || parts[1] !== '')
    throw new SmartHealthError('SHL_MALFORMED', 'A link file is a compact JWE with alg dir.')
  const [h, , ivText, ctText, tagText] = parts as [string, string, string, string, string]
  let header: Record<string, unknown>
  let iv: Uint8Array
  let ct: Uint8Array
  let tag: Uint8Array
  try {
    header = JSON.parse(bytesToUtf8(base64urlToBytes(h)))
    iv = base64urlToBytes(ivText)
    ct = base64urlToBytes(ctText)
    tag = base64urlToBytes(tagText)
  } catch (cause) {
    throw new SmartHealthError('SHL_MALFORMED', 'A link file is not base64url JWE.', { cause })
  }
  if (
    header?.alg !== 'dir' ||
    header.enc !== 'A256GCM' ||
    iv.length !== 12 ||
    tag.length !== 16 ||
    header.crit !== undefined
  )
    throw new SmartHealthError('SHL_MALFORMED', 'A link file must be alg dir, enc A256GCM.')
  if (header.zip !== undefined && header.zip !== 'DEF') throw new SmartHealthError('SHL_MALFORMED', 'Unknown JWE zip.')
  let plain: Uint8Array
  try {
    const joined = new Uint8Array(ct.length + 16)
    joined.set(ct)
    joined.set(tag, ct.length)
    plain = new Uint8Array(
      await subtle().decrypt(
        { name: 'AES-GCM', iv: toArrayBufferBacked(iv), additionalData: utf8ToBytes(h), tagLength: 128 },
        await aesKey(key, 'decrypt'),
        joined,
      ),
    )
  } catch (cause) {
    if (cause instanceof SmartHealthError) throw cause
    throw new SmartHealthError('SHL_DECRYPT_FAILED', 'A link file does not decrypt with the link key.', { cause })
  }
  if (header.zip === 'DEF')
    plain = await inflateBytes({ bytes: plain, format: 'deflate-raw', maxBytes: MAX_FILE }).catch((cause: unknown) => {
      throw new SmartHealthError('SHL_DECRYPT_FAILED', 'A link file is not raw DEFLATE data within the size bound.', {
        cause,
      })
    })
  return Object.freeze({
    contentType: typeof header.cty === 'string' ? header.cty : 'application/octet-stream',
    content: bytesToUtf8(plain),
  })
}

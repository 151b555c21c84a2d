/**
 * C2SP signed-note verifier keys (`vkey`s) and key IDs (c2sp.org/signed-note §"Verifier keys", §"Signatures"):
 *
 *     <key name>+hex(32-bit key ID)+base64(signature type || public key)
 *     key ID = SHA-256(key name || 0x0A || signature type || public key)[:4]
 *
 * Two signature types are supported, both Ed25519: `0x01` (a log's note signature) and `0x04` (a witness's
 * timestamped checkpoint cosignature, c2sp.org/tlog-cosignature). Any other type is refused when decoding.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { assertBytes, concatBytes, describeType, utf8ToBytes } from '../bytes/index.js'
import { InvalidArgumentError, VerificationError } from '../errors/base.js'
import { _base64ToBytes, _bytesToBase64 } from './_base64.js'

/** Signature type `0x01`: Ed25519 over the note text (signed-note). */
export const NOTE_SIGNATURE_ED25519 = 0x01
/** Signature type `0x04`: timestamped Ed25519 checkpoint cosignature (tlog-cosignature). */
export const NOTE_SIGNATURE_COSIGNATURE_V1 = 0x04

/** A signature type this SDK verifies. */
export type NoteSignatureType = typeof NOTE_SIGNATURE_ED25519 | typeof NOTE_SIGNATURE_COSIGNATURE_V1

/** A decoded verifier key: who may sign, with which key and algorithm. */
export type NoteVerifier = {
  /** Key name (non-empty, no Unicode spaces, no `+`). */
  readonly name: string
  /** 32-bit key ID (an unsigned integer). */
  readonly keyId: number
  /** `0x01` (note signature) or `0x04` (cosignature/v1). */
  readonly type: NoteSignatureType
  /** Ed25519 public key, 32 bytes. */
  readonly publicKey: Uint8Array
}

/** Everything the verifier-key functions can throw. */
export type VerifierKeyErrorType = InvalidArgumentError | VerificationError

/** Unicode white space (as Go's unicode.IsSpace) or a plus sign. */
const BAD_NAME_CHAR = /[\s+\u0085\u00a0]/u
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what the spec forbids
const CONTROL = /[\u0000-\u001f]/

/** Is `name` a valid key name (non-empty, no Unicode spaces, no `+`, no control characters)? @internal */
export function _isKeyName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && !BAD_NAME_CHAR.test(name) && !CONTROL.test(name)
}

function checkName(name: unknown): string {
  if (typeof name !== 'string')
    throw new InvalidArgumentError('INVALID_TYPE', 'name must be a string.', {
      metaMessages: [`Received ${describeType(name)}.`],
    })
  if (!_isKeyName(name))
    throw new InvalidArgumentError(
      'INVALID_ARGUMENT',
      'name must be a non-empty key name without spaces, plus signs or control characters.',
    )
  return name
}

function checkType(type: unknown): NoteSignatureType {
  if (type !== NOTE_SIGNATURE_ED25519 && type !== NOTE_SIGNATURE_COSIGNATURE_V1)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'type must be 0x01 (Ed25519) or 0x04 (cosignature/v1).')
  return type
}

/**
 * The key ID of a signed-note key: `SHA-256(name || 0x0A || type || publicKey)[:4]` as a big-endian uint32.
 *
 * @param params - `name`, `publicKey` (32-byte Ed25519) and `type` (default `0x01`)
 * @returns the key ID, an unsigned 32-bit integer
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`, `INVALID_LENGTH`, `INVALID_ARGUMENT` (bad name or type)
 * @example
 * ```ts
 * import { computeNoteKeyId, createParty } from '@medseal/core'
 * const keyId = computeNoteKeyId({ name: 'example.com/log', publicKey: createParty().notePublicKey })
 * ```
 */
export function computeNoteKeyId(params: {
  readonly name: string
  readonly publicKey: Uint8Array
  readonly type?: NoteSignatureType
}): number {
  const name = checkName(params?.name)
  const type = checkType(params.type ?? NOTE_SIGNATURE_ED25519)
  const publicKey = assertBytes(params.publicKey, { name: 'publicKey', length: 32 })
  return _keyId(name, type, publicKey)
}

/** @internal */
export function _keyId(name: string, type: number, publicKey: Uint8Array): number {
  const h = sha256(concatBytes(utf8ToBytes(name), Uint8Array.of(0x0a, type), publicKey))
  return (((h[0] as number) << 24) | ((h[1] as number) << 16) | ((h[2] as number) << 8) | (h[3] as number)) >>> 0
}

/**
 * Builds a {@link NoteVerifier} from a name and an Ed25519 public key (the key ID is computed).
 *
 * @param params - `name`, `publicKey` (32 bytes), `type` (default `0x01`)
 * @returns a frozen {@link NoteVerifier}
 * @throws {@link InvalidArgumentError} for a bad name, key or type
 * @example
 * ```ts
 * import { createNoteVerifier, createParty } from '@medseal/core'
 * const log = createParty()
 * const verifier = createNoteVerifier({ name: 'example.com/log', publicKey: log.notePublicKey })
 * ```
 */
export function createNoteVerifier(params: {
  readonly name: string
  readonly publicKey: Uint8Array
  readonly type?: NoteSignatureType
}): NoteVerifier {
  const keyId = computeNoteKeyId(params)
  return Object.freeze({
    name: params.name,
    keyId,
    type: params.type ?? NOTE_SIGNATURE_ED25519,
    publicKey: params.publicKey.slice(),
  })
}

/**
 * Encodes a verifier key: `<name>+<hex key ID>+<base64(type || publicKey)>`.
 *
 * @param params - `name`, `publicKey` (32 bytes), `type` (default `0x01`)
 * @returns the vkey string
 * @throws {@link InvalidArgumentError} for a bad name, key or type
 * @example
 * ```ts
 * import { createParty, encodeVerifierKey } from '@medseal/core'
 * const vkey = encodeVerifierKey({ name: 'example.com/log', publicKey: createParty().notePublicKey })
 * // 'example.com/log+1a2b3c4d+AR…'
 * ```
 */
export function encodeVerifierKey(params: {
  readonly name: string
  readonly publicKey: Uint8Array
  readonly type?: NoteSignatureType
}): string {
  const v = createNoteVerifier(params)
  return `${v.name}+${v.keyId.toString(16).padStart(8, '0')}+${_bytesToBase64(concatBytes(Uint8Array.of(v.type), v.publicKey))}`
}

/**
 * Decodes and checks a verifier key. Strict: name, `+`, key ID, `+`, key (split at the first two `+`: base64 may
 * hold `+`), a lower-case 8-digit hex key ID that
 * must equal the one computed from the name and key, canonical base64, a known signature type (`0x01` or `0x04`) and
 * a 32-byte key.
 *
 * @param vkey - the verifier key string
 * @returns a frozen {@link NoteVerifier}
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` when `vkey` is not a string
 * @throws {@link VerificationError} `NOTE_KEY_MALFORMED` for anything else wrong
 * @example
 * ```ts
 * import { decodeVerifierKey } from '@medseal/core'
 * const v = decodeVerifierKey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')
 * v.keyId === 0x530d903a // true
 * ```
 */
export function decodeVerifierKey(vkey: string): NoteVerifier {
  if (typeof vkey !== 'string')
    throw new InvalidArgumentError('INVALID_TYPE', 'vkey must be a string.', {
      metaMessages: [`Received ${describeType(vkey)}.`],
    })
  const bad = (why: string) => new VerificationError('NOTE_KEY_MALFORMED', `Verifier key is malformed: ${why}.`)
  if (vkey.length > 1024) throw bad('too long')
  // Split at the first two plus signs only: the base64 key may itself contain `+`.
  const p1 = vkey.indexOf('+')
  const p2 = p1 < 0 ? -1 : vkey.indexOf('+', p1 + 1)
  if (p2 < 0) throw bad('expected name+keyid+key')
  const name = vkey.slice(0, p1)
  const idHex = vkey.slice(p1 + 1, p2)
  const keyB64 = vkey.slice(p2 + 1)
  if (!_isKeyName(name)) throw bad('invalid key name')
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw bad('key ID must be 8 lower-case hex digits')
  const material = _base64ToBytes(keyB64)
  if (material === undefined) throw bad('key is not canonical base64')
  const type = material[0]
  if (type !== NOTE_SIGNATURE_ED25519 && type !== NOTE_SIGNATURE_COSIGNATURE_V1) throw bad('unknown signature type')
  if (material.length !== 33) throw bad('an Ed25519 key is 32 bytes')
  const publicKey = material.slice(1)
  const keyId = Number.parseInt(idHex, 16)
  if (_keyId(name, type, publicKey) !== keyId) throw bad('key ID does not match the name and key')
  return Object.freeze({ name, keyId, type, publicKey })
}

/**
 * C2SP signed notes (c2sp.org/signed-note, v1): a UTF-8 text ending in a newline, a blank line, then one or more
 * signature lines `— <key name> base64(key ID || signature)`.
 *
 * Decoding is strict (one text form per note): valid UTF-8, no control characters but newline, a final newline,
 * well-formed signature lines with canonical base64, no two signatures by the same (name, key ID), at most
 * {@link MAX_NOTE_SIGNATURES} signatures and {@link MAX_NOTE_BYTES} bytes. Verification follows the spec's rules for
 * verifiers: signatures from unknown keys are ignored, a known key's signature that fails rejects the whole note, and
 * the note is accepted only when enough known keys verified.
 * @module
 */
import { describeType, utf8ToBytes } from '../bytes/index.js'
import { InvalidArgumentError, VerificationError } from '../errors/base.js'
import { _base64ToBytes, _bytesToBase64 } from './_base64.js'
import { _verifyEd25519 } from './_ed25519.js'
import {
  _isKeyName,
  _keyId,
  decodeVerifierKey,
  NOTE_SIGNATURE_COSIGNATURE_V1,
  NOTE_SIGNATURE_ED25519,
  type NoteVerifier,
} from './verifierKey.js'

/** Most signatures a note may carry (the spec asks verifiers to accept at least 16). */
export const MAX_NOTE_SIGNATURES = 64
/** Largest note accepted, in UTF-8 bytes. */
export const MAX_NOTE_BYTES = 1 << 20

/** One signature line of a note. */
export type NoteSignature = {
  /** Key name. */
  readonly name: string
  /** 32-bit key ID (unsigned). */
  readonly keyId: number
  /** The signature bytes after the key ID (64 for Ed25519, 72 for an Ed25519 cosignature). */
  readonly signature: Uint8Array
}

/** A decoded signed note. */
export type Note = {
  /** The note text, final newline included (what is signed). */
  readonly text: string
  /** Its signature lines, in order. */
  readonly signatures: readonly NoteSignature[]
}

/** A note whose signatures were checked by {@link verifyNote}. */
export type VerifiedNote = Note & {
  /** The known keys whose signatures verified, in signature order. */
  readonly verifiedBy: readonly NoteVerifier[]
}

/** Who can sign a note: the party's Ed25519 note key (`Party` qualifies). */
export type NoteSigner = {
  readonly notePublicKey: Uint8Array
  signNote(text: Uint8Array): Uint8Array
}

/** Everything the note functions can throw. */
export type SignedNoteErrorType = InvalidArgumentError | VerificationError

const DASH = '\u2014 '
const fatalDecoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
// biome-ignore lint/suspicious/noControlCharactersInRegex: the spec forbids control characters other than newline
const FORBIDDEN = /[\u0000-\u0009\u000b-\u001f]/

const malformed = (why: string) => new VerificationError('NOTE_MALFORMED', `Signed note is malformed: ${why}.`)

/** Note text checks shared by decoding and signing; returns a reason or undefined. */
function textProblem(text: string): string | undefined {
  if (text.length === 0 || !text.endsWith('\n')) return 'the text must end with a newline'
  if (FORBIDDEN.test(text)) return 'control characters other than newline are not allowed'
  if (text.isWellFormed !== undefined && !text.isWellFormed()) return 'the text is not valid Unicode'
  return undefined
}

function toText(note: string | Uint8Array, what: string): string {
  if (typeof note === 'string') {
    if (note.length > MAX_NOTE_BYTES) throw malformed('too large')
    return note
  }
  if (note instanceof Uint8Array) {
    if (note.length > MAX_NOTE_BYTES) throw malformed('too large')
    try {
      return fatalDecoder.decode(note)
    } catch {
      throw malformed('not valid UTF-8')
    }
  }
  throw new InvalidArgumentError('INVALID_TYPE', `${what} must be a string or a Uint8Array.`, {
    metaMessages: [`Received ${describeType(note)}.`],
  })
}

/**
 * Decodes a signed note (text or UTF-8 bytes) without verifying it.
 *
 * @param note - the signed note
 * @returns a frozen {@link Note}
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`
 * @throws {@link VerificationError} `NOTE_MALFORMED`
 * @example
 * ```ts
 * import { decodeNote } from '@medseal/core'
 * const note = decodeNote('hello\n\n— example.com/k AAAAAQ==\n')
 * note.signatures[0]?.keyId // 1
 * ```
 */
export function decodeNote(note: string | Uint8Array): Note {
  const s = toText(note, 'note')
  if (utf8ToBytes(s).length > MAX_NOTE_BYTES) throw malformed('too large')
  const problem = textProblem(s)
  if (problem !== undefined) throw malformed(problem)
  const split = s.lastIndexOf('\n\n')
  if (split < 0) throw malformed('no blank line before the signatures')
  const text = s.slice(0, split + 1)
  const lines = s.slice(split + 2, -1).split('\n')
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`)
  const signatures: NoteSignature[] = []
  const seen = new Set<string>()
  for (const line of lines) {
    if (!line.startsWith(DASH)) throw malformed('a signature line must start with an em dash and a space')
    const rest = line.slice(DASH.length)
    const space = rest.indexOf(' ')
    if (space < 0 || rest.indexOf(' ', space + 1) >= 0) throw malformed('a signature line is "— name signature"')
    const name = rest.slice(0, space)
    if (!_isKeyName(name)) throw malformed('invalid key name')
    const raw = _base64ToBytes(rest.slice(space + 1))
    if (raw === undefined || raw.length < 5) throw malformed('a signature is canonical base64 of a key ID and bytes')
    const keyId = new DataView(raw.buffer).getUint32(0)
    const id = `${keyId}:${name}`
    if (seen.has(id)) throw malformed('two signatures by the same key')
    seen.add(id)
    signatures.push(Object.freeze({ name, keyId, signature: raw.slice(4) }))
  }
  return Object.freeze({ text, signatures: Object.freeze(signatures) })
}

/**
 * Encodes a note (the inverse of {@link decodeNote}).
 *
 * @param note - text (ending in a newline) and at least one signature
 * @returns the signed note text
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`
 * @throws {@link VerificationError} `NOTE_MALFORMED` when the result would not decode
 * @example
 * ```ts
 * import { encodeNote } from '@medseal/core'
 * encodeNote({ text: 'hello\n', signatures: [{ name: 'example.com/k', keyId: 1, signature: new Uint8Array(1) }] })
 * // 'hello\n\n— example.com/k AAAAAQA=\n'
 * ```
 */
export function encodeNote(note: Note): string {
  if (typeof note !== 'object' || note === null || typeof note.text !== 'string' || !Array.isArray(note.signatures))
    throw new InvalidArgumentError('INVALID_TYPE', 'note must be { text, signatures }.')
  let out = `${note.text}\n`
  for (const sig of note.signatures) {
    if (
      !Number.isInteger(sig.keyId) ||
      sig.keyId < 0 ||
      sig.keyId > 0xffffffff ||
      !(sig.signature instanceof Uint8Array)
    )
      throw malformed('a signature needs a uint32 keyId and signature bytes')
    const raw = new Uint8Array(4 + sig.signature.length)
    new DataView(raw.buffer).setUint32(0, sig.keyId)
    raw.set(sig.signature, 4)
    out += `${DASH}${sig.name} ${_bytesToBase64(raw)}\n`
  }
  decodeNote(out) // the same strict rules both ways
  return out
}

/**
 * Signs a note text with one or more note keys (signature type `0x01`, Ed25519), appending to any signatures
 * already given.
 *
 * @param params - `text` (ending in a newline), `signers` (`{ name, signer }`, e.g. a `Party`), optional earlier
 *   `signatures` to keep
 * @returns the signed note text
 * @throws {@link InvalidArgumentError} for a bad name or signer
 * @throws {@link VerificationError} `NOTE_MALFORMED` for a text that cannot be a note text
 * @example
 * ```ts
 * import { createParty, signNote } from '@medseal/core'
 * const log = createParty()
 * const note = signNote({ text: 'hello\n', signers: [{ name: 'example.com/log', signer: log }] })
 * ```
 */
export function signNote(params: {
  readonly text: string
  readonly signers: readonly { readonly name: string; readonly signer: NoteSigner }[]
  readonly signatures?: readonly NoteSignature[]
}): string {
  const { text, signers } = params ?? {}
  if (typeof text !== 'string') throw new InvalidArgumentError('INVALID_TYPE', 'text must be a string.')
  const problem = textProblem(text)
  if (problem !== undefined) throw malformed(problem)
  if (!Array.isArray(signers) || signers.length === 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'signers must be a non-empty array.')
  const bytes = utf8ToBytes(text)
  const signatures = [...(params.signatures ?? [])]
  for (const { name, signer } of signers) {
    if (!_isKeyName(name)) throw new InvalidArgumentError('INVALID_ARGUMENT', 'a signer name is not a valid key name.')
    if (typeof signer?.signNote !== 'function' || !(signer.notePublicKey instanceof Uint8Array))
      throw new InvalidArgumentError('INVALID_TYPE', 'a signer must have notePublicKey and signNote (a Party).')
    const publicKey = signer.notePublicKey
    if (publicKey.length !== 32) throw new InvalidArgumentError('INVALID_LENGTH', 'notePublicKey must be 32 bytes.')
    signatures.push({ name, keyId: _keyId(name, NOTE_SIGNATURE_ED25519, publicKey), signature: signer.signNote(bytes) })
  }
  return encodeNote({ text, signatures })
}

/** The message a cosignature/v1 signs (c2sp.org/tlog-cosignature, "Ed25519 signed message"). @internal */
export function _cosignedMessage(timestamp: bigint, text: string): Uint8Array {
  return utf8ToBytes(`cosignature/v1\ntime ${timestamp}\n${text}`)
}

/** Options of {@link verifyNote}. */
export type VerifyNoteParameters = {
  /** The known keys: decoded verifiers or vkey strings. Duplicates (same name and key ID) are refused. */
  readonly verifiers: readonly (NoteVerifier | string)[]
  /** How many distinct known keys must have verified (default 1, the spec's minimum). */
  readonly minimum?: number
}

/** @internal */
export function _checkVerifiers(verifiers: unknown, what: string): NoteVerifier[] {
  if (!Array.isArray(verifiers)) throw new InvalidArgumentError('INVALID_TYPE', `${what} must be an array.`)
  const out: NoteVerifier[] = []
  const seen = new Set<string>()
  for (const v of verifiers) {
    const verifier = typeof v === 'string' ? decodeVerifierKey(v) : v
    if (
      typeof verifier !== 'object' ||
      verifier === null ||
      !_isKeyName(verifier.name) ||
      !(verifier.publicKey instanceof Uint8Array) ||
      (verifier.type !== NOTE_SIGNATURE_ED25519 && verifier.type !== NOTE_SIGNATURE_COSIGNATURE_V1) ||
      _keyId(verifier.name, verifier.type, verifier.publicKey) !== verifier.keyId
    )
      throw new InvalidArgumentError('INVALID_ARGUMENT', `${what} holds something that is not a verifier key.`)
    const id = `${verifier.keyId}:${verifier.name}`
    if (seen.has(id)) throw new InvalidArgumentError('INVALID_ARGUMENT', `${what} holds the same key twice.`)
    seen.add(id)
    out.push(verifier)
  }
  return out
}

/** Verifies one signature by a known key; `false` when it does not verify. @internal */
export async function _verifyOne(verifier: NoteVerifier, text: string, signature: Uint8Array): Promise<boolean> {
  if (verifier.type === NOTE_SIGNATURE_ED25519) {
    return _verifyEd25519(verifier.publicKey, utf8ToBytes(text), signature)
  }
  // cosignature/v1: timestamped_signature { u64 timestamp; opaque ed25519_signature[64] }
  if (signature.length !== 72) return false
  const timestamp = new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0)
  if (timestamp > 0x7fffffffffffffffn) return false
  return _verifyEd25519(verifier.publicKey, _cosignedMessage(timestamp, text), signature.slice(8))
}

/** Checks the signatures of a decoded note against known keys (the policy of the module docs). @internal */
export async function _verifySignatures(
  note: Note,
  verifiers: readonly NoteVerifier[],
  minimum: number,
  what: string,
): Promise<NoteVerifier[]> {
  const verifiedBy: NoteVerifier[] = []
  for (const sig of note.signatures) {
    const verifier = verifiers.find((v) => v.name === sig.name && v.keyId === sig.keyId)
    if (verifier === undefined) continue // unknown keys are ignored (signed-note §Signatures)
    if (!(await _verifyOne(verifier, note.text, sig.signature)))
      throw new VerificationError('NOTE_SIGNATURE_INVALID', `A signature by a known ${what} key does not verify.`, {
        metaMessages: [`Key: ${sig.name} (${sig.keyId.toString(16).padStart(8, '0')}).`],
      })
    verifiedBy.push(verifier)
  }
  if (verifiedBy.length < minimum)
    throw new VerificationError(
      'NOTE_UNTRUSTED',
      `The note carries ${verifiedBy.length} valid signature(s) by known ${what} keys; ${minimum} required.`,
    )
  return verifiedBy
}

/** @internal */
export function _checkMinimum(value: unknown, fallback: number, what: string, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max)
    throw new InvalidArgumentError('OUT_OF_RANGE', `${what} must be an integer between 0 and ${max}.`)
  return value
}

/**
 * Verifies a signed note against known keys: signatures by unknown keys are ignored; a known key's signature that
 * fails rejects the note; at least `minimum` (default 1) known keys must have signed. Ed25519 through WebCrypto
 * where available, `@noble/curves` otherwise.
 *
 * @param note - the signed note (text, bytes, or a decoded {@link Note})
 * @param params - {@link VerifyNoteParameters}
 * @returns the {@link VerifiedNote}
 * @throws {@link InvalidArgumentError} for bad parameters
 * @throws {@link VerificationError} `NOTE_MALFORMED`, `NOTE_KEY_MALFORMED`, `NOTE_SIGNATURE_INVALID`, `NOTE_UNTRUSTED`
 * @example
 * ```ts
 * import { verifyNote } from '@medseal/core'
 * const note = 'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n'
 * const { text } = await verifyNote(note, { verifiers: ['example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'] })
 * ```
 */
export async function verifyNote(
  note: string | Uint8Array | Note,
  params: VerifyNoteParameters,
): Promise<VerifiedNote> {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.')
  const verifiers = _checkVerifiers(params.verifiers, 'verifiers')
  const minimum = _checkMinimum(params.minimum, 1, 'minimum', verifiers.length)
  if (minimum < 1) throw new InvalidArgumentError('OUT_OF_RANGE', 'minimum must be at least 1.')
  const decoded =
    typeof note === 'string' || note instanceof Uint8Array ? decodeNote(note) : decodeNote(encodeNote(note))
  const verifiedBy = await _verifySignatures(decoded, verifiers, minimum, 'note')
  return Object.freeze({ ...decoded, verifiedBy: Object.freeze(verifiedBy) })
}

/**
 * C2SP checkpoints (c2sp.org/tlog-checkpoint): a signed note whose text is a log's tree head —
 *
 *     <origin>\n<tree size>\n<base64 RFC 6962 root hash>\n[<extension line>\n]*
 *
 * Decoding is strict: at least three lines, a non-empty origin, a decimal size without leading zeroes (at most
 * 2^53 − 1 here), a canonical base64 32-byte root, non-empty extension lines, nothing after the final newline.
 * @module
 */
import { assertBytes, describeType } from '../bytes/index.js'
import { InvalidArgumentError, VerificationError } from '../errors/base.js'
import { _base64ToBytes, _bytesToBase64 } from './_base64.js'
import {
  _checkMinimum,
  _checkVerifiers,
  _verifySignatures,
  decodeNote,
  type Note,
  type NoteSigner,
  signNote,
} from './signedNote.js'
import type { NoteVerifier } from './verifierKey.js'

/** A log's tree head as a checkpoint says it. */
export type Checkpoint = {
  /** The log's identity (first line). */
  readonly origin: string
  /** Number of leaves. */
  readonly treeSize: number
  /** RFC 6962 / RFC 9162 root of the first `treeSize` leaves, 32 bytes. */
  readonly rootHash: Uint8Array
  /** Optional extension lines (opaque; not recommended). */
  readonly extensions: readonly string[]
}

/** A checkpoint whose signatures {@link verifyCheckpoint} checked. */
export type VerifiedCheckpoint = Checkpoint & {
  /** The signed note, verbatim. */
  readonly note: string
  /** The decoded note. */
  readonly signatures: Note['signatures']
  /** The log keys whose signatures verified. */
  readonly logVerifiedBy: readonly NoteVerifier[]
  /** The witness keys whose cosignatures verified. */
  readonly witnessVerifiedBy: readonly NoteVerifier[]
}

/** Everything the checkpoint functions can throw. */
export type CheckpointErrorType = InvalidArgumentError | VerificationError

const SIZE = /^(0|[1-9][0-9]*)$/
const malformed = (why: string) => new VerificationError('CHECKPOINT_MALFORMED', `Checkpoint is malformed: ${why}.`)

/**
 * The note text of a checkpoint.
 *
 * @param checkpoint - origin, tree size, root hash (32 bytes), optional extension lines
 * @returns the note text (ending in a newline)
 * @throws {@link InvalidArgumentError} for an empty origin or line, a line with a newline, a bad size or root
 * @example
 * ```ts
 * import { encodeCheckpoint, emptyRoot } from '@medseal/core'
 * encodeCheckpoint({ origin: 'example.com/log', treeSize: 0, rootHash: emptyRoot(), extensions: [] })
 * // 'example.com/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n'
 * ```
 */
export function encodeCheckpoint(checkpoint: Checkpoint): string {
  if (typeof checkpoint !== 'object' || checkpoint === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'checkpoint must be an object.', {
      metaMessages: [`Received ${describeType(checkpoint)}.`],
    })
  const { origin, treeSize } = checkpoint
  const extensions = checkpoint.extensions ?? []
  const line = (v: unknown, what: string) => {
    if (typeof v !== 'string' || v.length === 0 || v.includes('\n'))
      throw new InvalidArgumentError('INVALID_ARGUMENT', `${what} must be a non-empty line.`)
  }
  line(origin, 'origin')
  if (!Array.isArray(extensions)) throw new InvalidArgumentError('INVALID_TYPE', 'extensions must be an array.')
  for (const e of extensions) line(e, 'an extension line')
  if (typeof treeSize !== 'number' || !Number.isSafeInteger(treeSize) || treeSize < 0)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'treeSize must be a non-negative safe integer.')
  const root = assertBytes(checkpoint.rootHash, { name: 'rootHash', length: 32 })
  return [origin, String(treeSize), _bytesToBase64(root), ...extensions, ''].join('\n')
}

/**
 * Reads a checkpoint's note text (the text of the signed note, not the whole note). Does not check signatures.
 *
 * @param text - the note text
 * @returns a frozen {@link Checkpoint}
 * @throws {@link VerificationError} `CHECKPOINT_MALFORMED`
 * @example
 * ```ts
 * import { decodeCheckpoint } from '@medseal/core'
 * decodeCheckpoint('example.com/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n').treeSize // 0
 * ```
 */
export function decodeCheckpoint(text: string): Checkpoint {
  if (typeof text !== 'string') throw malformed('the text must be a string')
  if (!text.endsWith('\n')) throw malformed('the text must end with a newline')
  const lines = text.slice(0, -1).split('\n')
  if (lines.length < 3) throw malformed('at least three lines are required')
  if (lines.some((l) => l.length === 0)) throw malformed('lines must be non-empty')
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]]
  if (!SIZE.test(size)) throw malformed('the tree size must be a decimal number without leading zeroes')
  const treeSize = Number(size)
  if (!Number.isSafeInteger(treeSize)) throw malformed('the tree size is beyond 2^53 - 1')
  const rootHash = _base64ToBytes(root)
  if (rootHash === undefined || rootHash.length !== 32) throw malformed('the root hash must be base64 of 32 bytes')
  return Object.freeze({ origin, treeSize, rootHash, extensions: Object.freeze(extensions) })
}

/** Parameters of {@link createCheckpoint}. */
export type CreateCheckpointParameters = Checkpoint & {
  /** The log's note key (a `Party`). */
  readonly signer: NoteSigner
  /** Key name of the signature line; default (and recommended): the origin. */
  readonly keyName?: string
}

/**
 * Makes a signed checkpoint: the checkpoint text signed with the log's Ed25519 note key (signature type `0x01`).
 *
 * @param params - {@link CreateCheckpointParameters}
 * @returns the signed note (serve it as `<prefix>/checkpoint`, or put it in a tlog-proof)
 * @throws {@link InvalidArgumentError} for a bad checkpoint, key name or signer
 * @example
 * ```ts
 * import { createCheckpoint, createParty, emptyRoot } from '@medseal/core'
 * const operator = createParty()
 * const note = createCheckpoint({ origin: 'example.com/log', treeSize: 0, rootHash: emptyRoot(), extensions: [], signer: operator })
 * ```
 */
export function createCheckpoint(params: CreateCheckpointParameters): string {
  const text = encodeCheckpoint({ ...params, extensions: params.extensions ?? [] })
  return signNote({ text, signers: [{ name: params.keyName ?? params.origin, signer: params.signer }] })
}

/** Parameters of {@link verifyCheckpoint}. */
export type VerifyCheckpointParameters = {
  /** The origin the caller expects (the log's identity). */
  readonly origin: string
  /** The log's keys (verifier keys of type 0x01, or their vkey strings): at least one must have signed. */
  readonly logKeys: readonly (NoteVerifier | string)[]
  /** Witness keys (type 0x04 cosigners or 0x01 keys); unknown signatures are ignored. */
  readonly witnesses?: readonly (NoteVerifier | string)[]
  /** How many known witnesses must have cosigned (default 0). */
  readonly witnessMinimum?: number
}

/**
 * Verifies a signed checkpoint: the note's strict form, its origin, one valid signature by a log key, and the
 * witness policy (at least `witnessMinimum` valid cosignatures by known witnesses; unknown signatures ignored; a
 * known key's signature that fails rejects the checkpoint).
 *
 * @param note - the signed checkpoint (text or UTF-8 bytes)
 * @param params - {@link VerifyCheckpointParameters}
 * @returns the {@link VerifiedCheckpoint}
 * @throws {@link InvalidArgumentError} for bad parameters
 * @throws {@link VerificationError} `NOTE_MALFORMED`, `CHECKPOINT_MALFORMED`, `CHECKPOINT_ORIGIN_MISMATCH`,
 *   `NOTE_SIGNATURE_INVALID`, `NOTE_UNTRUSTED`, `NOTE_KEY_MALFORMED`
 * @example
 * ```ts
 * import { createCheckpoint, createParty, emptyRoot, encodeVerifierKey, verifyCheckpoint } from '@medseal/core'
 * const operator = createParty()
 * const origin = 'example.com/log'
 * const note = createCheckpoint({ origin, treeSize: 0, rootHash: emptyRoot(), extensions: [], signer: operator })
 * const logKey = encodeVerifierKey({ name: origin, publicKey: operator.notePublicKey })
 * const { treeSize } = await verifyCheckpoint(note, { origin, logKeys: [logKey] })
 * ```
 */
export async function verifyCheckpoint(
  note: string | Uint8Array,
  params: VerifyCheckpointParameters,
): Promise<VerifiedCheckpoint> {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.')
  if (typeof params.origin !== 'string' || params.origin.length === 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'origin must be a non-empty string.')
  const logKeys = _checkVerifiers(params.logKeys, 'logKeys')
  const witnesses = _checkVerifiers(params.witnesses ?? [], 'witnesses')
  for (const w of witnesses)
    if (logKeys.some((k) => k.name === w.name && k.keyId === w.keyId))
      throw new InvalidArgumentError('INVALID_ARGUMENT', 'A key cannot be both a log key and a witness.')
  const witnessMinimum = _checkMinimum(params.witnessMinimum, 0, 'witnessMinimum', witnesses.length)
  const decoded = decodeNote(note)
  const checkpoint = decodeCheckpoint(decoded.text)
  if (checkpoint.origin !== params.origin)
    throw new VerificationError('CHECKPOINT_ORIGIN_MISMATCH', 'The checkpoint is not from the expected log.')
  const logVerifiedBy = await _verifySignatures(decoded, logKeys, 1, 'log')
  const witnessVerifiedBy = await _verifySignatures(decoded, witnesses, witnessMinimum, 'witness')
  const text = typeof note === 'string' ? note : new TextDecoder().decode(note)
  return Object.freeze({
    ...checkpoint,
    note: text,
    signatures: decoded.signatures,
    logVerifiedBy: Object.freeze(logVerifiedBy),
    witnessVerifiedBy: Object.freeze(witnessVerifiedBy),
  })
}

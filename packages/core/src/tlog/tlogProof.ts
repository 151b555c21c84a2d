/**
 * tlog-proof@v1 files (c2sp.org/tlog-proof): an offline-verifiable proof that an entry is in a log —
 *
 *     c2sp.org/tlog-proof@v1
 *     [extra <base64>]
 *     index <decimal>
 *     <base64 hash>*        (RFC 6962 audit path, bottom-up)
 *     <empty line>
 *     <signed checkpoint, verbatim>
 *
 * Decoding is strict: the exact version line, at most one `extra` line (non-empty data), one `index` line, canonical
 * base64 32-byte hashes (at most 64), and a checkpoint that decodes under the signed-note and checkpoint rules.
 * Store files with the extension `.tlog-proof`.
 * @module
 */
import { assertBytes, describeType, equalBytes } from '../bytes/index.js'
import { InvalidArgumentError, VerificationError } from '../errors/base.js'
import { _rootFromInclusionProof } from '../merkle/verify.js'
import { _base64ToBytes, _bytesToBase64 } from './_base64.js'
import {
  decodeCheckpoint,
  type VerifiedCheckpoint,
  type VerifyCheckpointParameters,
  verifyCheckpoint,
} from './checkpoint.js'
import { decodeNote } from './signedNote.js'

/** The first line of every tlog-proof@v1 file. */
export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1'
/** Suggested file extension. */
export const TLOG_PROOF_EXTENSION = '.tlog-proof'

/** A decoded tlog-proof. */
export type TlogProof = {
  /** Opaque, unauthenticated extra data (absent when the file has no `extra` line). */
  readonly extra?: Uint8Array | undefined
  /** 0-based index of the entry in the log. */
  readonly index: number
  /** RFC 6962 inclusion proof of the entry in the checkpoint's tree, bottom-up. */
  readonly inclusionProof: readonly Uint8Array[]
  /** The signed checkpoint, verbatim. */
  readonly checkpoint: string
}

/** What {@link verifyTlogProof} returns. */
export type VerifiedTlogProof = {
  readonly index: number
  readonly extra?: Uint8Array | undefined
  readonly checkpoint: VerifiedCheckpoint
}

/** Everything the tlog-proof functions can throw. */
export type TlogProofErrorType = InvalidArgumentError | VerificationError

const MAX_PROOF_HASHES = 64
const INDEX = /^index (0|[1-9][0-9]*)$/
const malformed = (why: string) => new VerificationError('TLOG_PROOF_MALFORMED', `tlog-proof is malformed: ${why}.`)

/**
 * Encodes a tlog-proof file.
 *
 * @param proof - {@link TlogProof}
 * @returns the file's text
 * @throws {@link InvalidArgumentError} for bad fields
 * @throws {@link VerificationError} `TLOG_PROOF_MALFORMED` when the checkpoint does not decode
 * @example
 * ```ts
 * import { createCheckpoint, createParty, encodeTlogProof, leafHash, utf8ToBytes } from '@medseal/core'
 * const signer = createParty()
 * const checkpoint = createCheckpoint({ origin: 'example.com/log', treeSize: 1, rootHash: leafHash(utf8ToBytes('a')), extensions: [], signer })
 * const file = encodeTlogProof({ index: 0, inclusionProof: [], checkpoint })
 * ```
 */
export function encodeTlogProof(proof: TlogProof): string {
  if (typeof proof !== 'object' || proof === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'proof must be an object.', {
      metaMessages: [`Received ${describeType(proof)}.`],
    })
  const { index, inclusionProof, checkpoint, extra } = proof
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'index must be a non-negative safe integer.')
  if (!Array.isArray(inclusionProof) || inclusionProof.length > MAX_PROOF_HASHES)
    throw new InvalidArgumentError(
      'INVALID_ARGUMENT',
      `inclusionProof must be an array of at most ${MAX_PROOF_HASHES} hashes.`,
    )
  if (typeof checkpoint !== 'string') throw new InvalidArgumentError('INVALID_TYPE', 'checkpoint must be a string.')
  const lines = [TLOG_PROOF_HEADER]
  if (extra !== undefined) {
    assertBytes(extra, { name: 'extra' })
    if (extra.length === 0) throw new InvalidArgumentError('INVALID_LENGTH', 'extra, when given, must be non-empty.')
    lines.push(`extra ${_bytesToBase64(extra)}`)
  }
  lines.push(`index ${index}`)
  for (const h of inclusionProof) lines.push(_bytesToBase64(assertBytes(h, { name: 'inclusionProof[]', length: 32 })))
  const text = `${lines.join('\n')}\n\n${checkpoint}`
  decodeTlogProof(text)
  return text
}

/**
 * Decodes a tlog-proof file (text or UTF-8 bytes) without verifying it.
 *
 * @param file - the file's contents
 * @returns a frozen {@link TlogProof}
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`
 * @throws {@link VerificationError} `TLOG_PROOF_MALFORMED`
 * @example
 * ```ts
 * import { decodeTlogProof } from '@medseal/core'
 * const proof = decodeTlogProof(await (await fetch('/record.tlog-proof')).text())
 * ```
 */
export function decodeTlogProof(file: string | Uint8Array): TlogProof {
  let text: string
  if (typeof file === 'string') text = file
  else if (file instanceof Uint8Array) {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(file)
    } catch {
      throw malformed('not valid UTF-8')
    }
  } else
    throw new InvalidArgumentError('INVALID_TYPE', 'file must be a string or a Uint8Array.', {
      metaMessages: [`Received ${describeType(file)}.`],
    })
  const blank = text.indexOf('\n\n')
  if (blank < 0) throw malformed('no empty line before the checkpoint')
  const head = text.slice(0, blank).split('\n')
  const checkpoint = text.slice(blank + 2)
  if (head[0] !== TLOG_PROOF_HEADER) throw malformed(`the first line must be ${TLOG_PROOF_HEADER}`)
  let i = 1
  let extra: Uint8Array | undefined
  if (head[i]?.startsWith('extra ')) {
    extra = _base64ToBytes((head[i] as string).slice(6))
    if (extra === undefined || extra.length === 0) throw malformed('extra must be canonical base64 of non-empty data')
    i++
  }
  const m = INDEX.exec(head[i] ?? '')
  if (m === null) throw malformed('expected "index <decimal>"')
  const index = Number(m[1])
  if (!Number.isSafeInteger(index)) throw malformed('the index is beyond 2^53 - 1')
  i++
  const hashes = head.slice(i)
  if (hashes.length > MAX_PROOF_HASHES) throw malformed(`more than ${MAX_PROOF_HASHES} proof hashes`)
  const inclusionProof = hashes.map((line) => {
    const h = _base64ToBytes(line)
    if (h === undefined || h.length !== 32) throw malformed('a proof line must be canonical base64 of 32 bytes')
    return h
  })
  try {
    decodeCheckpoint(decodeNote(checkpoint).text)
  } catch (cause) {
    throw new VerificationError('TLOG_PROOF_MALFORMED', 'tlog-proof is malformed: the checkpoint does not decode.', {
      cause,
    })
  }
  return Object.freeze({
    ...(extra === undefined ? {} : { extra }),
    index,
    inclusionProof: Object.freeze(inclusionProof),
    checkpoint,
  })
}

/** Parameters of {@link verifyTlogProof}: the leaf hash of the entry (step 1 is the application's) and the policy. */
export type VerifyTlogProofParameters = VerifyCheckpointParameters & {
  /** RFC 6962 leaf hash of the entry, `SHA-256(0x00 || entry)`, 32 bytes. */
  readonly leafHash: Uint8Array
}

/**
 * Verifies a tlog-proof offline (c2sp.org/tlog-proof §"Verifying a tlog proof"): the checkpoint's origin and log
 * signature, the witness policy, then the inclusion proof binding `leafHash` at `index` to the checkpoint's root.
 *
 * @param file - the tlog-proof (text, bytes or decoded)
 * @param params - {@link VerifyTlogProofParameters}
 * @returns {@link VerifiedTlogProof}
 * @throws {@link VerificationError} `TLOG_PROOF_MALFORMED`, `TLOG_PROOF_INVALID` (inclusion proof fails), and the
 *   codes of {@link verifyCheckpoint}
 * @throws {@link InvalidArgumentError} for bad parameters
 * @example
 * ```ts
 * import { createCheckpoint, createParty, createTlogProof, encodeVerifierKey, leafHash, utf8ToBytes, verifyTlogProof } from '@medseal/core'
 * const log = createParty()
 * const leaf = leafHash(utf8ToBytes('entry'))
 * const checkpoint = createCheckpoint({ origin: 'example.com/log', treeSize: 1, rootHash: leaf, extensions: [], signer: log })
 * const file = createTlogProof({ index: 0, inclusionProof: [], checkpoint })
 * await verifyTlogProof(file, { leafHash: leaf, origin: 'example.com/log', logKeys: [encodeVerifierKey({ name: 'example.com/log', publicKey: log.notePublicKey })] })
 * ```
 */
export async function verifyTlogProof(
  file: string | Uint8Array | TlogProof,
  params: VerifyTlogProofParameters,
): Promise<VerifiedTlogProof> {
  const proof =
    typeof file === 'string' || file instanceof Uint8Array
      ? decodeTlogProof(file)
      : decodeTlogProof(encodeTlogProof(file))
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.')
  const leaf = assertBytes(params.leafHash, { name: 'leafHash', length: 32 })
  const checkpoint = await verifyCheckpoint(proof.checkpoint, params)
  const root = _rootFromInclusionProof(leaf, BigInt(proof.index), BigInt(checkpoint.treeSize), proof.inclusionProof)
  if (root === undefined || !equalBytes(root, checkpoint.rootHash))
    throw new VerificationError('TLOG_PROOF_INVALID', 'The inclusion proof does not bind the entry to the checkpoint.')
  return Object.freeze({ index: proof.index, ...(proof.extra === undefined ? {} : { extra: proof.extra }), checkpoint })
}

/**
 * Makes a tlog-proof file from a signed checkpoint and the entry's inclusion proof in the checkpoint's tree (e.g.
 * `accessLog.proveInclusion(index, treeSize)`). Same as {@link encodeTlogProof}, named for the producer side.
 *
 * @param params - {@link TlogProof}
 * @returns the file's text
 * @throws see {@link encodeTlogProof}
 * @example
 * ```ts
 * import { createCheckpoint, createParty, createTlogProof, leafHash, utf8ToBytes } from '@medseal/core'
 * const checkpoint = createCheckpoint({ origin: 'example.com/log', treeSize: 1, rootHash: leafHash(utf8ToBytes('a')), extensions: [], signer: createParty() })
 * createTlogProof({ index: 0, inclusionProof: [], checkpoint }).startsWith('c2sp.org/tlog-proof@v1\n') // true
 * ```
 */
export function createTlogProof(params: TlogProof): string {
  return encodeTlogProof(params)
}

/**
 * Anchor receipts: what a record's holder keeps to prove, offline and against any ledger, that the record's
 * commitment was anchored. One JSON format for every ledger (only the {@link LedgerRef} differs), specified in
 * `docs/spec/receipt.md`.
 * @module
 */
import { canonicalize } from '../canonical/canonicalize.js'
import { VerificationError } from '../errors/base.js'
import type { AnchorKind, LedgerRef } from '../ledger/types.js'
import type { Hex } from '../types.js'
import { findDuplicateJsonKey } from './_jsonDuplicateKey.js'

/** The receipt format version this SDK writes. It reads this one and version 1 (docs/spec/receipt.md §2). */
export const RECEIPT_VERSION = 2

/** The members both receipt versions share. */
export type ReceiptBody = {
  /** The record's commitment (32 bytes): the leaf data of the batch tree. */
  readonly commitment: Hex
  /** The record's 0-based leaf index in the batch. */
  readonly leafIndex: number
  /** Number of leaves (records) in the batch, >= 1. */
  readonly treeSize: number
  /** RFC 9162 root of the batch (32 bytes), as anchored. */
  readonly root: Hex
  /** RFC 9162 §2.1.3 audit path of the leaf, bottom-up (32 bytes each). */
  readonly proof: readonly Hex[]
  /** Where and when the root was anchored, as the ledger reported it at write time. */
  readonly ledger: LedgerRef
}

/**
 * A version-2 receipt: self-describing, it names the kind of batch it was anchored as (what its leaves are).
 *
 * @example
 * ```json
 * { "v": 2, "kind": "records", "commitment": "0x…", "leafIndex": 3, "treeSize": 10, "root": "0x…",
 *   "proof": ["0x…"], "ledger": { "ledger": "memory:demo", "tx": "memory:1", "block": 1, "timestamp": 1700000000 } }
 * ```
 */
export type ReceiptV2 = ReceiptBody & {
  /** Format version, `2`. */
  readonly v: 2
  /** The anchor kind of the batch: `records`, `export` or `events` (the anchorer's `kind`). */
  readonly kind: AnchorKind
}

/**
 * A version-1 receipt (SDK 0.1 before issue 16): no `kind`; verifiers take the kind from the caller (default
 * `records`). Still read, never written.
 *
 * @example
 * ```json
 * { "v": 1, "commitment": "0x…", "leafIndex": 3, "treeSize": 10, "root": "0x…", "proof": ["0x…"],
 *   "ledger": { "ledger": "memory:demo", "tx": "memory:1", "block": 1, "timestamp": 1700000000 } }
 * ```
 */
export type ReceiptV1 = ReceiptBody & {
  /** Format version, `1`. */
  readonly v: 1
}

/**
 * A record's anchor receipt: JSON-safe, every byte string `0x` + lower-case hex. The anchorer writes
 * {@link ReceiptV2}; {@link ReceiptV1} is still accepted everywhere and kept as it is (never rewritten, so anything
 * signed over a version-1 receipt still verifies).
 *
 * @example
 * ```ts
 * import { decodeReceipt } from '@medseal/core'
 * const receipt = decodeReceipt(text)
 * const kind = receipt.v === 2 ? receipt.kind : 'records'
 * ```
 */
export type Receipt = ReceiptV2 | ReceiptV1

/** Everything {@link decodeReceipt} can throw. */
export type DecodeReceiptErrorType = VerificationError

/** Largest receipt text accepted (a receipt of a 2^64-leaf tree is under 5 KiB). */
const MAX_RECEIPT_CHARS = 16 * 1024
const MAX_PROOF = 64
const MAX_REF_STRING = 256
const HEX32 = /^0x[0-9a-f]{64}$/
const RECEIPT_KEYS_V1 = ['commitment', 'leafIndex', 'ledger', 'proof', 'root', 'treeSize', 'v']
const RECEIPT_KEYS_V2 = ['commitment', 'kind', 'leafIndex', 'ledger', 'proof', 'root', 'treeSize', 'v']
const KINDS: readonly AnchorKind[] = ['records', 'export', 'events']
const REF_KEYS = ['block', 'ledger', 'timestamp', 'tx']

const malformed = (shortMessage: string) => new VerificationError('RECEIPT_MALFORMED', shortMessage)

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function exactKeys(value: Record<string, unknown>, keys: readonly string[], what: string): void {
  const own = Object.keys(value).sort()
  if (own.length !== keys.length || own.some((k, i) => k !== keys[i])) {
    throw malformed(`${what} must have exactly the fields ${keys.join(', ')}.`)
  }
}

function hex32(value: unknown, what: string): Hex {
  if (typeof value === 'string' && HEX32.test(value)) return value as Hex
  throw malformed(`${what} must be 0x followed by 64 lower-case hex digits.`)
}

function count(value: unknown, what: string, min: number): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value
  throw malformed(`${what} must be an integer >= ${min}.`)
}

function refString(value: unknown, what: string): string {
  if (typeof value === 'string' && value.length > 0 && value.length <= MAX_REF_STRING && value.isWellFormed()) {
    return value
  }
  throw malformed(`${what} must be a non-empty string of at most ${MAX_REF_STRING} characters.`)
}

/**
 * Checks that `value` is a well-formed receipt (version 2, or version 1) and returns a fresh, frozen copy of it, in
 * its own version.
 *
 * @param value - a receipt object (e.g. from `JSON.parse`)
 * @returns the receipt
 * @throws {@link VerificationError} `RECEIPT_MALFORMED` for anything but a well-formed receipt;
 *   `UNSUPPORTED_VERSION` for a receipt of another version
 * @example
 * ```ts
 * import { parseReceipt } from '@medseal/core'
 * const receipt = parseReceipt(JSON.parse(text))
 * ```
 */
export function parseReceipt(value: unknown): Receipt {
  if (!isPlainObject(value)) throw malformed('A receipt must be a JSON object.')
  if (value.v !== 2 && value.v !== 1) {
    if (typeof value.v === 'number' && Number.isSafeInteger(value.v) && value.v > RECEIPT_VERSION) {
      throw new VerificationError('UNSUPPORTED_VERSION', `Receipt version ${value.v} is not supported.`, {
        metaMessages: [`This SDK reads receipt versions 1 and ${RECEIPT_VERSION}.`],
      })
    }
    throw malformed('receipt.v must be 2 (or 1).')
  }
  const v = value.v
  exactKeys(value, v === 2 ? RECEIPT_KEYS_V2 : RECEIPT_KEYS_V1, `A version-${v} receipt`)
  let kind: AnchorKind | undefined
  if (v === 2) {
    if (!(KINDS as readonly unknown[]).includes(value.kind)) {
      throw malformed(`receipt.kind must be one of ${KINDS.join(', ')}.`)
    }
    kind = value.kind as AnchorKind
  }
  const commitment = hex32(value.commitment, 'receipt.commitment')
  const root = hex32(value.root, 'receipt.root')
  const treeSize = count(value.treeSize, 'receipt.treeSize', 1)
  const leafIndex = count(value.leafIndex, 'receipt.leafIndex', 0)
  if (leafIndex >= treeSize) throw malformed('receipt.leafIndex must be below receipt.treeSize.')
  if (!Array.isArray(value.proof) || value.proof.length > MAX_PROOF) {
    throw malformed(`receipt.proof must be an array of at most ${MAX_PROOF} hashes.`)
  }
  const proof = Object.freeze(value.proof.map((p, i) => hex32(p, `receipt.proof[${i}]`)))
  const ref = value.ledger
  if (!isPlainObject(ref)) throw malformed('receipt.ledger must be an object.')
  exactKeys(ref, REF_KEYS, 'receipt.ledger')
  const ledger: LedgerRef = Object.freeze({
    ledger: refString(ref.ledger, 'receipt.ledger.ledger'),
    tx: refString(ref.tx, 'receipt.ledger.tx'),
    block: count(ref.block, 'receipt.ledger.block', 0),
    timestamp: count(ref.timestamp, 'receipt.ledger.timestamp', 0),
  })
  const body = { commitment, leafIndex, treeSize, root, proof, ledger }
  return Object.freeze(kind === undefined ? { v: 1 as const, ...body } : { v: 2 as const, kind, ...body })
}

/**
 * Encodes a receipt as its canonical JSON text (RFC 8785: sorted keys, no whitespace), so that equal receipts have
 * equal bytes.
 *
 * @param receipt - the receipt
 * @returns JSON text
 * @throws {@link VerificationError} `RECEIPT_MALFORMED` when `receipt` is not a well-formed receipt
 * @example
 * ```ts
 * import { decodeReceipt, encodeReceipt } from '@medseal/core'
 * const text = encodeReceipt(receipt) // store it with the record
 * decodeReceipt(text) // the same receipt
 * ```
 */
export function encodeReceipt(receipt: Receipt): string {
  return canonicalize(parseReceipt(receipt))
}

/**
 * Decodes receipt JSON text strictly: exactly the fields of its version (2, or 1), each once (a member name twice in one object is
 * refused: `JSON.parse` would keep the last one silently, and another reader might keep the first), lower-case `0x`
 * hex, integers in range, nothing else.
 *
 * @param text - receipt JSON (as written by {@link encodeReceipt}, or any equivalent JSON)
 * @returns the receipt, frozen
 * @throws {@link VerificationError} `RECEIPT_MALFORMED` for text that is not a well-formed receipt (also invalid
 *   JSON, a duplicate member name, or more than 16,384 characters); `UNSUPPORTED_VERSION` for a newer version
 * @example
 * ```ts
 * import { decodeReceipt } from '@medseal/core'
 * const receipt = decodeReceipt(text)
 * receipt.leafIndex
 * ```
 */
export function decodeReceipt(text: string): Receipt {
  if (typeof text !== 'string') throw malformed('Receipt text must be a string.')
  if (text.length > MAX_RECEIPT_CHARS) throw malformed(`Receipt text must be at most ${MAX_RECEIPT_CHARS} characters.`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw new VerificationError('RECEIPT_MALFORMED', 'Receipt text is not valid JSON.', { cause })
  }
  // docs/spec/receipt.md §2: no member name twice in one object (RFC 7493 §2.3).
  if (findDuplicateJsonKey(text) !== undefined) throw malformed('Receipt JSON has a duplicate member name.')
  return parseReceipt(value)
}

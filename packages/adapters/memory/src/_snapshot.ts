/**
 * The memory ledger's snapshot format: a JSON document holding every write in order, with its ledger reference.
 *
 * ```json
 * { "format": "medseal-memory-ledger", "version": 2, "ledgerId": "memory:demo",
 *   "entries": [ { "type": "anchor", "root": "0x…", "treeSize": 3, "kind": "records", "ref": { … } },
 *                { "type": "consent", "signed": { "consent": { … }, "signature": "0x…" }, "ref": { … } }, … ] }
 * ```
 * Entry `type`s: `anchor`, `consent`, `revocation`, `tombstone`, `treeHead`. A snapshot is untrusted input: it is
 * parsed defensively here, and the ledger replays every entry through its write checks (signatures included).
 * @internal
 * @module
 */
import {
  type AnchorRecord,
  assertHex32,
  bytesToHex0x,
  type ConsentRecord,
  hexToBytes,
  InvalidArgumentError,
  type LedgerRef,
  type RevocationRecord,
  type TombstoneRecord,
  type TreeHeadRecord,
} from '@medseal/core'
import { assertRecord, isRecord } from './_validate.js'

/** The `format` field of a snapshot. @internal */
export const SNAPSHOT_FORMAT = 'medseal-memory-ledger'
/**
 * The `version` of the snapshot format written and read by this code. Version 2 (security review, issue 12): tree
 * heads carry `nameHash`, revocations may precede (or lack) their consent, a consent's `parent` is a consent key, and
 * anchors, consents and tombstones are keyed by everything a stranger could squat on. Version 1 snapshots are refused
 * (`UNSUPPORTED_VERSION`): their heads were signed without `nameHash` and their parents name ids, so they cannot be
 * replayed under the new rules.
 * @internal
 */
export const SNAPSHOT_VERSION = 2

/** One write as the ledger holds it. @internal */
export type Entry =
  | { readonly type: 'anchor'; readonly record: AnchorRecord }
  | { readonly type: 'consent'; readonly record: Omit<ConsentRecord, 'revocation'> }
  | { readonly type: 'revocation'; readonly record: RevocationRecord }
  | { readonly type: 'tombstone'; readonly record: TombstoneRecord }
  | { readonly type: 'treeHead'; readonly record: TreeHeadRecord }

/** An entry as parsed from a snapshot, before the ledger's checks. @internal */
export type RawEntry = {
  readonly type: Entry['type']
  readonly value: Record<string, unknown>
  readonly ref: LedgerRef
}

/** JSON text of one entry. @internal */
export function encodeEntry(entry: Entry): string {
  const { ref, ...rest } = entry.record
  const value =
    entry.type === 'anchor'
      ? {
          type: 'anchor',
          root: bytesToHex0x(entry.record.root),
          treeSize: entry.record.treeSize,
          kind: entry.record.kind,
        }
      : { type: entry.type, signed: rest }
  return JSON.stringify({ ...value, ref })
}

/** JSON text of a whole snapshot, from encoded entries. @internal */
export function encodeSnapshot(ledgerId: string, encodedEntries: readonly string[]): string {
  const head = JSON.stringify({ format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, ledgerId })
  const body = encodedEntries.length === 0 ? '' : `\n${encodedEntries.join(',\n')}\n`
  return `${head.slice(0, -1)},"entries":[${body}]}\n`
}

const malformed = (message: string) => new InvalidArgumentError('INVALID_ARGUMENT', message)

function parseRef(value: unknown, ledgerId: string): LedgerRef {
  if (!isRecord(value)) throw malformed('A stored entry has no ledger reference.')
  const { ledger, tx, block, timestamp } = value
  if (ledger !== ledgerId) throw malformed('A stored entry belongs to another ledger.')
  if (typeof tx !== 'string' || tx.length > 256) throw malformed('A stored entry has a malformed tx.')
  if (typeof block !== 'number' || !Number.isSafeInteger(block) || block < 1)
    throw malformed('A stored entry has a malformed block.')
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0)
    throw malformed('A stored entry has a malformed timestamp.')
  return { ledger, tx, block, timestamp }
}

/**
 * Parses a snapshot of ledger `ledgerId` into raw entries, in write order.
 * @throws {@link InvalidArgumentError} `INVALID_JSON`, `UNSUPPORTED_VERSION` or `INVALID_ARGUMENT`
 * @internal
 */
export function parseSnapshot(text: string, ledgerId: string): RawEntry[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (cause) {
    throw new InvalidArgumentError('INVALID_JSON', 'The snapshot is not JSON.', { cause })
  }
  const o = assertRecord(doc, 'snapshot')
  if (o.format !== SNAPSHOT_FORMAT) throw malformed('The snapshot is not a medseal memory ledger snapshot.')
  if (o.version !== SNAPSHOT_VERSION)
    throw new InvalidArgumentError('UNSUPPORTED_VERSION', 'The snapshot has an unsupported version.')
  if (o.ledgerId !== ledgerId) throw malformed('The snapshot is of another ledger id.')
  if (!Array.isArray(o.entries)) throw malformed('The snapshot has no entries.')
  return o.entries.map((raw: unknown): RawEntry => {
    if (!isRecord(raw)) throw malformed('A stored entry is not an object.')
    const ref = parseRef(raw.ref, ledgerId)
    switch (raw.type) {
      case 'anchor': {
        const root = hexToBytes(assertHex32(raw.root, 'root'))
        return { type: 'anchor', value: { root, treeSize: raw.treeSize, kind: raw.kind }, ref }
      }
      case 'consent':
      case 'revocation':
      case 'tombstone':
      case 'treeHead':
        return { type: raw.type, value: assertRecord(raw.signed, 'signed'), ref }
      default:
        throw malformed('A stored entry has an unknown type.')
    }
  })
}

/** Reads the ledger id a snapshot was written for, without checking the rest. @internal */
export function peekSnapshotLedgerId(text: string): string | undefined {
  try {
    const doc: unknown = JSON.parse(text)
    return isRecord(doc) && typeof doc.ledgerId === 'string' ? doc.ledgerId : undefined
  } catch {
    return undefined
  }
}

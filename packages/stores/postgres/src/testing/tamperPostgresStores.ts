/**
 * Corrupts one stored item with raw SQL, as someone with write access to the database would: the store conformance
 * suite's `tamper` hook, and a tool for an integrator's own tamper tests.
 * @module
 */
import { decodeEnvelope, decodeReceipt, encodeEnvelope, encodeReceipt, type Hex, StoreError } from '@medseal/core'
import type { StoreTamperTarget } from '@medseal/core/testing'
import type { SqlDatabase } from '../db/types.js'

/** Parameters of {@link tamperPostgresStores}. */
export type TamperPostgresStoresParameters = {
  readonly db: SqlDatabase
  /** What to corrupt. */
  readonly target: StoreTamperTarget
  /** The access log the `logEntry` / `logNode` targets are in (default `'default'`). */
  readonly logName?: string
  /** The anchorer the `receipt` target is in (default `'default'`). */
  readonly anchorName?: string
}

const changed = (rows: readonly unknown[]) => {
  if (rows.length !== 1) throw new StoreError('STORE_CORRUPT', 'Nothing to tamper with there.')
}

/**
 * Corrupts one stored item: flips a bit of a log entry's event bytes, of a tree node's hash, of every wrapped key of a
 * custodian entry's envelope, or changes a stored receipt's root.
 *
 * @param params - `db`, `target`, optional `logName`, `anchorName`
 * @throws {@link @medseal/core!StoreError} `STORE_CORRUPT` when the target does not exist
 * @example
 * ```ts
 * import { tamperPostgresStores } from '@medseal/store-postgres/testing'
 * await tamperPostgresStores({ db, logName: 'access', target: { kind: 'logEntry', index: 0 } })
 * ```
 */
export async function tamperPostgresStores(params: TamperPostgresStoresParameters): Promise<void> {
  const { db, target } = params
  const log = params.logName ?? 'default'
  if (target.kind === 'logEntry') {
    changed(
      await db.query(
        `UPDATE medseal_log_entries
           SET leaf_data = set_byte(leaf_data, length(leaf_data) - 1, get_byte(leaf_data, length(leaf_data) - 1) # 1)
         WHERE log = $1 AND idx = $2::int8 RETURNING idx`,
        [log, target.index],
      ),
    )
  } else if (target.kind === 'logNode') {
    changed(
      await (target.level === 0
        ? db.query(
            `UPDATE medseal_log_entries SET leaf_hash = set_byte(leaf_hash, 0, get_byte(leaf_hash, 0) # 1)
             WHERE log = $1 AND idx = $2::int8 RETURNING idx`,
            [log, target.index],
          )
        : db.query(
            `UPDATE medseal_log_nodes SET hash = set_byte(hash, 0, get_byte(hash, 0) # 1)
             WHERE log = $1 AND level = $2::int2 AND idx = $3::int8 RETURNING idx`,
            [log, target.level, target.index],
          )),
    )
  } else if (target.kind === 'custodianEnvelope') {
    const key = target.commitment.toLowerCase()
    const [row] = await db.query('SELECT envelope FROM medseal_custodian_entries WHERE commitment = $1', [key])
    if (!(row?.envelope instanceof Uint8Array)) throw new StoreError('STORE_CORRUPT', 'Nothing to tamper with there.')
    const env = decodeEnvelope(row.envelope)
    const recipients = env.recipients.map((r) => {
      const wrappedKey = r.wrappedKey.slice()
      wrappedKey[0] = (wrappedKey[0] as number) ^ 1
      return { ...r, wrappedKey }
    })
    await db.query('UPDATE medseal_custodian_entries SET envelope = $2 WHERE commitment = $1', [
      key,
      encodeEnvelope({ ...env, recipients }),
    ])
  } else {
    const anchorer = params.anchorName ?? 'default'
    const key = target.commitment.toLowerCase()
    const [row] = await db.query(
      'SELECT receipt FROM medseal_anchor_receipts WHERE anchorer = $1 AND commitment = $2',
      [anchorer, key],
    )
    if (typeof row?.receipt !== 'string') throw new StoreError('STORE_CORRUPT', 'Nothing to tamper with there.')
    const r = decodeReceipt(row.receipt)
    const root = `0x${r.root.slice(2, 65)}${r.root.endsWith('0') ? '1' : '0'}` as Hex
    await db.query('UPDATE medseal_anchor_receipts SET receipt = $3 WHERE anchorer = $1 AND commitment = $2', [
      anchorer,
      key,
      encodeReceipt({ ...r, root }),
    ])
  }
}

/**
 * The `node:worker_threads` worker that runs PGlite for `openPgliteDirectory` (internal): PostgreSQL's WebAssembly
 * runs here, on its own thread, so a service's event loop keeps parsing HTTP and doing the custodian's cryptography
 * while SQL runs. Plain JavaScript (Node loads it as it is, from the sources under vitest and tsx, and copied to
 * dist/ by the build): it only relays messages to PGlite. The protocol (`_pgliteWorkerDatabase.ts` is the other
 * side):
 *
 * - start: `workerData` `{ dataDir }`; answers `{ op: 'ready' }` or `{ op: 'ready', error }`.
 * - `{ id, op: 'query', sql, params, tx? }` → `{ id, rows, fields }` (rows as PGlite returns them; the caller
 *   normalizes) or `{ id, error }`. With `tx`, the statement runs in that open transaction.
 * - `{ id, op: 'begin' }` → `{ id, tx }` once PGlite's transaction has begun; `{ id, op: 'end', tx, commit }` →
 *   `{ id }` once PGlite committed (or rolled back, `commit: false`), `{ id, error }` when that failed.
 * - `{ id, op: 'close' }` → `{ id }` once PGlite closed; then the worker ends.
 *
 * An error carries only `{ name, code, message }`: the SQLSTATE the stores look at and PostgreSQL's message, never
 * the statement's parameters or PostgreSQL's `detail` (which may quote row values).
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads'
import { PGlite } from '@electric-sql/pglite'

/** Thrown inside PGlite's transaction to roll it back (never leaves this worker). */
const ROLLBACK = Symbol('rollback')

/** What crosses back of a failure: never parameters, never `detail`. */
function errorOf(e) {
  const code = typeof e?.code === 'string' ? e.code : undefined
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : 'PGlite failed.',
    ...(code ? { code } : {}),
  }
}

const port = parentPort
/** Open transactions: id → { tx (PGlite's), end (settles the transaction's callback) }. */
const open = new Map()
let nextTx = 1
let pglite

async function query(msg) {
  const target = msg.tx === undefined ? pglite : open.get(msg.tx)?.tx
  if (!target) throw new Error('The transaction is not open.')
  const r = await target.query(msg.sql, msg.params)
  return { rows: r.rows, fields: r.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })) }
}

/** Transactions begun: id → what PGlite's transaction settled with (`undefined`: committed or rolled back). */
const settled = new Map()

function begin(msg) {
  const id = nextTx++
  let began = false
  // answered from inside the callback (the transaction has begun); the callback waits for `end`
  const done = pglite
    .transaction(
      (tx) =>
        new Promise((resolve, reject) => {
          began = true
          open.set(id, { tx, end: (commit) => (commit ? resolve() : reject(ROLLBACK)) })
          port.postMessage({ id: msg.id, tx: id })
        }),
    )
    .then(
      () => undefined,
      (e) => (e === ROLLBACK ? undefined : errorOf(e)),
    )
  settled.set(id, done)
  // a transaction that failed before its callback ran (PGlite closed, BEGIN failed): answer the begin itself
  done.then((error) => {
    if (began) return
    settled.delete(id)
    port.postMessage({ id: msg.id, error: error ?? { name: 'Error', message: 'The transaction did not begin.' } })
  })
}

port.on('message', (msg) => {
  switch (msg.op) {
    case 'query':
      query(msg).then(
        (r) => port.postMessage({ id: msg.id, ...r }),
        (e) => port.postMessage({ id: msg.id, error: errorOf(e) }),
      )
      return
    case 'begin':
      begin(msg)
      return
    case 'end': {
      const t = open.get(msg.tx)
      const done = settled.get(msg.tx)
      if (!t || !done) {
        port.postMessage({ id: msg.id, error: { name: 'Error', message: 'The transaction is not open.' } })
        return
      }
      open.delete(msg.tx)
      settled.delete(msg.tx)
      t.end(msg.commit === true)
      // answered once PGlite committed (or rolled back)
      done.then((error) => port.postMessage({ id: msg.id, ...(error ? { error } : {}) }))
      return
    }
    case 'close':
      pglite.close().then(
        () => {
          port.postMessage({ id: msg.id })
          port.close()
        },
        (e) => port.postMessage({ id: msg.id, error: errorOf(e) }),
      )
      return
  }
})

try {
  pglite = await PGlite.create(workerData.dataDir)
  port.postMessage({ op: 'ready' })
} catch (e) {
  port.postMessage({ op: 'ready', error: errorOf(e) })
}

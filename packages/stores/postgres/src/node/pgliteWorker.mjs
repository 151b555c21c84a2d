/**
 * The `node:worker_threads` worker that runs PGlite for `openPgliteDirectory` (internal): PostgreSQL's WebAssembly
 * runs here, on its own thread, so a service's event loop keeps parsing HTTP and doing the custodian's cryptography
 * while SQL runs. Plain JavaScript (Node loads it as it is, from the sources under vitest and tsx, and copied to
 * dist/ by the build): it only relays messages to PGlite. The protocol (`_pgliteWorkerDatabase.ts` is the other
 * side):
 *
 * - start: `workerData` `{ dataDir }`; answers `{ op: 'ready' }` or `{ op: 'ready', error }`.
 * - `{ id, op: 'query', sql, params, tx?, name? }` → `{ id, rows, fields }` (rows as PGlite returns them; the caller
 *   normalizes) or `{ id, error }`. With `tx`, the statement runs in that open transaction. With `name` (a statement
 *   of fixed text that runs often), it runs as a named prepared statement (see {@link prepared}).
 * - `{ id, op: 'begin' }` → `{ id, tx }` once PGlite's transaction has begun; `{ id, op: 'end', tx, commit }` →
 *   `{ id }` once PGlite committed (or rolled back, `commit: false`), `{ id, error }` when that failed.
 * - `{ id, op: 'close' }` → `{ id }` once PGlite closed; then the worker ends.
 *
 * An error carries only `{ name, code, message }`: the SQLSTATE the stores look at and PostgreSQL's message, never
 * the statement's parameters or PostgreSQL's `detail` (which may quote row values).
 * @module
 */
import { writeFileSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { PGlite, parse, protocol } from '@electric-sql/pglite'

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
/** Whether named statements run prepared on this PGlite ({@link canPrepareOn}). */
let canPrepare = false

/**
 * Named statements prepared in PGlite's session: name → `{ sql, types }` (the OIDs of its parameters). PGlite's
 * `query` parses, analyses and describes a statement on every call, in six calls into PostgreSQL (Parse, Describe,
 * Bind, Describe, Execute, Sync); a named statement is parsed once (Close, Parse, Describe, Sync: the Close makes a
 * Parse after a failed one safe) and then runs in ONE call (Bind, Describe, Execute, Sync), its parameters serialized
 * and its rows parsed by PGlite's own serializers and parsers: the same values as `query`. Prepared statements are
 * not transactional: one prepared inside a transaction that rolls back stays. Measured on PGlite 0.6.1, the custodian's
 * entry read with its replay check: 0.85–1.1 ms of CPU through `query`, 0.22–0.26 ms prepared.
 */
const prepared = new Map()

/** What a prepared statement needs of PGlite (0.6.x); without it (another PGlite), named statements run as others. */
const canPrepareOn = (pglite) =>
  typeof pglite.execProtocol === 'function' &&
  typeof pglite._runExclusiveQuery === 'function' &&
  typeof pglite._runExclusiveTransaction === 'function' &&
  typeof protocol?.serialize?.bind === 'function' &&
  typeof parse?.parseResults === 'function' &&
  typeof parse.parseDescribeStatementResults === 'function'

/** Protocol messages as one buffer (PostgreSQL runs them in order in one call). */
function concat(parts) {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  n = 0
  for (const p of parts) {
    out.set(p, n)
    n += p.length
  }
  return out
}

/** Runs named statement `name` (`sql`) with `params`, preparing it first if needed; the caller holds PGlite's lock. */
async function runPrepared(name, sql, params) {
  const { serialize } = protocol
  let statement = prepared.get(name)
  if (statement?.sql !== sql) {
    prepared.delete(name)
    const r = await pglite.execProtocol(
      concat([
        serialize.close({ type: 'S', name }),
        serialize.parse({ name, text: sql }),
        serialize.describe({ type: 'S', name }),
        serialize.sync(),
      ]),
      { syncToFs: false },
    )
    statement = { sql, types: parse.parseDescribeStatementResults(r.messages) }
    prepared.set(name, statement)
  }
  const values = params.map((v, i) => {
    if (v === null || v === undefined) return null
    const serializer = pglite.serializers[statement.types[i]]
    return serializer ? serializer(v) : v.toString()
  })
  const r = await pglite.execProtocol(
    concat([
      serialize.bind({ statement: name, values }),
      serialize.describe({ type: 'P' }),
      serialize.execute({}),
      serialize.sync(),
    ]),
    { syncToFs: false },
  )
  return parse.parseResults(r.messages, pglite.parsers)[0] ?? { rows: [], fields: [] }
}

async function query(msg) {
  const t = msg.tx === undefined ? undefined : open.get(msg.tx)
  if (msg.tx !== undefined && !t) throw new Error('The transaction is not open.')
  let r
  if (typeof msg.name === 'string' && msg.name.length > 0 && canPrepare) {
    if (pglite.closed) throw new Error('PGlite is closed')
    if (t) {
      // inside its transaction (which holds PGlite's transaction lock): in turn with that transaction's statements
      if (t.tx.closed) throw new Error('The transaction is not open.')
      r = await pglite._runExclusiveQuery(() => runPrepared(msg.name, msg.sql, msg.params))
    } else {
      // alone: after any open transaction, as `query` runs, and written through to the file system as `query` does
      r = await pglite._runExclusiveTransaction(() =>
        pglite._runExclusiveQuery(async () => {
          const out = await runPrepared(msg.name, msg.sql, msg.params)
          await pglite.syncToFs()
          return out
        }),
      )
    }
  } else r = await (t ? t.tx : pglite).query(msg.sql, msg.params)
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

// named `pglite` in the process's thread list (Linux: `top -H`, /proc/<pid>/task/*/comm), where every Node thread is
// otherwise `node`: what the service bench splits a process's CPU by
try {
  writeFileSync('/proc/thread-self/comm', 'pglite')
} catch {
  // not Linux, or not allowed: the name is only a label
}

try {
  pglite = await PGlite.create(workerData.dataDir)
  canPrepare = canPrepareOn(pglite)
  port.postMessage({ op: 'ready' })
} catch (e) {
  port.postMessage({ op: 'ready', error: errorOf(e) })
}

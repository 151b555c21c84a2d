/**
 * A {@link SqlDatabase} whose PGlite runs on a `node:worker_threads` worker (`pgliteWorker.mjs`), so PostgreSQL's
 * WebAssembly does not hold the caller's event loop (internal, Node only; `openPgliteDirectory` opens it).
 * @module
 */
import { Worker } from 'node:worker_threads'
import { StoreError } from '@medseal/core'
import { _normalizeRows, _retryTransaction, _wrapDbError } from '../db/_normalize.js'
import type { SqlDatabase, SqlQueryable, SqlQueryOptions, SqlRow, SqlValue } from '../db/types.js'

/** The worker module, beside this file in the sources and beside the bundled entries in dist/. @internal */
export const _PGLITE_WORKER_URL: URL = new URL('./pgliteWorker.mjs', import.meta.url)

/** A failure as the worker passes it back: no parameters, no `detail`. */
type WireError = { readonly name: string; readonly message: string; readonly code?: string }
type Answer = {
  readonly id: number
  readonly error?: WireError
  readonly rows?: Record<string, unknown>[]
  readonly fields?: { readonly name: string; readonly dataTypeID: number }[]
  readonly tx?: number
}

/** PGlite's failure, rebuilt on this side as the stores read it (`code`: the SQLSTATE). */
class PgliteWorkerError extends Error {
  readonly code?: string
  constructor(e: WireError) {
    super(e.message)
    this.name = e.name
    if (e.code) this.code = e.code
  }
}

/** Parameters of {@link _openPgliteWorker}. @internal */
export type OpenPgliteWorkerParameters = {
  /** The data directory (absolute, created, locked by the caller). */
  readonly dataDir: string
  /** Run once the worker has ended (e.g. to release the directory lock). */
  readonly onClose?: () => void
  /** The worker module (tests: a wrapper of it). */
  readonly workerUrl?: URL
  /** The worker's V8 heap limits (tests: a small one, to run it out of memory). */
  readonly resourceLimits?: import('node:worker_threads').ResourceLimits
}

const stopped = (why: string, cause?: unknown) =>
  new StoreError('STORE_UNAVAILABLE', `The PGlite worker ${why}.`, cause === undefined ? {} : { cause })

/**
 * Starts the worker on `dataDir` and waits until PGlite has opened it.
 *
 * - Each call is one message; the worker runs them on PGlite as they come (PGlite orders them as it does on one
 *   thread: a statement outside a transaction waits for the open one).
 * - `transaction(fn)`: `fn` runs here and its statements go to one PGlite transaction on the worker; it commits when
 *   `fn` resolves and is answered only once PGlite committed; a throw in `fn` rolls it back.
 * - A worker that stops (crash, out of memory, `process.exit`) fails every pending and later call with
 *   `STORE_UNAVAILABLE`. The worker keeps the process alive only while a call is pending, as PGlite on the calling
 *   thread does (an idle open database does not hold the process).
 *
 * @throws StoreError `STORE_UNAVAILABLE` when PGlite cannot open the directory or the worker cannot start
 * @internal
 */
export async function _openPgliteWorker(params: OpenPgliteWorkerParameters): Promise<SqlDatabase> {
  const { dataDir, onClose } = params
  let worker: Worker
  try {
    worker = new Worker(params.workerUrl ?? _PGLITE_WORKER_URL, {
      workerData: { dataDir },
      ...(params.resourceLimits ? { resourceLimits: params.resourceLimits } : {}),
    })
  } catch (e) {
    throw stopped('could not start', e)
  }
  const pending = new Map<number, { resolve: (a: Answer) => void; reject: (e: unknown) => void }>()
  let nextId = 1
  /** Why later calls fail: set once the worker stopped or the database closed. */
  let dead: StoreError | undefined
  let exited = false
  const exit = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      exited = true
      fail(dead ?? stopped(`stopped (exit code ${code})`))
      resolve()
    })
  })
  let ready: { resolve: () => void; reject: (e: unknown) => void } | undefined
  const fail = (why: StoreError) => {
    dead ??= why
    ready?.reject(dead)
    for (const p of pending.values()) p.reject(dead)
    pending.clear()
    worker.unref()
  }
  worker.on('error', (e) => fail(stopped('failed', e)))
  worker.on('messageerror', (e) => fail(stopped('sent a message that could not be read', e)))
  worker.on('message', (a: Answer & { readonly op?: string }) => {
    if (a.op === 'ready') {
      if (a.error) ready?.reject(new PgliteWorkerError(a.error))
      else ready?.resolve()
      return
    }
    const p = pending.get(a.id)
    if (!p) return
    pending.delete(a.id)
    if (pending.size === 0) worker.unref()
    if (a.error) p.reject(new PgliteWorkerError(a.error))
    else p.resolve(a)
  })
  const send = (msg: Record<string, unknown>): Promise<Answer> => {
    if (dead) return Promise.reject(dead)
    const id = nextId++
    return new Promise<Answer>((resolve, reject) => {
      if (pending.size === 0) worker.ref()
      pending.set(id, { resolve, reject })
      try {
        worker.postMessage({ ...msg, id })
      } catch (e) {
        // a parameter that cannot be cloned: this call fails, as a bad parameter fails a driver
        pending.delete(id)
        if (pending.size === 0) worker.unref()
        reject(e)
      }
    })
  }
  try {
    await new Promise<void>((resolve, reject) => {
      ready = { resolve, reject }
      if (dead) reject(dead)
    })
    ready = undefined
  } catch (e) {
    ready = undefined
    dead ??= stopped('did not open the directory')
    await worker.terminate()
    await exit
    throw e instanceof StoreError
      ? e
      : new StoreError('STORE_UNAVAILABLE', 'PGlite could not open the directory.', { cause: e })
  }
  worker.unref()

  const run = async (
    sql: string,
    values: readonly SqlValue[] | undefined,
    tx: number | undefined,
    options: SqlQueryOptions | undefined,
  ): Promise<SqlRow[]> => {
    const a = await send({
      op: 'query',
      sql,
      params: values ? [...values] : [],
      ...(tx === undefined ? {} : { tx }),
      // a named statement is prepared once on the worker's PGlite (pgliteWorker.mjs)
      ...(options?.name ? { name: options.name } : {}),
    })
    return _normalizeRows(a.rows ?? [], a.fields ?? [])
  }
  let closing: Promise<void> | undefined
  return Object.freeze({
    dialect: 'pglite' as const,
    async query(sql: string, values?: readonly SqlValue[], options?: SqlQueryOptions) {
      try {
        return await run(sql, values, undefined, options)
      } catch (e) {
        throw _wrapDbError(e, 'a query')
      }
    },
    async transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
      return _retryTransaction(async () => {
        const { tx } = await send({ op: 'begin' })
        const handle: SqlQueryable = Object.freeze({
          query: (sql: string, values?: readonly SqlValue[], options?: SqlQueryOptions) =>
            run(sql, values, tx, options),
        })
        let result: T
        try {
          result = await fn(handle)
        } catch (e) {
          // rolled back before the caller hears of the throw; a failed rollback (the worker stopped) changes nothing
          await send({ op: 'end', tx, commit: false }).catch(() => {})
          throw e
        }
        await send({ op: 'end', tx, commit: true })
        return result
      })
    },
    close() {
      closing ??= (async () => {
        try {
          if (!dead) {
            await send({ op: 'close' }).catch(() => {})
            dead = stopped('is closed')
          }
          if (!exited) await worker.terminate()
          await exit
        } finally {
          onClose?.()
        }
      })()
      return closing
    },
  })
}

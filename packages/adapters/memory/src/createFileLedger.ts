/**
 * A memory ledger persisted to a file (Node only).
 * @module
 */
import { InvalidArgumentError, type LedgerAdapter, type LedgerError } from '@medseal/core'
import { peekSnapshotLedgerId } from './_snapshot.js'
import { createFileStore } from './createFileStore.js'
import { createMemoryLedger } from './createMemoryLedger.js'

/** Options of {@link createFileLedger}. */
export type CreateFileLedgerParameters = {
  /** The snapshot file; created on the first write. Its directory must exist. */
  readonly path: string
  /** Ledger id suffix (`memory:<id>`). Default: the id stored in the file, or `default` for a new file. */
  readonly id?: string
  /** The ledger's clock, Unix seconds. Default: the system clock. */
  readonly now?: () => number
}

/** A file-backed memory ledger: a {@link LedgerAdapter} plus `path` and `close()`. */
export type FileLedger = LedgerAdapter & {
  /** The absolute path of the snapshot file. */
  readonly path: string
  /** Releases the file's lock; later writes fail with `LEDGER_UNAVAILABLE`. Idempotent. */
  readonly close: () => void
}

/** Errors {@link createFileLedger} throws. */
export type CreateFileLedgerErrorType = InvalidArgumentError | LedgerError

/**
 * Opens (or creates) a memory ledger persisted to `path`. It loads the file, replays and re-verifies every stored
 * write, and persists each new write atomically before it returns (write to `<path>.tmp`, fsync, rename, fsync the
 * directory): a crash leaves the previous state or the new one. One ledger at a time may hold a file (a lock file
 * beside it enforces this); call `close()` when done.
 *
 * Every write rewrites the whole snapshot, so this suits demos, tests and small deployments (thousands of writes),
 * not a production ledger.
 *
 * @param params - `path`, optional `id` and `now`
 * @returns a frozen {@link FileLedger}
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_ARGUMENT` for bad options
 * @throws {@link LedgerError} `LEDGER_UNAVAILABLE` when the file is locked, unreadable, corrupt or of another id
 * @example
 * ```ts
 * import { createFileLedger } from '@medseal/adapter-memory/node'
 * const ledger = createFileLedger({ path: './medseal-ledger.json', id: 'demo' })
 * await ledger.anchorRoot({ root: new Uint8Array(32).fill(1), treeSize: 1, kind: 'records' })
 * ledger.close()
 * ```
 */
export function createFileLedger(params: CreateFileLedgerParameters): FileLedger {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.')
  const store = createFileStore({ path: params.path })
  try {
    let id = params.id
    if (id === undefined) {
      const text = store.read()
      const stored = text === undefined ? undefined : peekSnapshotLedgerId(text)
      id = stored?.startsWith('memory:') ? stored.slice('memory:'.length) : 'default'
    }
    const ledger = createMemoryLedger({ id, store, ...(params.now === undefined ? {} : { now: params.now }) })
    return Object.freeze({ ...ledger, path: store.path, close: store.close })
  } catch (e) {
    store.close()
    throw e
  }
}

/**
 * A crash-safe file store for the memory ledger (Node only).
 * @module
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { InvalidArgumentError, LedgerError } from '@medseal/core'
import type { MemoryLedgerStore } from './createMemoryLedger.js'

/** Options of {@link createFileStore}. */
export type CreateFileStoreParameters = {
  /** The snapshot file. Its directory must exist. Beside it live `<file>.lock` (while open) and `<file>.tmp`. */
  readonly path: string
}

/** A {@link MemoryLedgerStore} backed by a file, holding an exclusive lock on it until its `close()`. */
export type FileStore = MemoryLedgerStore & {
  /** The absolute path of the snapshot file. */
  readonly path: string
  /** Releases the lock; later writes fail with `LEDGER_UNAVAILABLE`. Idempotent. */
  readonly close: () => void
}

/** Errors {@link createFileStore} and its methods throw. */
export type CreateFileStoreErrorType = InvalidArgumentError | LedgerError

const code = (e: unknown) => (e as { code?: unknown } | null)?.code

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return code(e) === 'EPERM'
  }
}

/** Takes `<file>.lock` (exclusive create); a lock left by a process that no longer runs is taken over. */
function acquireLock(lockPath: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600)
      try {
        writeSync(fd, `${process.pid}\n`)
      } finally {
        closeSync(fd)
      }
      return
    } catch (e) {
      if (code(e) !== 'EEXIST')
        throw new LedgerError('LEDGER_UNAVAILABLE', 'The ledger file could not be locked.', { cause: e })
    }
    let owner = Number.NaN
    try {
      owner = Number.parseInt(readFileSync(lockPath, 'utf8'), 10)
    } catch {
      // unreadable or vanished: treat as stale
    }
    if (Number.isSafeInteger(owner) && owner > 0 && isProcessAlive(owner))
      throw new LedgerError('LEDGER_UNAVAILABLE', 'The ledger file is open in another ledger.', {
        metaMessages: [
          `Lock file: ${basename(lockPath)} (process ${owner}).`,
          'Close the other ledger first; if no process uses it, delete the lock file.',
        ],
      })
    try {
      unlinkSync(lockPath)
    } catch (e) {
      if (code(e) !== 'ENOENT')
        throw new LedgerError('LEDGER_UNAVAILABLE', 'A stale ledger lock could not be removed.', { cause: e })
    }
  }
  throw new LedgerError('LEDGER_UNAVAILABLE', 'The ledger file could not be locked.')
}

function fsyncDirectory(dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch (e) {
    // Some platforms (Windows) cannot fsync a directory; the rename itself is still atomic there.
    if (code(e) !== 'EISDIR' && code(e) !== 'EPERM' && code(e) !== 'EINVAL') throw e
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off)
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    if (code(e) === 'ENOENT') return undefined
    throw e
  }
}

/**
 * Creates a file store for {@link createMemoryLedger}: `write` replaces the file atomically (write `<file>.tmp`,
 * fsync it, rename it over `<file>`, fsync the directory), so a crash at any point leaves the previous snapshot or
 * the new one, never a torn file. The store takes `<file>.lock` so that two ledgers (in one process or two) cannot
 * overwrite each other's writes; a lock left behind by a killed process is taken over.
 *
 * @param params - `path` of the snapshot file
 * @returns a {@link FileStore}; call `close()` when done
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` when `path` is not a non-empty string
 * @throws {@link LedgerError} `LEDGER_UNAVAILABLE` when the file is locked by a running ledger or cannot be locked
 * @example
 * ```ts
 * import { createMemoryLedger } from '@medseal/adapter-memory'
 * import { createFileStore } from '@medseal/adapter-memory/node'
 * const store = createFileStore({ path: '/var/lib/medseal/ledger.json' })
 * const ledger = createMemoryLedger({ id: 'demo', store })
 * // … later
 * store.close()
 * ```
 */
export function createFileStore(params: CreateFileStoreParameters): FileStore {
  if (typeof params !== 'object' || params === null || typeof params.path !== 'string' || params.path === '')
    throw new InvalidArgumentError('INVALID_TYPE', 'path must be a non-empty string.')
  const path = resolve(params.path)
  const lockPath = `${path}.lock`
  const tmpPath = `${path}.tmp`
  acquireLock(lockPath)
  // A temp file left by a crash mid-write is a snapshot that never became current: discard it.
  try {
    unlinkSync(tmpPath)
  } catch (e) {
    if (code(e) !== 'ENOENT') {
      unlinkSync(lockPath)
      throw new LedgerError('LEDGER_UNAVAILABLE', 'A leftover temporary ledger file could not be removed.', {
        cause: e,
      })
    }
  }
  let open = true
  const encoder = new TextEncoder()

  const assertOpen = () => {
    if (!open) throw new LedgerError('LEDGER_UNAVAILABLE', 'The ledger file store is closed.')
  }

  const store: FileStore = {
    path,
    read() {
      assertOpen()
      return readIfExists(path)
    },
    write(snapshot) {
      assertOpen()
      const fd = openSync(tmpPath, 'w', 0o600)
      try {
        writeAll(fd, encoder.encode(snapshot))
        fsyncSync(fd)
      } catch (e) {
        closeSync(fd)
        try {
          unlinkSync(tmpPath)
        } catch {
          // best effort: the next open discards it anyway
        }
        throw e
      }
      closeSync(fd)
      renameSync(tmpPath, path)
      fsyncDirectory(dirname(path))
    },
    close() {
      if (!open) return
      open = false
      try {
        unlinkSync(lockPath)
      } catch (e) {
        if (code(e) !== 'ENOENT') throw e
      }
    },
  }
  return Object.freeze(store)
}

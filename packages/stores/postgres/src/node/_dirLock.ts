/**
 * An exclusive lock on a PGlite data directory, held by a running process (internal, Node only).
 *
 * PGlite itself does not lock its directory, and two processes that open one directory corrupt it silently
 * (TOOLCHAIN.md §8). The lock is the file `<dir>/medseal.lock`, created atomically (`link` of a complete temporary
 * file, so no reader ever sees a half-written lock) and holding `{ pid, host, start }`. A lock whose process no
 * longer runs (killed with SIGKILL, say) is stale and is taken over; `start` (the process start time from
 * /proc where there is one) keeps a recycled PID from passing for the old owner.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { StoreError } from '@medseal/core'

/** The lock file's name inside the data directory. */
export const _LOCK_FILE = 'medseal.lock'

type LockOwner = { readonly pid: number; readonly host: string; readonly start: string }

/** The start time of process `pid` (field 22 of /proc/<pid>/stat), or '' where /proc is not there. */
function processStart(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return rest[19] ?? ''
  } catch {
    return ''
  }
}

function isRunning(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true // another machine's process: we cannot tell, so it holds the lock
  try {
    process.kill(owner.pid, 0)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false
  }
  const start = processStart(owner.pid)
  return start === '' || owner.start === '' || start === owner.start
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>
    if (Number.isSafeInteger(o.pid) && typeof o.host === 'string' && typeof o.start === 'string') return o as LockOwner
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
  }
  // unreadable content cannot come from this code (the file appears complete, by link): refuse rather than guess
  throw new StoreError('STORE_LOCKED', 'The PGlite directory has a lock file that is not ours.', {
    metaMessages: [`Lock file: ${_LOCK_FILE}. If no process uses the directory, delete it.`],
  })
}

const lockedError = (owner: LockOwner) =>
  new StoreError('STORE_LOCKED', 'The PGlite directory is open in another PGlite instance.', {
    metaMessages: [
      `Held by process ${owner.pid}${owner.pid === process.pid ? ' (this process)' : ''}.`,
      'PGlite does not share a directory: close the other instance, or use a PostgreSQL server for several processes.',
    ],
  })

/**
 * Takes the lock on `dir` (which must exist) or throws `STORE_LOCKED`. Returns the function that releases it.
 * @internal
 */
export function _lockDirectory(dir: string): () => void {
  const path = join(dir, _LOCK_FILE)
  const me: LockOwner = { pid: process.pid, host: hostname(), start: processStart(process.pid) }
  const tmp = join(dir, `${_LOCK_FILE}.${process.pid}.${randomUUID()}`)
  const fd = openSync(tmp, 'wx', 0o600)
  try {
    writeSync(fd, JSON.stringify(me))
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(tmp, path)
        return () => {
          const owner = readOwner(path)
          if (owner && owner.pid === me.pid && owner.start === me.start && owner.host === me.host) unlinkSync(path)
        }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
          throw new StoreError('STORE_UNAVAILABLE', 'The PGlite directory could not be locked.', { cause: e })
      }
      const owner = readOwner(path)
      if (owner === undefined) continue // released meanwhile
      if (isRunning(owner)) throw lockedError(owner)
      // Stale: move it aside (atomic; of two openers only one moves this file), then check that what was moved is
      // the stale lock we judged, not a live one another opener linked in the meantime.
      const aside = `${path}.stale.${process.pid}.${randomUUID()}`
      try {
        renameSync(path, aside)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue
        throw new StoreError('STORE_UNAVAILABLE', 'A stale PGlite lock could not be removed.', { cause: e })
      }
      const moved = readOwner(aside)
      if (moved && isRunning(moved)) {
        // a live lock: put it back where it was (link fails if yet another one is there: then that one holds)
        try {
          linkSync(aside, path)
        } catch {}
        unlinkSync(aside)
        throw lockedError(moved)
      }
      unlinkSync(aside)
    }
    throw new StoreError('STORE_LOCKED', 'The PGlite directory lock is contended.')
  } finally {
    unlinkSync(tmp)
  }
}

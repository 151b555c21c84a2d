import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { serveCluster } from './serveCluster.js'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const script = fileURLToPath(new URL('./_clusterFixture.ts', import.meta.url))

type Line = { op: string } & Record<string, unknown>
const started = new Set<ChildProcess>()

/** Starts the fixture's primary (its own process, with tsx) and collects the JSON lines it prints. */
function startPrimary(config: { workers?: number; fail?: boolean }) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repoRoot,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: `${repoRoot}tsconfig.json`,
      MEDSEAL_CLUSTER_FIXTURE: JSON.stringify(config),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  started.add(child)
  const lines: Line[] = []
  let pending = ''
  child.stdout?.setEncoding('utf8')
  child.stdout?.on('data', (chunk: string) => {
    pending += chunk
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl)
      pending = pending.slice(nl + 1)
      if (line.startsWith('{')) lines.push(JSON.parse(line) as Line)
    }
  })
  // 'exit' can come before the last lines the process printed were read: wait for its stdout to end as well
  const outputEnded = new Promise<void>((resolve) => child.stdout?.once('close', () => resolve()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  /** The `nth` line of `op`, once printed; fails when the process's output ended without it (or after 60 s). */
  const line = async (op: string, nth = 1): Promise<Line> => {
    let ended = false
    void outputEnded.then(() => {
      ended = true
    })
    for (let i = 0; i < 6000; i++) {
      const found = lines.filter((l) => l.op === op)[nth - 1]
      if (found) return found
      if (ended) break
      await new Promise((r) => setTimeout(r, 10))
    }
    throw new Error(`no ${op} line; printed: ${JSON.stringify(lines)}`)
  }
  return { child, lines, line, exited }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

afterEach(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  started.clear()
})

describe('serveCluster (node:cluster, its own process)', () => {
  it('two workers on one port take connections in turn; a worker killed with SIGKILL is replaced; stop ends them all', async () => {
    const p = startPrimary({ workers: 2 })
    const listening = await p.line('listening')
    const pids = listening.pids as number[]
    expect(pids).toHaveLength(2)
    // every answer closes its connection, so each request is a new connection: round-robin alternates the workers
    const served = async (n: number) => {
      const seen: number[] = []
      for (let i = 0; i < n; i++) seen.push(((await (await fetch(`${listening.url}/x`)).json()) as { pid: number }).pid)
      return seen
    }
    const first = await served(6)
    expect(new Set(first)).toEqual(new Set(pids))

    const [victim, survivor] = pids as [number, number]
    process.kill(victim, 'SIGKILL')
    const exit = await p.line('exit')
    expect(exit).toMatchObject({ pid: victim, code: null, signal: 'SIGKILL', restarted: true })
    // told when each worker listens: the two first ones, then the replacement
    const replaced = (await p.line('worker-listening', 3)).pid as number
    const told = p.lines.filter((l) => l.op === 'worker-listening').map((l) => l.pid as number)
    expect([...told.slice(0, 2)].sort()).toEqual([...pids].sort())
    expect(told.slice(2)).toEqual([replaced])
    // the replacement listens on the same port; the survivor never stopped
    let after: number[] = []
    for (let i = 0; i < 200; i++) {
      after = await served(4)
      if (new Set(after).size === 2) break
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(after).toContain(survivor)
    expect(after).not.toContain(victim)
    const replacement = after.find((pid) => pid !== survivor) as number
    expect(replacement).toBe(replaced)

    p.child.kill('SIGTERM')
    expect(await p.exited).toBe(0)
    expect((await p.line('stopped')).pids).toEqual([])
    expect(alive(survivor) || alive(replacement)).toBe(false)
    // a stopped worker is not reported as a death
    expect(p.lines.filter((l) => l.op === 'exit')).toHaveLength(1)
  }, 120_000)

  it('SERVICE_UNAVAILABLE when the workers fail to start: the primary reports why (the short message only) and exits', async () => {
    const p = startPrimary({ workers: 2, fail: true })
    const failed = await p.line('failed')
    expect(failed.code).toBe('SERVICE_UNAVAILABLE')
    expect(failed.message).toBe('A worker process failed to start: This worker is told to fail.')
    expect(await p.exited).toBe(1)
  }, 120_000)

  it('rejects bad parameters', async () => {
    await expect(serveCluster(null as never)).rejects.toMatchObject({ code: 'INVALID_TYPE' })
    await expect(serveCluster({} as never)).rejects.toMatchObject({ code: 'INVALID_TYPE' })
    const start = async () => ({ url: '', stop: async () => {} })
    for (const workers of [0, 1.5, 257, Number.NaN])
      await expect(serveCluster({ start, workers })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(serveCluster({ start, maxRestartsPerMinute: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(serveCluster({ start, onWorkerExit: 1 as never })).rejects.toMatchObject({ code: 'INVALID_TYPE' })
    await expect(serveCluster({ start, onWorkerListening: 1 as never })).rejects.toMatchObject({ code: 'INVALID_TYPE' })
  })
})

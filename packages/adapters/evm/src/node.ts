/**
 * `@medseal/adapter-evm/node`: Node-only helpers. {@link startAnvil} runs a throw-away local EVM node (Foundry's
 * anvil) on 127.0.0.1 for tests, benchmarks and examples. Nothing here is needed in a browser.
 * @module @medseal/adapter-evm/node
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { LedgerError } from '@medseal/core'

/** Options of {@link startAnvil}. */
export type StartAnvilParameters = {
  /**
   * TCP port on 127.0.0.1. When omitted, anvil binds a port the system picks (`--port 0`) and reports it: no other
   * process can take it in between.
   */
  readonly port?: number
  /** Chain id (anvil's default is 31337). */
  readonly chainId?: number
  /** Path of the anvil binary. Default: `$ANVIL_BINARY`, then `@foundry-rs/anvil-linux-amd64`, then `anvil` on PATH. */
  readonly binary?: string
  /** Extra command-line arguments for anvil (e.g. `['--block-time', '1']`). */
  readonly args?: readonly string[]
  /** How long to wait for the node to answer, in milliseconds (default 20,000). */
  readonly readyTimeoutMs?: number
}

/** A running anvil node. */
export type StartAnvilReturnType = {
  /** JSON-RPC endpoint, `http://127.0.0.1:<port>`. */
  readonly rpcUrl: string
  /** The port anvil listens on. */
  readonly port: number
  /** The process id of anvil. */
  readonly pid: number
  /** Stops the node (SIGTERM, then SIGKILL after 5 s) and resolves once the process has exited. Idempotent. */
  stop(): Promise<void>
}

/**
 * The private keys of anvil's ten default accounts (the well-known mnemonic "test test … junk"). Public test keys:
 * never fund them on a real chain.
 */
export const anvilPrivateKeys = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
  '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e',
  '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356',
  '0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97',
  '0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6',
] as const

function resolveBinary(explicit: string | undefined): string {
  if (explicit) return explicit
  const fromEnv = process.env.ANVIL_BINARY
  if (fromEnv) return fromEnv
  try {
    const require = createRequire(import.meta.url)
    const pkg = require.resolve('@foundry-rs/anvil-linux-amd64/package.json')
    const bin = join(dirname(pkg), 'bin', 'anvil')
    if (existsSync(bin)) return bin
  } catch {
    // not installed: fall back to PATH
  }
  return 'anvil'
}

/**
 * Resolves the port anvil reports on stdout (`Listening on 127.0.0.1:<port>`): with `--port 0` the system picks it
 * while anvil binds, so no other process can take it in between. Rejects when anvil exits or fails first.
 */
function listeningPort(child: ChildProcess, failed: Promise<Error>, deadline: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = ''
    const onData = (chunk: Uint8Array) => {
      out = (out + new TextDecoder().decode(chunk)).slice(-4096)
      const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(out)
      if (m) finish(() => resolve(Number(m[1])))
    }
    const timer = setTimeout(
      () => finish(() => reject(new Error('anvil did not report its port in time'))),
      deadline - Date.now(),
    )
    const finish = (settle: () => void) => {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.stdout?.resume() // keep reading its log so anvil never blocks on a full pipe
      settle()
    }
    child.stdout?.on('data', onData)
    failed.then((e) => finish(() => reject(e)))
  })
}

async function answers(rpcUrl: string): Promise<boolean> {
  try {
    const res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    })
    if (!res.ok) return false
    const body = (await res.json()) as { result?: unknown }
    return typeof body.result === 'string'
  } catch {
    return false
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/**
 * Starts anvil on 127.0.0.1 (on a port the system picks as anvil binds it, unless `port` is given) and resolves
 * once it answers JSON-RPC.
 *
 * @param params - {@link StartAnvilParameters}
 * @returns the node's `rpcUrl` and `stop()`
 * @throws {@link LedgerError} `LEDGER_UNAVAILABLE` when anvil cannot be started or does not answer in time
 * @example
 * ```ts
 * import { startAnvil } from '@medseal/adapter-evm/node'
 * const anvil = await startAnvil()
 * try { console.log(anvil.rpcUrl) } finally { await anvil.stop() }
 * ```
 */
export async function startAnvil(params: StartAnvilParameters = {}): Promise<StartAnvilReturnType> {
  const binary = resolveBinary(params.binary)
  const deadline = Date.now() + (params.readyTimeoutMs ?? 20_000)
  // `--port 0` unless a port is given: anvil binds a port the system picks and reports it, so no other process can
  // take the port between choosing and binding it (a picked-then-released port could answer our readiness check)
  const args = ['--host', '127.0.0.1', '--port', String(params.port ?? 0)]
  if (params.chainId !== undefined) args.push('--chain-id', String(params.chainId))
  if (params.args) args.push(...params.args)
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Uint8Array) => {
    if (stderr.length < 4096) stderr += new TextDecoder().decode(chunk)
  })
  const failed = new Promise<Error>((resolve) => {
    child.once('error', (err) => resolve(err))
    child.once('exit', (code, signal) => resolve(new Error(`anvil exited (${code ?? signal})`)))
  })
  let early: Error | undefined
  failed.then((e) => {
    early = e
  })
  try {
    const port = await listeningPort(child, failed, deadline)
    const rpcUrl = `http://127.0.0.1:${port}`
    while (!early && Date.now() < deadline) {
      if (await answers(rpcUrl)) {
        // Never leave a node behind when this process exits without calling stop() (a crashed test run).
        const killOnExit = () => child.kill('SIGKILL')
        process.once('exit', killOnExit)
        let stopping: Promise<void> | undefined
        const stop = () => {
          stopping ??= (async () => {
            process.removeListener('exit', killOnExit)
            if (child.exitCode !== null || child.signalCode !== null) return
            const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
            child.kill('SIGTERM')
            await exited(child)
            clearTimeout(timer)
          })()
          return stopping
        }
        return Object.freeze({ rpcUrl, port, pid: child.pid ?? -1, stop })
      }
      await new Promise((r) => setTimeout(r, 50))
    }
    throw early ?? new Error('anvil did not answer in time')
  } catch (cause) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited(child)
    }
    throw new LedgerError('LEDGER_UNAVAILABLE', 'anvil did not start.', {
      cause,
      metaMessages: [`binary: ${binary}`, ...(stderr ? [`stderr: ${stderr.trim().slice(0, 500)}`] : [])],
    })
  }
}

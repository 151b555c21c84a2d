/**
 * `pnpm --filter @medseal/example-custodian-server start`: starts the custodian service from the environment (see
 * README.md), prints where it listens and what it stores, and stops cleanly on SIGINT or SIGTERM.
 * @module
 */
import { readConfig } from './config.js'
import { startCustodianServer } from './startCustodianServer.js'

async function main(): Promise<void> {
  const config = readConfig()
  const server = await startCustodianServer(config)
  console.log(server.lines.join('\n'))
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`${signal}: stopping…`)
    server.stop().then(
      () => {
        console.log('stopped')
        process.exit(0)
      },
      (err: unknown) => {
        console.error(`stopping failed: ${(err as { shortMessage?: string }).shortMessage ?? 'see the code'}`)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

main().catch((err: unknown) => {
  // the SDK's short message and code only: never a stack with paths, never a URL that may carry credentials
  const e = err as { shortMessage?: string; code?: string; message?: string; name?: string }
  console.error(
    `custodian server failed to start: ${e.shortMessage ?? (e.name === 'RangeError' ? e.message : 'unexpected error')}${e.code ? ` (${e.code})` : ''}`,
  )
  process.exit(1)
})

// Child process for the SHL store's kill -9 test (run with tsx by `startWorker`): on a PGlite directory, spends link
// A's passcode attempts until it is disabled, reserves one attempt of link B without settling it, prints one JSON
// line after each (what a caller was told), then waits to be killed.

import { openPgliteDirectory } from '../../src/node/openPgliteDirectory.js'
import { createPostgresShlStore } from '../../src/stores/shlStore.js'

const config = JSON.parse(process.env.MEDSEAL_FAULT_CONFIG ?? '{}') as { dir: string }
const db = await openPgliteDirectory({ dataDir: config.dir })
const store = await createPostgresShlStore({ db })
const base = {
  token: 'msc1.fixture',
  consentId: `0x${'ab'.repeat(32)}`,
  grantor: '0x1111111111111111111111111111111111111111',
  grantee: '0x2222222222222222222222222222222222222222',
  files: [],
  disabled: false,
} as const
const ack = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`)
await store.insert({ ...base, id: 'A'.repeat(43), attemptsLeft: 2 })
await store.insert({ ...base, id: 'B'.repeat(43), attemptsLeft: 3 })
for (let i = 0; i < 2; i++) {
  const left = await store.takeAttempt('A'.repeat(43))
  await store.settleAttempt('A'.repeat(43), false)
  ack({ op: 'wrong', left })
}
ack({ op: 'reserved', left: await store.takeAttempt('B'.repeat(43)) })
setInterval(() => {}, 60_000)

/**
 * The 1 MiB seal beside its floor (issue 18: a seal ≥ 80 % of the AES-256-GCM pass): `sealCanonical` of ~1 MiB of
 * canonical bytes to one HPKE recipient (envelope version 3: AES-256-GCM ∥ SHA-256), the same seal as
 * version 2 (three passes: AES-256-GCM over a salt || canonical copy, HMAC-SHA256, SHA-256), each with the default
 * backend (WebCrypto passes, WebCrypto/@noble HPKE) and with `createNativeSealBackend()` (node:crypto on the calling
 * thread; v3 also with `cipher: 'webcrypto'`: WebCrypto's AES on the thread pool beside node:crypto SHA-256 and wrap,
 * and with `hash: 'helper-thread'`: node:crypto's AES and the wrap on the calling thread beside SHA-256 on a helper), and WebCrypto AES-256-GCM alone on the same bytes (a key imported once, no other pass: the limit, measured
 * as before), in rounds that take turns so that load hits all alike. Also each other pass alone (HMAC-SHA256,
 * SHA-256 on WebCrypto; AES-256-GCM and SHA-256 on node:crypto). `pnpm bench "seal 1 MiB"`;
 * `BENCH_SEAL_1MIB_ROUNDS` (default 60).
 */
import { defineBench } from '../../../../scripts/bench/harness.js'
import { canonicalizeToBytes } from '../canonical/canonicalize.js'
import { testParty } from './_testParties.js'
import { bigValue } from './_testPayloads.js'
import { createNativeSealBackend } from './createNativeSealBackend.js'
import { sealCanonical } from './seal.js'

defineBench('seal 1 MiB', async (ctx) => {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}
  const rounds = Number(env.BENCH_SEAL_1MIB_ROUNDS ?? 60)
  const subtle = globalThis.crypto.subtle
  const big = canonicalizeToBytes(bigValue)
  const one = [testParty()]
  const iv = new Uint8Array(12)
  const aesKey = await subtle.importKey('raw', new Uint8Array(32).fill(1), 'AES-GCM', false, ['encrypt'])
  const hmacKey = await subtle.importKey('raw', new Uint8Array(32).fill(2), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ])
  const backend = createNativeSealBackend()
  const overlapped = createNativeSealBackend({ cipher: 'webcrypto' })
  const hashThread = createNativeSealBackend({ hash: 'helper-thread' })
  const threeThreads = createNativeSealBackend({ hash: 'helper-thread', cipher: 'webcrypto' })
  if (!backend || !overlapped || !hashThread || !threeThreads)
    throw new Error('createNativeSealBackend() found no node:crypto')
  const nodeCrypto = await import('node:crypto')
  const rawKey = new Uint8Array(32).fill(1)
  const contenders: [string, () => Promise<unknown>, string | undefined][] = [
    [
      'seal ~1 MiB canonical bytes (sealCanonical, 1 recipient, envelope v3, default backend: WebCrypto)',
      () => sealCanonical(big, { recipients: one, version: 3 }),
      undefined,
    ],
    [
      'seal ~1 MiB canonical bytes (sealCanonical, 1 recipient, envelope v2: three passes, default backend: WebCrypto)',
      () => sealCanonical(big, { recipients: one, version: 2 }),
      undefined,
    ],
    [
      'WebCrypto AES-256-GCM encrypt alone, ~1 MiB',
      () => subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, big),
      'WebCrypto AES-256-GCM (the limit)',
    ],
    [
      'seal ~1 MiB canonical bytes (sealCanonical, 1 recipient, envelope v3, createNativeSealBackend: node:crypto)',
      () => sealCanonical(big, { recipients: one, version: 3, backend }),
      undefined,
    ],
    [
      'seal ~1 MiB canonical bytes (sealCanonical, 1 recipient, envelope v2, createNativeSealBackend: node:crypto)',
      () => sealCanonical(big, { recipients: one, version: 2, backend }),
      undefined,
    ],
    [
      'seal ~1 MiB canonical bytes (sealCanonical, 1 recipient, envelope v3, createNativeSealBackend({ cipher: "webcrypto" }): WebCrypto AES ∥ node:crypto SHA-256 + wrap)',
      () => sealCanonical(big, { recipients: one, version: 3, backend: overlapped }),
      undefined,
    ],
    [
      'seal ~1 MiB canonical bytes (sealCanonical, 1 recipient, envelope v3, createNativeSealBackend({ hash: "helper-thread" }): node:crypto AES + wrap ∥ SHA-256 on a helper thread)',
      () => sealCanonical(big, { recipients: one, version: 3, backend: hashThread }),
      undefined,
    ],
    [
      'seal ~1 MiB canonical bytes (sealCanonical, 1 recipient, envelope v3, createNativeSealBackend({ hash: "helper-thread", cipher: "webcrypto" }): WebCrypto AES ∥ SHA-256 on a helper thread ∥ wrap)',
      () => sealCanonical(big, { recipients: one, version: 3, backend: threeThreads }),
      undefined,
    ],
    ['WebCrypto HMAC-SHA256 alone, ~1 MiB', () => subtle.sign('HMAC', hmacKey, big), 'WebCrypto HMAC-SHA256'],
    ['WebCrypto SHA-256 alone, ~1 MiB', () => subtle.digest('SHA-256', big), 'WebCrypto SHA-256'],
    [
      'node:crypto AES-256-GCM encrypt alone, ~1 MiB (key set up per call, as a seal does)',
      async () => {
        const c = nodeCrypto.createCipheriv('aes-256-gcm', rawKey, iv, { authTagLength: 16 })
        const body = c.update(big)
        c.final()
        return [body, c.getAuthTag()]
      },
      'node:crypto AES-256-GCM',
    ],
    [
      'node:crypto SHA-256 alone, ~1 MiB',
      async () => nodeCrypto.createHash('sha256').update(big).digest(),
      'node:crypto SHA-256',
    ],
  ]
  // CPU time of the whole process (every thread: WebCrypto's passes run on Node's thread pool), where the platform
  // reports it: on a loaded machine the wall-clock ratio mostly counts how often each contender waits to be scheduled
  // (a seal awaits several WebCrypto round trips, the AES pass one), the CPU ratio the work itself.
  const cpuUsage = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage
  const cpuMs = () => {
    const u = cpuUsage?.()
    return u ? (u.user + u.system) / 1e3 : 0
  }
  const spent = contenders.map(() => 0)
  const cpu = contenders.map(() => 0)
  for (let i = 0; i < rounds + 3; i++)
    for (let k = 0; k < contenders.length; k++) {
      const t = performance.now()
      const c = cpuMs()
      for (let j = 0; j < 2; j++) await (contenders[k] as (typeof contenders)[number])[1]()
      if (i >= 3) {
        // 3 rounds of warm-up
        spent[k] = (spent[k] as number) + performance.now() - t
        cpu[k] = (cpu[k] as number) + cpuMs() - c
      }
    }
  contenders.forEach(([name, , peer], k) => {
    ctx.record({
      name: `${name} (interleaved)`,
      value: (big.length * rounds * 2) / 1e3 / (spent[k] as number),
      unit: 'MB/s',
      ...(peer ? { peer } : {}),
    })
  })
  // contenders: 0 seal v3, 1 seal v2 (default backend), 2 WebCrypto AES-256-GCM alone, 3 seal v3, 4 seal v2 (native
  // backend), 5 seal v3 (native backend, cipher: 'webcrypto'), 6 seal v3 (native backend, hash: 'helper-thread'),
  // 7 seal v3 (both), 10 node:crypto AES-256-GCM alone
  const shares: [string, number, number][] = [
    ['v3, default backend', 0, 2],
    ['v2, default backend', 1, 2],
    ['v3, createNativeSealBackend', 3, 2],
    ['v2, createNativeSealBackend', 4, 2],
    ["v3, createNativeSealBackend({ cipher: 'webcrypto' })", 5, 2],
    ["v3, createNativeSealBackend({ hash: 'helper-thread' })", 6, 2],
    ["v3, createNativeSealBackend({ hash: 'helper-thread', cipher: 'webcrypto' })", 7, 2],
    ['v3, createNativeSealBackend; of node:crypto AES-256-GCM alone instead', 3, 10],
    ["v3, createNativeSealBackend({ hash: 'helper-thread' }); of node:crypto AES-256-GCM alone instead", 6, 10],
  ]
  for (const [label, seal, limit] of shares)
    ctx.record({
      name: `seal ~1 MiB (${label}): share of the ${limit === 2 ? 'WebCrypto ' : 'node:crypto '}AES-256-GCM pass alone (interleaved)`,
      value: (100 * (spent[limit] as number)) / (spent[seal] as number),
      unit: '%',
    })
  if (cpuUsage)
    contenders.forEach(([name], k) => {
      ctx.record({
        name: `${name}: CPU per operation, all threads`,
        value: (cpu[k] as number) / (rounds * 2),
        unit: 'ms',
      })
    })
})

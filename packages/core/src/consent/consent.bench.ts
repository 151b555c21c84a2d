/**
 * Consent tokens: EIP-712 sign and verify against viem (same run, same machine), and `authorize` decisions per
 * second on the memory adapter holding 10^5 registered grants (set BENCH_CONSENT_GRANTS to change the count).
 */
import { verifyTypedData } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { defineBench } from '../../../../scripts/bench/harness.js'
import { bytesToHex0x } from '../bytes/index.js'
import { createSaltedDomain } from '../eip712/structures.js'
import { createParty } from '../identity/createParty.js'
import type { LedgerAdapter } from '../ledger/types.js'
import type { Hex } from '../types.js'
import { authorize } from './authorize.js'
import { decodeConsentToken, encodeConsentToken } from './consentToken.js'
import { createConsent } from './createConsent.js'
import { consentTypes } from './types.js'
import { createConsentToken, verifyConsent } from './verifyConsent.js'

/** The memory adapter's sources, loaded at run time (core cannot depend on the adapter, which depends on core). */
const MEMORY_ADAPTER = new URL('../../../adapters/memory/src/index.ts', import.meta.url).href
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}

const T0 = 1_700_000_000
const VIEM = 'viem@2.57.20'
const seed = (n: number) => new Uint8Array(32).fill(n)

defineBench('consent tokens', async (ctx) => {
  const domain = createSaltedDomain('memory:bench')
  const patient = createParty({ seed: seed(1) })
  const doctor = createParty({ seed: seed(2) })
  const consent = createConsent({
    grantor: patient,
    grantee: doctor,
    resourceTypes: ['Observation', 'Condition'],
    exclude: ['PSY'],
    actions: ['read'],
    purposes: ['TREAT'],
    notBefore: T0,
    durationSeconds: 3600,
  })
  // viem signs with the same key: derive it the way viem wants it (a raw private key); a fixed test key.
  const account = privateKeyToAccount(`0x${'11'.repeat(32)}`)
  const viemConsent = { ...consent, grantor: account.address }
  const message = { ...viemConsent, notBefore: BigInt(consent.notBefore), expiresAt: BigInt(consent.expiresAt) }
  const typed = { domain, types: consentTypes, primaryType: 'Consent' as const, message } as never

  await ctx.ops('consent: sign (createConsentToken)', () => createConsentToken(patient, domain, consent))
  await ctx.ops('consent: sign (viem account.signTypedData)', () => account.signTypedData(typed), { peer: VIEM })

  const token = createConsentToken(patient, domain, consent)
  const viemSignature = (await account.signTypedData(typed)) as Hex
  await ctx.ops('consent: verify (verifyConsent)', () => verifyConsent(domain, token))
  await ctx.ops(
    'consent: verify (viem verifyTypedData)',
    () =>
      verifyTypedData({ ...(typed as object), address: account.address, signature: viemSignature } as Parameters<
        typeof verifyTypedData
      >[0]),
    { peer: VIEM },
  )
  const compact = encodeConsentToken(token)
  await ctx.ops('consent: encodeConsentToken', () => encodeConsentToken(token))
  await ctx.ops('consent: decodeConsentToken', () => decodeConsentToken(compact))
  ctx.record({ name: 'consent: compact token length (1 type, 1 label)', value: compact.length, unit: 'chars' })
})

defineBench('consent authorize', async (ctx) => {
  const grants = Number(env.BENCH_CONSENT_GRANTS ?? 100_000)
  const { createMemoryLedger } = (await import(/* @vite-ignore */ MEMORY_ADAPTER)) as {
    createMemoryLedger: (params: { id: string; now: () => number }) => LedgerAdapter
  }
  let now = T0
  const ledger = createMemoryLedger({ id: 'bench-authorize', now: () => now })
  const patients = Array.from({ length: 16 }, (_, i) => createParty({ seed: seed(10 + i) }))
  const doctors = Array.from({ length: 16 }, (_, i) => createParty({ seed: seed(40 + i) }))
  const ids: Hex[] = []
  const start = performance.now()
  for (let i = 0; i < grants; i++) {
    const p = patients[i % patients.length]!
    const d = doctors[(i >> 4) % doctors.length]!
    const token = createConsentToken(
      p,
      ledger.domain,
      createConsent({
        grantor: p,
        grantee: d,
        resourceTypes: ['Observation'],
        actions: ['read'],
        purposes: ['TREAT'],
        notBefore: T0,
        durationSeconds: 365 * 86_400,
      }),
    )
    await ledger.registerConsent({ consent: token.consent, signature: token.signature })
    ids.push(token.consent.id)
  }
  const seconds = (performance.now() - start) / 1000
  ctx.record({
    name: `consent: sign + register ${grants} grants (memory ledger)`,
    value: grants / seconds,
    unit: 'grants/s',
  })
  now = T0 + 60
  // the host clock agrees with the ledger's (authorize decides by both)
  const host = { now: () => now * 1000 }
  let i = 0
  const commitment = bytesToHex0x(new Uint8Array(32).fill(7))
  const record = (owner: Hex) => ({ commitment, resourceType: 'Observation', labels: [], owner })
  await ctx.ops(`consent: authorize, permit (${grants} grants stored)`, async () => {
    const n = (i++ * 7919) % grants
    const p = patients[n % patients.length]!
    const d = await authorize(
      ledger,
      {
        consentId: ids[n]!,
        grantor: p,
        grantee: doctors[(n >> 4) % doctors.length]!,
        action: 'read',
        purpose: 'TREAT',
        record: record(p.address),
      },
      host,
    )
    if (!d.allowed) throw new Error(`unexpected denial ${d.reason}`)
  })
  const p0 = patients[0]!
  await ctx.ops(`consent: authorize, deny CONSENT_NOT_FOUND (${grants} grants stored)`, async () => {
    const d = await authorize(
      ledger,
      {
        consentId: `0x${'ee'.repeat(32)}`,
        grantor: p0,
        grantee: doctors[0]!,
        action: 'read',
        purpose: 'TREAT',
        record: record(p0.address),
      },
      host,
    )
    if (d.allowed) throw new Error('unexpected permit')
  })
})

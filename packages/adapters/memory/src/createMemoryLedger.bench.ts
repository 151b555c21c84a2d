/**
 * Memory ledger throughput: anchoring, consent registration (EIP-712 hashing + ecrecover dominate), lookups,
 * listing, and the file-backed ledger's crash-safe writes (one fsync + rename per write).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Consent, consentKey, createParty, randomBytes, signConsent } from '@medseal/core'
import { readConsent } from '@medseal/core/testing'
import { defineBench } from '../../../../scripts/bench/harness.js'
import { createMemoryLedger } from './index.js'
import { createFileLedger } from './node.js'

const T0 = 1_700_000_000
const patient = createParty({ seed: new Uint8Array(32).fill(1) })
const clinician = createParty({ seed: new Uint8Array(32).fill(2) })
const consent = (): Consent => readConsent({ grantor: patient.address, grantee: clinician.address, notBefore: T0 })

defineBench('adapter-memory', async (ctx) => {
  const ledger = createMemoryLedger({ now: () => T0 })
  await ctx.ops('memory ledger: anchorRoot (new root)', () =>
    ledger.anchorRoot({ root: randomBytes(32), treeSize: 1000, kind: 'records' }),
  )
  const known = randomBytes(32)
  await ledger.anchorRoot({ root: known, treeSize: 1, kind: 'records' })
  await ctx.ops('memory ledger: anchorRoot (idempotent repeat)', () =>
    ledger.anchorRoot({ root: known, treeSize: 1, kind: 'records' }),
  )
  await ctx.ops('memory ledger: getAnchor', () => ledger.getAnchor({ root: known, treeSize: 1, kind: 'records' }))

  const presigned = Array.from({ length: 2000 }, () => signConsent(patient, ledger.domain, consent()))
  let i = 0
  await ctx.ops('memory ledger: registerConsent (verify + store)', () => {
    const s = presigned[i++ % presigned.length]!
    return ledger.registerConsent(s)
  })
  const someKey = consentKey(presigned[0]!.consent.grantor, presigned[0]!.consent.id)
  await ctx.ops('memory ledger: getConsent', () => ledger.getConsent(someKey))
  await ctx.ops('memory ledger: listConsents (page of 100)', () => ledger.listConsents({ limit: 100 }))

  const dir = mkdtempSync(join(tmpdir(), 'medseal-bench-'))
  try {
    for (const size of [0, 1000]) {
      const file = createFileLedger({ path: join(dir, `ledger-${size}.json`), now: () => T0 })
      for (let n = 0; n < size; n++) await file.anchorRoot({ root: randomBytes(32), treeSize: 1, kind: 'records' })
      await ctx.ops(
        `file ledger: anchorRoot, fsync + rename (starting at ${size} writes)`,
        () => file.anchorRoot({ root: randomBytes(32), treeSize: 1, kind: 'records' }),
        { timeMs: 1500 },
      )
      file.close()
    }
    // opening replays and re-verifies every stored write (an ecrecover per signed structure)
    const path = join(dir, 'replay.json')
    const seeded = createFileLedger({ path, now: () => T0 })
    for (let n = 0; n < 1000; n++) await seeded.anchorRoot({ root: randomBytes(32), treeSize: 1, kind: 'records' })
    for (const s of presigned.slice(0, 100))
      await seeded.registerConsent(signConsent(patient, seeded.domain, s.consent))
    seeded.close()
    await ctx.micros(
      'file ledger: open 1,000 anchors + 100 consents (replay + verify)',
      () => createFileLedger({ path, now: () => T0 }).close(),
      { timeMs: 3000 },
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

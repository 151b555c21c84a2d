/**
 * The page `kill.test.ts` drives (built by Vite, served on 127.0.0.1, in Debian's Chromium with a persistent
 * profile): `work(run)` runs a real custodian over `@medseal/store-indexeddb` (its records, releases and access log
 * in IndexedDB) and releases keys until the browser is killed, telling the test after each release it saw;
 * `verify(run)` reads what the stores kept, after a restart.
 * @internal
 * @module
 */
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  accessLogBorderKeys,
  bytesToHex,
  consentKey,
  createAccessLog,
  createCustodian,
  createParty,
  decodeAccessEvent,
  emptyRoot,
  equalBytes,
  leafHash,
  merkleRoot,
  nodeHash,
} from '@medseal/core'
import { depositAndGrant } from '@medseal/core/testing'
import { createIndexedDbAccessLogStore, createIndexedDbCustodianStore, openIndexedDb } from '../index.js'

/** What the page tells the test (through `exposeFunction`). */
export type KillReport =
  | { readonly kind: 'start'; readonly run: number; readonly consentKey: string }
  | { readonly kind: 'release'; readonly run: number; readonly count: number }
  | { readonly kind: 'head'; readonly run: number; readonly size: number; readonly root: string }

declare global {
  interface Window {
    report(r: KillReport): Promise<void>
    harness: {
      work(run: number): Promise<never>
      verify(
        run: number,
        consentKey: string,
        sizes: readonly number[],
      ): Promise<{
        size: number
        permits: number
        releases: number
        rootMatchesNodes: boolean
        leafHashesMatch: boolean
        roots: string[]
      }>
    }
  }
}

const DB = 'medseal-kill'

async function work(run: number): Promise<never> {
  const db = await openIndexedDb({ name: DB })
  const ledger = createMemoryLedger({ id: `kill-${run}` })
  const [patient, doctor, operator] = [createParty(), createParty(), createParty()]
  const log = await createAccessLog({
    operator,
    ledger,
    name: 'kill',
    store: createIndexedDbAccessLogStore({ db, log: `log-${run}` }),
  })
  const custodian = createCustodian({
    party: operator,
    ledger,
    log,
    store: createIndexedDbCustodianStore({ db, scope: `run-${run}` }),
  })
  const { token, keyRequest } = await depositAndGrant(ledger, {
    custodian,
    patient,
    grantee: doctor,
    record: { resourceType: 'Observation', id: `o-${run}`, status: 'final', code: { text: 'synthetic' } },
  })
  await window.report({ kind: 'start', run, consentKey: consentKey(patient.address, token.consent.id) })
  for (let count = 1; ; count++) {
    await custodian.releaseKey(await keyRequest())
    // the key was handed out: the client saw this release
    await window.report({ kind: 'release', run, count })
    if (count % 5 === 0) {
      const size = log.size
      await window.report({ kind: 'head', run, size, root: bytesToHex(await log.root(size)) })
    }
  }
}

async function verify(run: number, key: string, sizes: readonly number[]) {
  const db = await openIndexedDb({ name: DB })
  try {
    const store = createIndexedDbAccessLogStore({ db, log: `log-${run}` })
    const size = await store.size()
    const leaves: Uint8Array[] = []
    let permits = 0
    let leafHashesMatch = true
    for (let i = 0; i < size; i++) {
      const e = await store.get(i)
      if (!e) throw new Error(`entry ${i} of ${size} is missing`)
      leafHashesMatch &&= equalBytes(leafHash(e.leafData), e.leafHash)
      const event = decodeAccessEvent(e.leafData)
      if (event.action === 'read' && event.outcome === 'permit') permits++
      leaves.push(e.leafData)
    }
    // the root from the stored tree nodes (what an open log serves) against the root of the entries themselves
    const border = await store.getNodes(accessLogBorderKeys(size))
    let fromNodes = size === 0 ? emptyRoot() : (border[border.length - 1] as Uint8Array)
    for (let i = border.length - 2; i >= 0; i--) fromNodes = nodeHash(border[i] as Uint8Array, fromNodes)
    const releases = await createIndexedDbCustodianStore({ db, scope: `run-${run}` }).listReleases(key as never)
    return {
      size,
      permits,
      releases: releases.length,
      rootMatchesNodes: equalBytes(fromNodes, merkleRoot(leaves)),
      leafHashesMatch,
      roots: sizes.map((n) => bytesToHex(merkleRoot(leaves.slice(0, n)))),
    }
  } finally {
    db.close()
  }
}

window.harness = { work, verify }

/**
 * The portal's page: plain DOM, every value written with `textContent` (never HTML). Stable `data-testid`s are what
 * the end-to-end test drives.
 * @module
 */

import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  type Address,
  decodeConsentToken,
  InvalidArgumentError,
  isAddress,
  isSdkError,
  type LedgerAdapter,
  type LedgerRef,
} from '@medseal/core'
import {
  createIndexedDbAccessLogStore,
  createIndexedDbAnchorStore,
  createIndexedDbCustodianStore,
  createIndexedDbSyncCheckpointStore,
  openIndexedDb,
} from '@medseal/store-indexeddb'
import { openGrantStore } from './grantStore.js'
import { openKeyStore } from './keystore.js'
import { type LedgerSnapshotStore, openLedgerSnapshotStore } from './ledgerSnapshotStore.js'
import { createPortal, type Portal, type PortalLogRow, type ReadOutcome } from './portal.js'
import { openPortalDb } from './portalDb.js'

type Attrs = Record<string, string | undefined>

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | undefined)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, v)
  for (const c of children) if (c !== undefined) el.append(c)
  return el
}

const $ = <T extends HTMLElement = HTMLElement>(testid: string) =>
  document.querySelector(`[data-testid="${testid}"]`) as T

const short = (hex: string, n = 10) => (hex.length > 2 * n + 3 ? `${hex.slice(0, n + 2)}…${hex.slice(-n)}` : hex)
const time = (unix: number) => new Date(unix * 1000).toISOString().replace('.000Z', 'Z')
const refText = (ref: LedgerRef) => `${ref.ledger} · block ${ref.block} · tx ${short(ref.tx, 8)}`

/** A failure as the status line shows it: the SDK's code and short message (never a stack, a key or a record). */
const failure = (err: unknown) =>
  isSdkError(err)
    ? `Failed: ${err.code}: ${err.shortMessage}`
    : `Failed: ${err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]}` : 'error'}`

function setStatus(text: string, ready?: boolean) {
  const el = $('app-status')
  el.textContent = text
  if (ready !== undefined) el.dataset.ready = String(ready)
}

async function chooseLedger(
  portalDb: IDBDatabase,
): Promise<{ ledger: LedgerAdapter; kind: 'memory' | 'evm'; snapshot?: LedgerSnapshotStore }> {
  const q = new URLSearchParams(location.search)
  const rpc = q.get('rpc')?.trim()
  const registry = q.get('registry')?.trim()
  ;($('rpc-input') as HTMLInputElement).value = rpc ?? ''
  ;($('registry-input') as HTMLInputElement).value = registry ?? ''
  if (!rpc) {
    // the in-tab ledger keeps its state in IndexedDB too, so that receipts and consents still verify after a reload
    const snapshot = await openLedgerSnapshotStore(portalDb, 'patient-portal')
    return { ledger: createMemoryLedger({ id: 'patient-portal', store: snapshot }), kind: 'memory', snapshot }
  }
  const url = new URL(rpc)
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'The RPC URL must be http(s).')
  if (!registry || !isAddress(registry))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'Give the MedsealRegistry address as ?registry=0x….')
  const { connectEvmLedger } = await import('./evmLedger.js')
  return { ledger: await connectEvmLedger({ rpcUrl: url.href, registry: registry as Address }), kind: 'evm' }
}

function renderRecords(portal: Portal) {
  const body = $('records-body')
  body.replaceChildren(
    ...portal.records.map((r, i) =>
      h(
        'tr',
        { 'data-testid': 'record-row', 'data-index': String(i), 'data-status': r.verified ? 'verified' : 'failed' },
        h('td', {}, r.resourceType),
        h('td', {}, r.label),
        h(
          'td',
          { 'data-testid': 'record-status', class: r.verified ? 'ok' : 'bad' },
          r.verified ? '✔ anchored, receipt verified' : `✘ ${r.error}`,
        ),
        h('td', { class: 'mono', title: r.receipt.root }, short(r.receipt.root)),
        h('td', { class: 'mono' }, r.verified ? refText(r.verified.anchoredAt) : ''),
        h('td', {}, r.verified ? time(r.verified.anchoredAt.timestamp) : ''),
      ),
    ),
  )
  const doctorList = $('doctor-records')
  doctorList.replaceChildren(
    ...portal.records.map((r, i) =>
      h(
        'li',
        {},
        h('button', { type: 'button', 'data-testid': `doctor-read-${i}`, 'data-commitment': r.commitment }, 'Read'),
        ` ${r.resourceType} · commitment `,
        h('span', { class: 'mono' }, short(r.commitment)),
      ),
    ),
  )
}

function renderGrant(portal: Portal, expiresAt?: number) {
  const status = $('grant-status')
  if (!portal.grant) {
    status.textContent = 'No access granted.'
    status.dataset.state = 'none'
  } else if (portal.revoked) {
    status.textContent = 'Access revoked (revocation signed and registered on the ledger; custodian purged).'
    status.dataset.state = 'revoked'
  } else {
    status.textContent = `Access granted to ${short(portal.doctor.address)} for treatment${
      expiresAt ? `, until ${time(expiresAt)}` : ''
    }.`
    status.dataset.state = 'granted'
  }
  $('grant-token').textContent = portal.grant ?? '—'
  ;($('revoke') as HTMLButtonElement).disabled = !portal.grant || portal.revoked
}

function renderLog(rows: PortalLogRow[], anchored: LedgerRef | undefined, exact: boolean | undefined, portal: Portal) {
  const who = (a: string) => {
    const x = a.toLowerCase()
    if (x === portal.doctor.address.toLowerCase()) return 'Doctor'
    if (x === portal.patient.address.toLowerCase()) return 'Patient'
    return short(a)
  }
  $('log-head').textContent = anchored
    ? `Signed head of ${rows.length} events, ${exact ? 'anchored as is' : 'consistent with the anchored head'}: ${refText(anchored)} at ${time(anchored.timestamp)}`
    : rows.length === 0
      ? 'No access yet.'
      : 'The signed head could not be checked against the ledger.'
  $('log-body').replaceChildren(
    ...rows.map((r) =>
      h(
        'tr',
        {
          'data-testid': 'log-row',
          'data-outcome': r.event.outcome,
          'data-status': r.status,
          'data-reason': r.event.reason,
        },
        h('td', {}, String(r.index)),
        h('td', {}, time(r.event.at)),
        h('td', {}, who(r.event.actor)),
        h('td', {}, `${r.event.action} (${r.event.purpose})`),
        h('td', { class: 'mono' }, short(r.event.commitment)),
        h('td', { class: r.event.outcome === 'permit' ? 'ok' : 'bad' }, r.event.outcome),
        h('td', {}, r.event.reason ?? ''),
        h(
          'td',
          { 'data-testid': 'log-verification', class: r.status === 'verified' ? 'ok' : 'bad' },
          r.status === 'verified' ? `✔ included in signed head (size ${r.treeSize})` : `✘ ${r.error}`,
        ),
      ),
    ),
  )
}

function renderRead(outcome: ReadOutcome) {
  const el = $('doctor-result')
  el.dataset.outcome = outcome.ok ? 'permit' : 'deny'
  if (outcome.ok) {
    el.replaceChildren(
      h('p', { class: 'ok' }, `✔ Released by the custodian and opened: ${String(outcome.resource.resourceType)}`),
      h('pre', { 'data-testid': 'doctor-resource' }, JSON.stringify(outcome.resource, null, 2)),
    )
  } else {
    el.replaceChildren(
      h('p', { class: 'bad' }, '✘ Refused: ', h('code', { 'data-testid': 'doctor-error-code' }, outcome.code)),
      h('p', {}, outcome.message),
    )
  }
}

function showView(view: 'patient' | 'doctor') {
  $('view-patient').hidden = view !== 'patient'
  $('view-doctor').hidden = view !== 'doctor'
  $('tab-patient').classList.toggle('active', view === 'patient')
  $('tab-doctor').classList.toggle('active', view === 'doctor')
}

async function main() {
  setStatus('Loading keys…', false)
  $('tab-patient').addEventListener('click', () => showView('patient'))
  $('tab-doctor').addEventListener('click', () => showView('doctor'))
  showView(location.hash === '#doctor' ? 'doctor' : 'patient')

  const keys = await openKeyStore()
  const [{ party: patient, created }, { party: doctor }, { party: operator }] = [
    await keys.loadParty('patient'),
    await keys.loadParty('doctor'),
    await keys.loadParty('custodian'),
  ]
  const info = await keys.describe()
  $('key-notice').textContent =
    `Your keys live in this browser: the seed is stored in IndexedDB encrypted with an ${info.algorithm} key that ` +
    `WebCrypto generated as ${info.extractable ? 'EXTRACTABLE (unexpected)' : 'non-extractable'} — non-extractable ` +
    `where WebCrypto allows: script can use it, never read it. It does not guard against code running on this ` +
    `page or anyone who can read this browser profile's files. ${created ? 'New keys were created.' : 'Keys loaded.'}`
  $('key-notice').dataset.extractable = String(info.extractable)
  $('patient-address').textContent = patient.address
  $('doctor-address').textContent = doctor.address

  setStatus('Connecting to the ledger…')
  const portalDb = await openPortalDb()
  const { ledger, kind, snapshot } = await chooseLedger(portalDb)
  $('ledger-id').textContent = `${kind === 'memory' ? 'memory ledger (in this tab)' : 'EVM'} · ${ledger.ledgerId}`
  $('ledger-id').dataset.kind = kind

  setStatus('Opening the records…')
  // The custodian (a hospital or vendor service in a real deployment) runs in this tab too: its party is in the key
  // store, its records, key releases and access log in an IndexedDB database of this ledger.
  const db = await openIndexedDb({ name: `medseal-patient-portal:${ledger.ledgerId}` })
  const persisted = async () => {
    await snapshot?.flush()
  }
  const portal = await createPortal(ledger, {
    patient,
    doctor,
    operator,
    stores: {
      accessLog: createIndexedDbAccessLogStore({ db, log: 'patient-portal-access' }),
      custodian: createIndexedDbCustodianStore({ db }),
      anchor: createIndexedDbAnchorStore({ db }),
      records: createIndexedDbSyncCheckpointStore({ db, scope: 'patient-records' }),
      grants: openGrantStore(portalDb, ledger.ledgerId),
      persisted,
    },
  })
  renderRecords(portal)
  const stored = portal.grant ? decodeConsentToken(portal.grant) : undefined
  renderGrant(portal, stored?.consent.expiresAt)
  if (portal.grant && !portal.revoked) ($('doctor-token') as HTMLTextAreaElement).value = portal.grant

  const busy = async (label: string, fn: () => Promise<void>) => {
    setStatus(label, false)
    try {
      await fn()
      await persisted() // "Ready." only once what the page shows is on disk
      setStatus('Ready.', true)
    } catch (err) {
      setStatus(failure(err), true)
    }
  }
  const refreshLog = async () => {
    const { rows, anchored, exact } = await portal.verifyLog()
    renderLog(rows, anchored, exact, portal)
  }

  $('grant').addEventListener('click', () =>
    busy('Signing and registering the consent…', async () => {
      const types = [...document.querySelectorAll<HTMLInputElement>('input[name="rtype"]:checked')].map((i) => i.value)
      const hours = Number(($('grant-hours') as HTMLSelectElement).value)
      const token = await portal.grantAccess({ resourceTypes: types, durationSeconds: hours * 3600 })
      renderGrant(portal, token.consent.expiresAt)
      ;($('doctor-token') as HTMLTextAreaElement).value = portal.grant ?? ''
    }),
  )
  $('revoke').addEventListener('click', () =>
    busy('Signing and registering the revocation…', async () => {
      await portal.revokeAccess()
      renderGrant(portal)
    }),
  )
  $('verify-log').addEventListener('click', () => busy('Verifying the access log…', refreshLog))
  $('doctor-records').addEventListener('click', (e) => {
    const button = (e.target as HTMLElement).closest('button')
    const commitment = button?.dataset.commitment
    if (!commitment) return
    void busy('Asking the custodian for the key…', async () => {
      const token = ($('doctor-token') as HTMLTextAreaElement).value.trim()
      renderRead(await portal.doctorRead(commitment as `0x${string}`, token))
      await refreshLog()
    })
  })
  $('connect').addEventListener('submit', (e) => {
    e.preventDefault()
    const rpc = ($('rpc-input') as HTMLInputElement).value.trim()
    const registry = ($('registry-input') as HTMLInputElement).value.trim()
    const q = new URLSearchParams(rpc ? { rpc, registry } : {})
    location.search = q.toString()
  })
  setStatus('Ready.', true)
}

main().catch((err) => setStatus(failure(err), true))

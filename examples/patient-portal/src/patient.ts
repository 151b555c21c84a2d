/**
 * The patient app's page: plain DOM, every value written with `textContent` (never HTML). Stable `data-testid`s are
 * what the end-to-end test drives.
 * @module
 */
import type { Address, Hex } from '@medseal/core'
import { createIndexedDbAnchorStore, createIndexedDbSyncCheckpointStore, openIndexedDb } from '@medseal/store-indexeddb'
import { connect } from './connect.js'
import type { ListStore } from './grantStore.js'
import { openClinicianStore, openGrantStore } from './grantStore.js'
import { healthCardFor } from './healthCards.js'
import { createLink, openLinkStore, revokeLink, type StoredLink } from './healthLinks.js'
import { openKeyStore } from './keystore.js'
import {
  createPatientApp,
  type PatientApp,
  type PatientGrant,
  type PatientLogReport,
  type PatientLogRow,
} from './patientApp.js'
import { openPortalDb } from './portalDb.js'
import { modulesSvg, qrSvg, shareLink } from './share.js'
import { KIND_NAMES, kindOf, plainTime } from './summaries.js'
import { $, busy, detailsList, h, rpcUrl, serviceUrl, setOffline, setStatus, showError } from './ui.js'

const PURPOSES: Record<string, string> = {
  TREAT: 'for treatment',
  ETREAT: 'in an emergency',
  PATRQT: 'through a link you shared',
}

const REASONS: Record<string, string> = {
  CONSENT_REVOKED: 'you had revoked the access',
  CONSENT_EXPIRED: 'the access had expired',
  CONSENT_GRANTEE: 'you had not shared with them',
  CONSENT_SCOPE: 'you had not shared this kind of record',
  CONSENT_NOT_FOUND: 'there was no valid access',
}

/** The name the opener of a link typed (the service logs it as `…recipient: <name>`), or undefined. */
const recipientOf = (reason: string | undefined) => /recipient: (.+)$/.exec(reason ?? '')?.[1]

/** One log row about a SMART Health Link, in words. */
function linkSentence(r: PatientLogRow, link: StoredLink): string {
  const name = `your link “${link.label}”`
  const who = recipientOf(r.event.reason)
  const someone = who ? `Someone who gave the name “${who}”` : 'Someone with the link'
  const code = r.event.reason?.split(';')[0] ?? ''
  if (r.event.action === 'shl.passcode') return `${someone} typed a wrong passcode for ${name}`
  if (r.event.outcome === 'deny')
    return `${someone} tried to open ${name} and was refused: ${REASONS[code] ?? 'the link was not valid'}`
  if (r.event.action === 'shl.manifest') return `${someone} opened ${name}, which lists ${r.record}`
  return `${someone} downloaded ${r.record} through ${name}`
}

const clinicianLink = () => new URL('clinician.html', location.href).href

function renderRecords(app: PatientApp) {
  $('records').replaceChildren(
    ...app.records.map((r) =>
      h(
        'li',
        {
          'data-testid': 'record-row',
          'data-status': r.verified ? 'verified' : 'failed',
          'data-commitment': r.commitment,
        },
        h('span', { class: 'title' }, r.name),
        h('span', { class: 'kind' }, kindOf(r.resourceType)),
        r.verified
          ? h('span', { class: 'ok' }, '✔ Recorded on the ledger')
          : h('span', { class: 'bad' }, '✘ Could not be checked against the ledger'),
        r.resourceType === 'Patient'
          ? undefined
          : (() => {
              const b = h(
                'button',
                {
                  type: 'button',
                  class: 'secondary',
                  'data-testid': 'show-card',
                  'aria-label': `Show health card for ${r.name}`,
                },
                'Show health card',
              )
              b.addEventListener('click', () =>
                busy('Making the health card…', async () => showCard(app, r.commitment, r.name)),
              )
              return b
            })(),
        detailsList([
          ['Record ID (commitment)', r.commitment],
          ['Type', r.resourceType],
          ...(r.verified
            ? ([
                ['Batch root', r.verified.root],
                ['Ledger', r.verified.anchoredAt.ledger],
                ['Block', String(r.verified.anchoredAt.block)],
                ['Transaction', r.verified.anchoredAt.tx],
                ['Anchored', plainTime(r.verified.anchoredAt.timestamp)],
              ] as const)
            : ([['Error code', r.error ?? '']] as const)),
        ]),
      ),
    ),
  )
}

async function renderClinicians(app: PatientApp) {
  const list = await app.clinicians()
  const select = $<HTMLSelectElement>('grant-clinician')
  const current = select.value
  select.replaceChildren(
    h('option', { value: '' }, list.length === 0 ? 'Add a clinician first' : 'Choose a clinician'),
    ...list.map((c) => h('option', { value: c.address }, c.name)),
  )
  if (list.some((c) => c.address === current)) select.value = current
  else if (list.length === 1) select.value = list[0]?.address ?? ''
}

function showShare(app: PatientApp, g: PatientGrant) {
  const link = shareLink(clinicianLink(), {
    service: app.service.url,
    consent: g.token,
    records: app.sharedRecords(g),
    ...(app.service.rpcUrl ? { rpc: app.service.rpcUrl } : {}),
  })
  const input = h('input', { id: 'share-link', 'data-testid': 'share-link', readonly: '', value: link })
  const copy = h('button', { type: 'button', 'data-testid': 'copy-link' }, 'Copy link')
  copy.addEventListener('click', () => {
    void navigator.clipboard?.writeText(link).then(
      () => setStatus('Link copied.', true),
      () => setStatus('Select the link and copy it.', true),
    )
  })
  $('share').replaceChildren(
    h('h3', {}, `Send this to ${g.clinician.name}`),
    h('p', {}, 'They open the link, or scan the QR code with their phone. Anyone with it still needs their own keys.'),
    h('label', { for: 'share-link' }, 'Link for your clinician'),
    h('div', { class: 'row' }, input, copy),
    h('div', { class: 'qr', 'data-testid': 'share-qr' }, qrSvg(link, `QR code of the link for ${g.clinician.name}`)),
  )
  $('share').hidden = false
}

async function renderGrants(app: PatientApp) {
  const grants = await app.grants()
  const until = (g: PatientGrant) => plainTime(g.expiresAt)
  $('grants').replaceChildren(
    ...(grants.length === 0
      ? [h('li', {}, 'You have not shared any records yet.')]
      : grants.map((g) => {
          const kinds = g.resourceTypes.map((t) => KIND_NAMES[t] ?? t).join(', ')
          const expired = g.expiresAt * 1000 < Date.now()
          const state = g.revoked ? 'revoked' : expired ? 'expired' : 'granted'
          const show = h('button', { type: 'button', 'aria-label': `Show link for ${g.clinician.name}` }, 'Show link')
          show.addEventListener('click', () => showShare(app, g))
          const revoke = h(
            'button',
            { type: 'button', 'data-testid': 'revoke', 'aria-label': `Revoke access for ${g.clinician.name}` },
            'Revoke access',
          )
          revoke.addEventListener('click', () =>
            busy(`Revoking access for ${g.clinician.name}…`, async () => {
              await app.revoke(g.id)
              $('share').hidden = true
              await renderGrants(app)
            }),
          )
          return h(
            'li',
            { 'data-testid': 'grant-row', 'data-state': state, 'data-consent': g.id },
            h('span', { class: 'title' }, g.clinician.name),
            h('span', {}, kinds),
            h(
              'span',
              { class: state === 'granted' ? 'ok' : 'muted' },
              state === 'revoked'
                ? 'Access revoked'
                : state === 'expired'
                  ? `Access ended ${until(g)}`
                  : `Can see these until ${until(g)}`,
            ),
            state === 'granted' ? h('span', { class: 'row' }, show, revoke) : undefined,
            detailsList([
              ['Consent ID', g.id],
              ['Clinician ID', g.clinician.address],
              ['Record types', g.resourceTypes.join(', ')],
            ]),
          )
        })),
  )
}

async function showCard(app: PatientApp, commitment: Hex, name: string) {
  const patient = app.records.find((r) => r.resourceType === 'Patient')
  const patientResource = patient ? app.resource(patient.commitment) : undefined
  const record = app.resource(commitment)
  if (!patientResource || !record) throw new Error('The record is not open in this browser.')
  const card = await healthCardFor(patientResource, record)
  const panel = $('card-shown')
  panel.replaceChildren(
    h('h3', {}, `Health card: ${name}`),
    h(
      'p',
      {},
      'A SMART Health Card: any health-card app can scan it and check who signed it. In this demo it is signed by a ' +
        'made-up hospital with a published test key.',
    ),
    h(
      'div',
      { class: 'qr', 'data-testid': 'card-qr' },
      modulesSvg(card.modules, `QR code of the health card for ${name}`, 4),
    ),
    h('label', { for: 'card-text' }, 'The card as text (shc:/)'),
    h('textarea', { id: 'card-text', 'data-testid': 'card-text', readonly: '', rows: '3' }, card.text),
  )
  panel.hidden = false
}

function showLink(link: StoredLink) {
  const input = h('input', { id: 'link-text', 'data-testid': 'link-text', readonly: '', value: link.shlink })
  $('link-shown').replaceChildren(
    h('h3', {}, `Your link “${link.label}”`),
    h(
      'p',
      {},
      link.passcode
        ? 'Send the link (or show the QR code) and tell the passcode separately.'
        : 'Send the link or show the QR code. Anyone who has it can open these records until it ends.',
    ),
    h('label', { for: 'link-text' }, 'The link'),
    h('div', { class: 'row' }, input),
    h('div', { class: 'qr', 'data-testid': 'link-qr' }, qrSvg(link.shlink, `QR code of your link “${link.label}”`)),
  )
  $('link-shown').hidden = false
}

async function renderLinks(app: PatientApp, store: ListStore<StoredLink>) {
  const links = await store.list()
  const names = (l: StoredLink) =>
    l.records.map((c) => app.records.find((r) => r.commitment.toLowerCase() === c.toLowerCase())?.name ?? c).join(', ')
  $('links').replaceChildren(
    ...(links.length === 0
      ? [h('li', {}, 'You have not made any link yet.')]
      : links.map((l) => {
          const expired = l.expiresAt * 1000 < Date.now()
          const state = l.revoked ? 'revoked' : expired ? 'expired' : 'active'
          const show = h(
            'button',
            { type: 'button', class: 'secondary', 'aria-label': `Show link “${l.label}”` },
            'Show link',
          )
          show.addEventListener('click', () => showLink(l))
          const revoke = h(
            'button',
            { type: 'button', 'data-testid': 'revoke-link', 'aria-label': `Revoke link “${l.label}”` },
            'Revoke link',
          )
          revoke.addEventListener('click', () =>
            busy(`Revoking the link “${l.label}”…`, async () => {
              await revokeLink({ ledger: app.service.ledger, store }, { patient: app.patient, link: l })
              $('link-shown').hidden = true
              await renderLinks(app, store)
            }),
          )
          return h(
            'li',
            { 'data-testid': 'link-row', 'data-state': state, 'data-consent': l.id },
            h('span', { class: 'title' }, l.label),
            h('span', {}, names(l)),
            h(
              'span',
              { class: state === 'active' ? 'ok' : 'muted' },
              state === 'revoked'
                ? 'Link revoked: it no longer opens'
                : state === 'expired'
                  ? `Link ended ${plainTime(l.expiresAt)}`
                  : `Opens until ${plainTime(l.expiresAt)}${l.passcode ? ', with a passcode' : ''}`,
            ),
            state === 'active' ? h('span', { class: 'row' }, show, revoke) : undefined,
            detailsList([
              ['Consent ID', l.id],
              ['Link ID (who in the log)', l.grantee],
            ]),
          )
        })),
  )
}

function renderLog(report: PatientLogReport, links: readonly StoredLink[] = []) {
  $('log-head').textContent =
    report.rows.length === 0
      ? 'Nobody has opened or tried to open your records.'
      : report.anchored
        ? `Checked against the ledger: the service's access log up to entry ${report.anchored.head.treeSize} is recorded there (${plainTime(report.anchored.ref.timestamp)}).`
        : 'The access log is not on the ledger yet: check again in a minute.'
  $('log').replaceChildren(
    ...report.rows.map((r) => {
      const permit = r.event.outcome === 'permit'
      const because = r.event.reason ? (REASONS[r.event.reason] ?? 'access was not allowed') : 'access was not allowed'
      const link = links.find((l) => l.grantee.toLowerCase() === r.event.actor.toLowerCase())
      const sentence = link
        ? linkSentence(r, link)
        : permit
          ? `${r.who} opened ${r.record}`
          : `${r.who} tried to open ${r.record} and was refused: ${because}`
      const purpose = PURPOSES[r.event.purpose] ?? `purpose ${r.event.purpose}`
      return h(
        'li',
        {
          'data-testid': 'log-row',
          'data-outcome': r.event.outcome,
          'data-status': r.status,
          'data-reason': r.event.reason,
          'data-action': r.event.action,
        },
        h('span', { class: 'title' }, sentence),
        h('span', {}, `${plainTime(r.event.at)}, ${purpose}`),
        h(
          'span',
          {
            'data-testid': 'log-verification',
            class: r.status === 'failed' ? 'bad' : r.status === 'verified' ? 'ok' : 'muted',
          },
          r.status === 'verified'
            ? '✔ Verified against the ledger'
            : r.status === 'pending'
              ? '… Recorded by the service, not on the ledger yet'
              : '✘ Could not be verified: do not rely on this entry',
        ),
        detailsList([
          ['Log entry', String(r.index)],
          ['Who (ID)', r.event.actor],
          ['Record ID', r.event.commitment],
          ['Consent ID', r.event.consentId ?? '—'],
          ['Outcome', r.event.outcome],
          ['Reason code', r.event.reason ?? '—'],
          ...(r.error ? ([['Error code', r.error]] as const) : []),
        ]),
      )
    }),
  )
}

async function main() {
  $('retry').addEventListener('click', () => location.reload())
  setStatus('Loading your keys…', false)
  const keys = await openKeyStore()
  const { party: patient, created } = await keys.loadParty('patient')
  const info = await keys.describe()
  $('key-notice').textContent =
    `Your keys are kept in this browser, encrypted with a key the browser will not let any script read ` +
    `(${info.algorithm}, ${info.extractable ? 'EXTRACTABLE (unexpected)' : 'non-extractable'}). They do not protect ` +
    `against someone who can use this browser or its files. ${created ? 'New keys were made for you.' : 'Your keys were loaded.'}`
  $('key-notice').dataset.extractable = String(info.extractable)
  $('patient-address').textContent = patient.address

  const url = serviceUrl()
  $('service-url').textContent = url
  setStatus('Connecting to the records service…')
  const rpc = rpcUrl()
  const service = await connect({ url, ...(rpc ? { rpcUrl: rpc } : {}) })
  setStatus('Opening your records…')
  const portalDb = await openPortalDb()
  const db = await openIndexedDb({ name: `medseal-patient-app:${service.ledger.ledgerId}` })
  const app = await createPatientApp(service, {
    patient,
    stores: {
      records: createIndexedDbSyncCheckpointStore({ db, scope: 'patient-records' }),
      anchor: createIndexedDbAnchorStore({ db }),
      grants: openGrantStore(portalDb),
      clinicians: openClinicianStore(portalDb),
    },
  })
  const links = openLinkStore(portalDb)
  renderRecords(app)
  await renderLinks(app, links)
  $('link-records').replaceChildren(
    ...app.records
      .filter((r) => r.resourceType !== 'Patient')
      .map((r) =>
        h('label', {}, h('input', { type: 'checkbox', name: 'link-record', value: r.commitment }), ` ${r.name}`),
      ),
  )
  $('link-form').addEventListener('submit', (e) => {
    e.preventDefault()
    void busy('Locking the records in a link and registering it…', async () => {
      const chosen = [...document.querySelectorAll<HTMLInputElement>('input[name="link-record"]:checked')].map(
        (i) => i.value as Hex,
      )
      const withCards = $<HTMLInputElement>('link-cards').checked
      const patientRecord = app.records.find((r) => r.resourceType === 'Patient')
      const patientResource = patientRecord ? app.resource(patientRecord.commitment) : undefined
      const link = await createLink(
        { ledger: app.service.ledger, serviceUrl: app.service.url, fetch: (u, i) => fetch(u, i), store: links },
        {
          patient: app.patient,
          records: await Promise.all(
            chosen.map(async (c) => {
              const r = app.records.find((x) => x.commitment === c)
              const resource = app.resource(c)
              const card =
                withCards && patientResource && resource
                  ? (await healthCardFor(patientResource, resource)).jws
                  : undefined
              return {
                commitment: c,
                resourceType: r?.resourceType ?? '',
                resource,
                ...(card === undefined ? {} : { card }),
              }
            }),
          ),
          durationSeconds: Number($<HTMLSelectElement>('link-hours').value) * 3600,
          passcode: $<HTMLInputElement>('link-passcode').value,
          label: $<HTMLInputElement>('link-label').value,
        },
      )
      $<HTMLInputElement>('link-passcode').value = ''
      await renderLinks(app, links)
      showLink(link)
    })
  })
  await renderClinicians(app)
  await renderGrants(app)
  $('grant-types').replaceChildren(
    ...[...new Set(app.records.map((r) => r.resourceType))].map((t) =>
      h(
        'label',
        {},
        h('input', { type: 'checkbox', name: 'rtype', value: t, checked: t === 'Patient' ? undefined : '' }),
        ` ${KIND_NAMES[t] ?? t}`,
      ),
    ),
  )

  $('add-clinician').addEventListener('submit', (e) => {
    e.preventDefault()
    void busy('Adding the clinician…', async () => {
      const c = await app.addClinician({
        name: $<HTMLInputElement>('clinician-name').value,
        address: $<HTMLInputElement>('clinician-id').value,
      })
      $<HTMLInputElement>('clinician-name').value = ''
      $<HTMLInputElement>('clinician-id').value = ''
      await renderClinicians(app)
      $<HTMLSelectElement>('grant-clinician').value = c.address
    })
  })
  $('grant-form').addEventListener('submit', (e) => {
    e.preventDefault()
    void busy('Signing and registering your permission…', async () => {
      const types = [...document.querySelectorAll<HTMLInputElement>('input[name="rtype"]:checked')].map((i) => i.value)
      const hours = Number($<HTMLSelectElement>('grant-hours').value)
      const g = await app.grant({
        clinician: $<HTMLSelectElement>('grant-clinician').value as Address,
        resourceTypes: types,
        durationSeconds: hours * 3600,
      })
      await renderGrants(app)
      showShare(app, g)
    })
  })
  $('verify-log').addEventListener('click', () =>
    busy('Checking the access log against the ledger…', async () =>
      renderLog(await app.verifyLog(), await links.list()),
    ),
  )
  setOffline(false)
  setStatus('Ready.', true)
}

main().catch((err) => {
  // nothing on this page can work now: its controls stay disabled; "Try again" only where it can help
  const e = showError(err)
  setOffline(true, e.offline)
})

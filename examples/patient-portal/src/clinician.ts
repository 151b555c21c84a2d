/**
 * The clinician app's page: opens what a patient shared (the link's fragment), reads each record as a readable
 * summary, and explains each refusal in words. Plain DOM, text only.
 * @module
 */
import { decodeConsentToken, InvalidArgumentError, type Party } from '@medseal/core'
import { type ReadOutcome, readShared } from './clinicianApp.js'
import { connect } from './connect.js'
import type { ServiceConnection } from './connection.js'
import { ExplainedError } from './explain.js'
import { issuerDirectory } from './healthCards.js'
import { openKeyStore } from './keystore.js'
import { explainLink, findShlink, linkPayload, type OpenedLinkFile, openLink } from './openLink.js'
import { readShare, type Share } from './share.js'
import { KIND_NAMES, plainTime, type Summary } from './summaries.js'
import { $, busy, detailsList, errorPanel, h, setOffline, setStatus, showError } from './ui.js'

function renderOutcome(o: ReadOutcome): HTMLElement {
  if (o.ok) {
    const s = o.summary
    return h(
      'li',
      { 'data-testid': 'shared-record', 'data-outcome': 'permit', 'data-type': o.resourceType },
      h('span', { class: 'kind' }, s.kind),
      h('span', { class: 'title' }, s.title),
      s.date ? h('span', {}, s.date) : undefined,
      h('dl', {}, ...s.facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      detailsList([['Record ID', o.commitment]]),
    )
  }
  return h(
    'li',
    { 'data-testid': 'shared-record', 'data-outcome': 'deny', 'data-code': o.error.code },
    h('span', { class: 'title bad' }, 'Not opened'),
    h(
      'p',
      { 'data-testid': 'refusal', class: 'refusal' },
      o.error.what,
      ' ',
      h('strong', {}, 'What you can do: '),
      o.error.todo,
    ),
    detailsList([
      ['Record ID', o.commitment],
      ['Error code', o.error.code],
    ]),
  )
}

async function openAll(service: ServiceConnection, clinician: Party, share: Share) {
  const outcomes: ReadOutcome[] = []
  for (const commitment of share.records) outcomes.push(await readShared(service, { clinician, share, commitment }))
  $('records').replaceChildren(...outcomes.map(renderOutcome))
  const refused = outcomes.filter((o) => !o.ok)
  // one explanation on top when every refusal has the same reason (the usual case: revoked, expired)
  const codes = new Set(refused.map((o) => (o.ok ? '' : o.error.code)))
  const first = refused[0]
  $('refusals').replaceChildren(
    ...(first && !first.ok && codes.size === 1
      ? [
          h(
            'p',
            { class: 'what' },
            `${refused.length === outcomes.length ? 'No record' : `${refused.length} of ${outcomes.length} records`} could be opened.`,
          ),
          errorPanel(first.error, 'refusal-summary'),
        ]
      : []),
  )
  const offline = refused.find((o) => !o.ok && o.error.offline)
  if (offline && !offline.ok) throw new ExplainedError(offline.error)
  $('records').dataset.state =
    refused.length === 0 ? 'read' : refused.length === outcomes.length ? 'refused' : 'partial'
}

function renderLinkFile(f: OpenedLinkFile): HTMLElement[] {
  const summaryItem = (s: Summary, testid: string, extra?: HTMLElement) =>
    h(
      'li',
      { 'data-testid': testid },
      h('span', { class: 'kind' }, s.kind),
      h('span', { class: 'title' }, s.title),
      s.date ? h('span', {}, s.date) : undefined,
      extra,
      h('dl', {}, ...s.facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    )
  if (f.kind === 'fhir') return f.summaries.map((s) => summaryItem(s, 'shl-record'))
  if (f.kind === 'card')
    return f.summaries.map((s) =>
      summaryItem(
        { ...s, kind: `Health card · ${s.kind}` },
        'shl-card',
        h('span', { class: 'ok' }, `✔ Health card checked: signed by ${f.issuer}, for ${f.patient}`),
      ),
    )
  if (f.kind === 'card-refused')
    return [
      h(
        'li',
        { 'data-testid': 'shl-card-refused', 'data-code': f.error.code },
        h('span', { class: 'title bad' }, '✘ A health card did not check out'),
        h('p', {}, f.error.what, ' ', h('strong', {}, 'What you can do: '), f.error.todo),
      ),
    ]
  return [h('li', {}, `A file this app cannot show (${f.contentType}).`)]
}

async function showLink(shlink: string) {
  $('shl').hidden = false
  let payload: ReturnType<typeof linkPayload>
  try {
    payload = linkPayload(shlink)
  } catch (err) {
    $('shl-form').hidden = true
    $('shl-refusal').replaceChildren(errorPanel(explainLink(err), 'shl-error'))
    return
  }
  const needsPasscode = payload.flag?.includes('P') === true
  $('shl-summary').textContent =
    `“${payload.label ?? 'Health records'}”` +
    (payload.exp ? `, opens until ${plainTime(payload.exp)}` : '') +
    (needsPasscode ? '. It needs a passcode from the patient.' : '.')
  $('shl-passcode-field').hidden = !needsPasscode
  const issuers = await issuerDirectory()
  $('shl-form').addEventListener('submit', (e) => {
    e.preventDefault()
    void busy('Opening the link…', async () => {
      $('shl-refusal').replaceChildren()
      $('shl-files').replaceChildren()
      try {
        const files = await openLink({
          shlink,
          recipient: $<HTMLInputElement>('shl-recipient').value,
          ...(needsPasscode ? { passcode: $<HTMLInputElement>('shl-passcode').value } : {}),
          issuers,
        })
        $('shl-files').replaceChildren(...files.flatMap(renderLinkFile))
        $('shl-files').dataset.state = 'read'
      } catch (err) {
        const e = explainLink(err)
        $('shl-refusal').replaceChildren(errorPanel(e, 'shl-error'))
        $('shl-files').dataset.state = 'refused'
        if (e.offline) throw new ExplainedError(e)
      }
    })
  })
}

async function main() {
  $('retry').addEventListener('click', () => location.reload())
  // another link opened in this tab: start over with it
  window.addEventListener('hashchange', () => location.reload())
  $('open-link').addEventListener('submit', (e) => {
    e.preventDefault()
    const raw = $<HTMLInputElement>('link-input').value.trim()
    const shlink = findShlink(raw)
    if (shlink) {
      location.hash = shlink
      return
    }
    try {
      location.hash = new URL(raw).hash
    } catch {
      showError(new InvalidArgumentError('INVALID_ENCODING', 'The link is not a URL.'))
    }
  })
  setStatus('Loading your keys…', false)
  const keys = await openKeyStore()
  const { party: clinician, created } = await keys.loadParty('clinician')
  $('clinician-id').textContent = clinician.address
  $('copy-id').addEventListener('click', () => {
    void navigator.clipboard?.writeText(clinician.address).then(
      () => setStatus('Clinician ID copied.', true),
      () => setStatus('Select the ID and copy it.', true),
    )
  })
  $('key-notice').textContent =
    `Your keys are kept in this browser. ${created ? 'New keys were made for you.' : 'Your keys were loaded.'}`

  const shlink = findShlink(decodeURIComponent(location.hash))
  if (shlink) {
    $('shared').hidden = true
    await showLink(shlink)
    setOffline(false)
    setStatus('Ready.', true)
    return
  }
  const share = readShare(location.hash)
  if (!share) {
    $('shared').hidden = true
    setOffline(false)
    setStatus('Ready. Open a link a patient sent you.', true)
    return
  }
  const { consent } = decodeConsentToken(share.consent)
  $('share-summary').textContent =
    `A patient shared ${share.records.length} record${share.records.length === 1 ? '' : 's'} ` +
    `with you: ${consent.resourceTypes.map((t) => KIND_NAMES[t] ?? t).join(', ')}, until ${plainTime(consent.expiresAt)}.`
  if (consent.grantee.toLowerCase() !== clinician.address.toLowerCase()) {
    $('share-summary').append(' This permission names another clinician: the service will refuse you.')
  }
  $('share-details').replaceChildren(
    detailsList([
      ['Patient ID', consent.grantor],
      ['Consent ID', consent.id],
      ['Shared with (clinician ID)', consent.grantee],
    ]),
  )
  $('service-url').textContent = share.service
  setStatus('Connecting to the records service…')
  const service = await connect({ url: share.service, ...(share.rpc ? { rpcUrl: share.rpc } : {}) })
  setOffline(false)
  $('open-records').addEventListener('click', () =>
    busy('Asking the records service for the keys…', async () => openAll(service, clinician, share)).then(() => {
      const panel = document.querySelector('[data-testid="records"]') as HTMLElement
      if (panel.dataset.state === 'refused') setStatus('The records could not be opened (see each one).', true)
    }),
  )
  setStatus('Ready.', true)
}

main().catch((err) => {
  // nothing on this page can work now: its controls stay disabled; "Try again" only where it can help
  const e = showError(err)
  setOffline(true, e.offline)
})

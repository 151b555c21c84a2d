/**
 * The patient's SMART Health Links: a link to chosen records, for a chosen time, with an optional passcode, backed by
 * a consent on the ledger (its grantee a fresh address standing for "whoever holds this link") and served by the
 * records service. The app keeps each link (its text, to show it again) and revokes it by revoking the consent.
 * @module
 */
import { type Address, consentKey, type Hex, type LedgerAdapter, type Party, revokeConsent } from '@medseal/core'
import { createSmartHealthLink, encodeHealthCardFile, HEALTH_CARD_FILE_TYPE } from '@medseal/smart-health'
import { ExplainedError } from './explain.js'
import type { ListStore } from './grantStore.js'
import { committed, request } from './portalDb.js'

/** A link as kept in the browser. */
export type StoredLink = {
  readonly v: 1
  /** The consent id behind the link (the key). */
  readonly id: Hex
  /** The `shlink:/…` text (it holds the files' key: it stays in this browser). */
  readonly shlink: string
  readonly label: string
  /** The link's own address: the "who" of its access-log entries. */
  readonly grantee: Address
  readonly records: readonly Hex[]
  readonly passcode: boolean
  /** Unix seconds. */
  readonly expiresAt: number
  readonly revoked: boolean
  readonly createdAt: number
}

/** The links in the portal's IndexedDB (object store `links`). */
export function openLinkStore(db: IDBDatabase): ListStore<StoredLink> {
  return Object.freeze({
    async list() {
      const all = (await request(
        db.transaction('links', 'readonly').objectStore('links').getAll(),
      )) as Partial<StoredLink>[]
      return (
        all.filter(
          (l) =>
            l?.v === 1 &&
            typeof l.id === 'string' &&
            typeof l.shlink === 'string' &&
            typeof l.grantee === 'string' &&
            Array.isArray(l.records) &&
            typeof l.revoked === 'boolean',
        ) as StoredLink[]
      ).sort((a, b) => a.createdAt - b.createdAt)
    },
    async put(link: StoredLink) {
      const tx = db.transaction('links', 'readwrite', { durability: 'strict' })
      tx.objectStore('links').put(link, link.id)
      await committed(tx)
    },
  })
}

/** One record to put in a link: its FHIR JSON, the sealed record's commitment, and optionally a health card of it. */
export type LinkRecord = {
  readonly commitment: Hex
  readonly resourceType: string
  readonly resource: unknown
  /** A SMART Health Card (JWS) of the record: added as a `.smart-health-card` file. */
  readonly card?: string
}

const formError = (what: string, todo: string) =>
  new ExplainedError({ what, todo, code: 'INVALID_ARGUMENT', offline: false })

/**
 * Creates a link: the consent is granted on the ledger, the records are encrypted in this browser with a key that
 * only the link holds, and the service registers the link. The link is kept before it is shown.
 *
 * @param deps - the ledger, the service's URL, `fetch`, the link store
 * @param params - the patient, the records, how long, an optional passcode, a label
 * @returns the stored link
 * @throws {@link ExplainedError} for a form filled in wrongly; the SDK's errors when the service or ledger fails
 * @example
 * ```ts
 * const link = await createLink({ ledger, serviceUrl, fetch, store }, { patient, records, durationSeconds: 3600, label: 'For Dr. Lee' })
 * ```
 */
export async function createLink(
  deps: {
    readonly ledger: LedgerAdapter
    readonly serviceUrl: string
    readonly fetch: typeof fetch
    readonly store: ListStore<StoredLink>
  },
  params: {
    readonly patient: Party
    readonly records: readonly LinkRecord[]
    readonly durationSeconds: number
    readonly passcode?: string
    readonly label: string
  },
): Promise<StoredLink> {
  if (params.records.length === 0)
    throw formError('No record is chosen.', 'Tick at least one record to put in the link.')
  if (!Number.isSafeInteger(params.durationSeconds) || params.durationSeconds <= 0)
    throw formError('No duration is chosen.', 'Choose for how long the link works.')
  const passcode = params.passcode?.trim() ? params.passcode : undefined
  if (passcode !== undefined && passcode.length < 4)
    throw formError('The passcode is too short.', 'Use at least 4 characters, or leave it empty for no passcode.')
  const label = params.label.trim().slice(0, 80) || 'My health records'
  const { shlink, consent } = await createSmartHealthLink(
    { ledger: deps.ledger, fetch: (url, init) => deps.fetch(url, init) },
    {
      patient: params.patient,
      serviceUrl: deps.serviceUrl,
      durationSeconds: params.durationSeconds,
      label,
      ...(passcode === undefined ? {} : { passcode }),
      files: params.records.flatMap((r) => [
        {
          contentType: 'application/fhir+json',
          content: JSON.stringify(r.resource),
          commitment: r.commitment,
          resourceType: r.resourceType,
        },
        ...(r.card === undefined
          ? []
          : [
              {
                contentType: HEALTH_CARD_FILE_TYPE,
                content: encodeHealthCardFile([r.card]),
                commitment: r.commitment,
                resourceType: r.resourceType,
              },
            ]),
      ]),
    },
  )
  const stored: StoredLink = {
    v: 1,
    id: consent.id,
    shlink,
    label,
    grantee: consent.grantee,
    records: params.records.map((r) => r.commitment),
    passcode: passcode !== undefined,
    expiresAt: consent.expiresAt,
    revoked: false,
    createdAt: Date.now(),
  }
  await deps.store.put(stored)
  return stored
}

/**
 * Revokes a link: its consent is revoked on the ledger (the service then refuses the link's manifest and files).
 *
 * @param deps - the ledger and the link store
 * @param params - the patient and the link
 * @example
 * ```ts
 * await revokeLink({ ledger, store }, { patient, link })
 * ```
 */
export async function revokeLink(
  deps: { readonly ledger: LedgerAdapter; readonly store: ListStore<StoredLink> },
  params: { readonly patient: Party; readonly link: StoredLink },
): Promise<void> {
  const { patient, link } = params
  if (link.revoked) return
  const onLedger = await deps.ledger.getConsent(consentKey(patient.address, link.id))
  if (!onLedger?.revocation) await revokeConsent(deps.ledger, { party: patient, consentId: link.id })
  await deps.store.put({ ...link, revoked: true })
}

/**
 * What the patient hands to the clinician: a link to the clinician app whose fragment (never sent to any server)
 * carries the records service's URL, the signed consent token and the commitments of the shared records. The same
 * link is drawn as a QR code.
 * @module
 */
import { decodeConsentToken, type Hex, InvalidArgumentError } from '@medseal/core'
import { encode } from 'uqr'

/** What a share link carries. */
export type Share = {
  /** The records service (custodian) that holds the records. */
  readonly service: string
  /** The compact consent token (`msc1.…`). */
  readonly consent: string
  /** The shared records, by commitment. */
  readonly records: readonly Hex[]
  /** The chain's JSON-RPC URL, when the service's ledger is an EVM chain (the clinician's page reads it itself). */
  readonly rpc?: string
}

const HEX32 = /^0x[0-9a-f]{64}$/

/**
 * Builds the link the clinician opens.
 *
 * @param clinicianApp - the clinician app's URL (e.g. `https://clinic.example/clinician.html`)
 * @param share - the service, the consent token and the shared commitments
 * @returns the link, with everything in its fragment
 * @example
 * ```ts
 * const link = shareLink(new URL('/clinician.html', location.href).href, { service, consent, records })
 * ```
 */
export function shareLink(clinicianApp: string, share: Share): string {
  const url = new URL(clinicianApp)
  const q = new URLSearchParams({
    service: share.service,
    consent: share.consent,
    records: share.records.map((c) => c.slice(2)).join('.'),
    ...(share.rpc ? { rpc: share.rpc } : {}),
  })
  url.hash = q.toString()
  return url.href
}

/**
 * Reads a share from a link's fragment.
 *
 * @param hash - `location.hash` (with or without `#`)
 * @returns the share, or `undefined` when the fragment carries none
 * @throws {@link InvalidArgumentError} `INVALID_ENCODING` when the fragment is damaged (missing or malformed parts)
 * @throws the consent token's `CONSENT_MALFORMED` when its token does not decode
 * @example
 * ```ts
 * const share = readShare(location.hash)
 * ```
 */
export function readShare(hash: string): Share | undefined {
  const q = new URLSearchParams(hash.replace(/^#/, ''))
  if (!q.has('consent') && !q.has('records') && !q.has('service')) return undefined
  const damaged = (what: string) => new InvalidArgumentError('INVALID_ENCODING', `The share link's ${what} is damaged.`)
  const httpUrl = (v: string, what: string) => {
    let url: URL
    try {
      url = new URL(v)
    } catch {
      throw damaged(what)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw damaged(what)
    return url
  }
  const url = httpUrl(q.get('service') ?? '', 'service address')
  const rpc = q.get('rpc')
  if (rpc !== null) httpUrl(rpc, 'ledger address')
  const consent = q.get('consent') ?? ''
  decodeConsentToken(consent) // throws CONSENT_MALFORMED
  const records = (q.get('records') ?? '').split('.').map((c) => `0x${c.toLowerCase()}` as Hex)
  if (records.length === 0 || !records.every((c) => HEX32.test(c))) throw damaged('record list')
  return { service: url.href.replace(/\/$/, ''), consent, records, ...(rpc !== null ? { rpc } : {}) }
}

/**
 * Draws `text` as a QR code: an SVG of one path, built through the DOM (no markup strings).
 *
 * @param text - what the code holds (the share link)
 * @param label - the accessible name of the image
 * @returns the `<svg>` element (role `img`)
 * @example
 * ```ts
 * container.append(qrSvg(link, 'QR code of the link to share'))
 * ```
 */
export function qrSvg(text: string, label: string): SVGSVGElement {
  const qr = encode(text, { ecc: 'L', border: 2 })
  const svg = modulesSvg(qr.data, label, 0)
  svg.dataset.version = String(qr.version)
  return svg
}

/**
 * Draws QR modules (rows of dark/light) as an SVG of one path, through the DOM, with a quiet zone of `border`.
 *
 * @param rows - the modules, row by row (`true` is dark)
 * @param label - the accessible name of the image
 * @param border - quiet-zone modules to add on each side (0 when `rows` already has one)
 * @returns the `<svg>` element (role `img`)
 * @example
 * ```ts
 * container.append(modulesSvg((await renderHealthCardQr(jws)).modules, 'QR code of the health card', 4))
 * ```
 */
export function modulesSvg(rows: readonly (readonly boolean[])[], label: string, border: number): SVGSVGElement {
  const size = rows.length + 2 * border
  const ns = 'http://www.w3.org/2000/svg'
  const svg = document.createElementNS(ns, 'svg')
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`)
  svg.setAttribute('role', 'img')
  svg.setAttribute('aria-label', label)
  svg.setAttribute('shape-rendering', 'crispEdges')
  const bg = document.createElementNS(ns, 'rect')
  bg.setAttribute('width', String(size))
  bg.setAttribute('height', String(size))
  bg.setAttribute('fill', '#fff')
  let d = ''
  rows.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) d += `M${x + border} ${y + border}h1v1h-1z`
    })
  })
  const path = document.createElementNS(ns, 'path')
  path.setAttribute('d', d)
  path.setAttribute('fill', '#000')
  svg.append(bg, path)
  return svg
}

/**
 * The `shc:/` QR text of a card (SMART Health Cards §Encoding Chunks as QR codes): each character of the compact JWS
 * becomes two digits, its code point minus 45, so the whole card rides in the QR code's numeric mode. Chunked codes
 * (`shc:/<i>/<n>/…`, deprecated since version 1.2 of the specification) are still read.
 * @module
 */
import { SmartHealthError } from './errors.js'

/** Everything {@link encodeHealthCardQr} and {@link decodeHealthCardQr} can throw. */
export type HealthCardQrErrorType = SmartHealthError

const JWS_CHARS = /^[A-Za-z0-9_.-]+$/
const MAX_JWS = 64 * 1024

/**
 * The `shc:/` numeric text of a compact JWS.
 *
 * @param jws - the card
 * @returns `shc:/` followed by two digits per character
 * @throws {@link SmartHealthError} `SHC_MALFORMED` when `jws` holds characters a compact JWS cannot
 * @example
 * ```ts
 * import { encodeHealthCardQr } from '@medseal/smart-health'
 * encodeHealthCardQr('eyJ6') // 'shc:/56762909'
 * ```
 */
export function encodeHealthCardQr(jws: string): string {
  if (typeof jws !== 'string' || jws.length > MAX_JWS || !JWS_CHARS.test(jws))
    throw new SmartHealthError('SHC_MALFORMED', 'jws must be a compact JWS (base64url parts and dots).')
  let digits = ''
  for (let i = 0; i < jws.length; i++) digits += String(jws.charCodeAt(i) - 45).padStart(2, '0')
  return `shc:/${digits}`
}

function digitsToJws(digits: string): string {
  if (digits.length === 0 || digits.length % 2 !== 0 || !/^[0-9]+$/.test(digits))
    throw new SmartHealthError('SHC_MALFORMED', 'The shc:/ text must hold an even number of digits.')
  let out = ''
  for (let i = 0; i < digits.length; i += 2) {
    const n = Number(digits.slice(i, i + 2))
    if (n > 77) throw new SmartHealthError('SHC_MALFORMED', 'The shc:/ text holds a digit pair above 77.')
    out += String.fromCharCode(n + 45)
  }
  return out
}

/**
 * The compact JWS in one `shc:/` QR text, or in the texts of a chunked card (any order).
 *
 * @param qr - the scanned text, or every chunk's text (`shc:/1/3/…`, `shc:/2/3/…`, `shc:/3/3/…`)
 * @returns the compact JWS
 * @throws {@link SmartHealthError} `SHC_MALFORMED` for a text that is not `shc:/` numeric, or chunks that are
 *   missing, repeated or disagree on their count
 * @example
 * ```ts
 * import { decodeHealthCardQr } from '@medseal/smart-health'
 * decodeHealthCardQr('shc:/56762909') // 'eyJ6'
 * ```
 */
export function decodeHealthCardQr(qr: string | readonly string[]): string {
  const texts = typeof qr === 'string' ? [qr] : Array.isArray(qr) ? qr : []
  if (
    texts.length === 0 ||
    texts.length > 99 ||
    texts.some((t) => typeof t !== 'string' || t.length > 2 * MAX_JWS + 16)
  )
    throw new SmartHealthError('SHC_MALFORMED', 'qr must be an shc:/ text or a list of chunk texts.')
  const parsed = texts.map((t) => {
    const text = t.trim()
    if (!/^shc:\//i.test(text)) throw new SmartHealthError('SHC_MALFORMED', 'A health card QR text starts with shc:/.')
    const m = /^shc:\/(?:(\d+)\/(\d+)\/)?([0-9]*)$/i.exec(text)
    if (!m) throw new SmartHealthError('SHC_MALFORMED', 'The shc:/ text is not numeric.')
    return {
      index: m[1] === undefined ? 1 : Number(m[1]),
      count: m[2] === undefined ? 1 : Number(m[2]),
      digits: m[3] ?? '',
    }
  })
  const count = parsed[0]?.count ?? 0
  if (count !== texts.length || parsed.some((p) => p.count !== count))
    throw new SmartHealthError('SHC_MALFORMED', `The card has ${count} chunks; ${texts.length} were given.`)
  const ordered: string[] = new Array(count)
  for (const p of parsed) {
    if (p.index < 1 || p.index > count || ordered[p.index - 1] !== undefined)
      throw new SmartHealthError('SHC_MALFORMED', 'The chunks are numbered wrongly or repeated.')
    ordered[p.index - 1] = p.digits
  }
  return digitsToJws(ordered.join(''))
}

/**
 * The `shlink:/` text of a SMART Health Link (SMART Health Links §Construct a SHLink Payload): `shlink:/` followed by
 * the base64url of a JSON payload `{ url, key, exp?, flag?, label?, v? }`, optionally behind a viewer URL and `#`.
 * @module
 */
import { base64urlToBytes, bytesToBase64url, bytesToUtf8, utf8ToBytes } from '@medseal/core'
import { SmartHealthError } from './errors.js'

/** A link's payload. */
export type ShlinkPayload = {
  /** The manifest URL (https, at most 128 characters, at least 256 bits of entropy in it). */
  readonly url: string
  /** The files' key: 43 base64url characters (32 bytes, AES-256-GCM). */
  readonly key: string
  /** Expiry, Unix seconds. */
  readonly exp?: number
  /** Letters in alphabetical order: `L` long-term, `P` passcode required, `U` direct file (no manifest). */
  readonly flag?: string
  /** A short description, at most 80 characters. */
  readonly label?: string
  /** The payload version, 1. */
  readonly v?: 1
}

/** Everything {@link encodeShlink} and {@link decodeShlink} can throw. */
export type ShlinkErrorType = SmartHealthError

const malformed = (message: string, cause?: unknown) =>
  new SmartHealthError('SHL_MALFORMED', message, cause === undefined ? {} : { cause })

function checkPayload(p: unknown): ShlinkPayload {
  const v = p as Record<string, unknown> | null
  if (typeof v !== 'object' || v === null) throw malformed('The link payload is not a JSON object.')
  if (typeof v.url !== 'string' || v.url.length > 128 || !/^https?:\/\/\S+$/.test(v.url))
    throw malformed('The link url must be an http(s) URL of at most 128 characters.')
  if (typeof v.key !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(v.key))
    throw malformed('The link key must be 43 base64url characters.')
  if (v.exp !== undefined && (typeof v.exp !== 'number' || !Number.isFinite(v.exp)))
    throw malformed('The link exp must be a number.')
  if (
    v.flag !== undefined &&
    (typeof v.flag !== 'string' || !/^L?P?U?$/.test(v.flag) || (v.flag.includes('U') && v.flag.includes('P')))
  )
    throw malformed('The link flag must be letters of L, P, U in order (U never with P).')
  if (v.label !== undefined && (typeof v.label !== 'string' || v.label.length > 80))
    throw malformed('The link label must be at most 80 characters.')
  if (v.v !== undefined && v.v !== 1) throw malformed('Only version 1 links are understood.')
  return Object.freeze({
    url: v.url,
    key: v.key,
    ...(v.exp === undefined ? {} : { exp: v.exp as number }),
    ...(v.flag === undefined || v.flag === '' ? {} : { flag: v.flag as string }),
    ...(v.label === undefined ? {} : { label: v.label as string }),
    ...(v.v === undefined ? {} : { v: 1 as const }),
  })
}

/**
 * The `shlink:/` text of a payload, optionally behind a viewer URL (`https://viewer.example/#shlink:/…`).
 *
 * @param payload - the link's payload
 * @param options - `viewer`: a viewer URL to prefix
 * @returns the link text
 * @throws {@link SmartHealthError} `SHL_MALFORMED` for a bad payload
 * @example
 * ```ts
 * import { encodeShlink } from '@medseal/smart-health'
 * const text = encodeShlink({ url: 'https://shl.example/v1/shl/abc…/manifest', key, flag: 'P', label: 'Vaccines' })
 * ```
 */
export function encodeShlink(payload: ShlinkPayload, options: { readonly viewer?: string } = {}): string {
  const text = `shlink:/${bytesToBase64url(utf8ToBytes(JSON.stringify(checkPayload(payload))))}`
  return options.viewer ? `${options.viewer}#${text}` : text
}

/**
 * The payload of a link text: `shlink:/…` alone or behind a viewer URL and `#` (as pasted or scanned).
 *
 * @param text - the link
 * @returns the checked payload
 * @throws {@link SmartHealthError} `SHL_MALFORMED` when the text is not such a link
 * @example
 * ```ts
 * import { decodeShlink } from '@medseal/smart-health'
 * const { url, flag, label } = decodeShlink(scannedText)
 * ```
 */
export function decodeShlink(text: string): ShlinkPayload {
  if (typeof text !== 'string' || text.length > 8192) throw malformed('A link is text of at most 8,192 characters.')
  const at = text.indexOf('shlink:/')
  if (at === -1 || (at > 0 && text[at - 1] !== '#')) throw malformed('The text holds no shlink:/ link.')
  let json: unknown
  try {
    json = JSON.parse(bytesToUtf8(base64urlToBytes(text.slice(at + 8).trim())))
  } catch (cause) {
    throw malformed('The shlink:/ payload is not base64url JSON.', cause)
  }
  return checkPayload(json)
}

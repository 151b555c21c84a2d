/**
 * The receiving side of a SMART Health Link: decode the pasted or scanned link, ask the manifest (recipient, passcode),
 * fetch and decrypt every file; `.smart-health-card` files are split into their cards for {@link verifyHealthCard}.
 * @module
 */
import { base64urlToBytes } from '@medseal/core'
import { problemBody, problemDetail } from './_problemDetail.js'
import { SmartHealthError } from './errors.js'
import { decodeHealthCardFile, HEALTH_CARD_FILE_TYPE } from './healthCardFile.js'
import { decryptShlFile } from './shlFileJwe.js'
import { decodeShlink, type ShlinkPayload } from './shlink.js'

/** What {@link openSmartHealthLink} needs. */
export type OpenSmartHealthLinkDeps = {
  readonly fetch: (url: string, init?: RequestInit) => Promise<Response>
  /** Host clock, Unix milliseconds (checks `exp`). Default `Date.now`. */
  readonly now?: () => number
}

/** Parameters of {@link openSmartHealthLink}. */
export type OpenSmartHealthLinkParameters = {
  /** The link: `shlink:/…`, or a viewer URL with `#shlink:/…`. */
  readonly shlink: string
  /** Who is opening it (shown in the patient's access log), e.g. `Dr. Lee, General Hospital`. */
  readonly recipient: string
  /** The passcode, for links with flag `P`. */
  readonly passcode?: string
  /** Ask the server to embed files up to this many characters in the manifest. */
  readonly embeddedLengthMax?: number
}

/** One decrypted file. */
export type SmartHealthLinkOpenedFile = {
  readonly contentType: string
  readonly content: string
  /** The cards, for a `.smart-health-card` file (verify each with `verifyHealthCard`). */
  readonly healthCards?: readonly string[]
}

/** What {@link openSmartHealthLink} returns. */
export type OpenSmartHealthLinkReturnType = {
  readonly payload: ShlinkPayload
  readonly files: readonly SmartHealthLinkOpenedFile[]
}

/** Everything {@link openSmartHealthLink} can throw. */
export type OpenSmartHealthLinkErrorType = SmartHealthError

async function call(deps: OpenSmartHealthLinkDeps, url: string, init?: RequestInit): Promise<Response> {
  try {
    return await deps.fetch(url, init)
  } catch (cause) {
    throw new SmartHealthError('SHL_FETCH_FAILED', 'The link server could not be reached.', { cause })
  }
}

/** The error for a refused request: the server's `detail` as the error's details (never with a secret in it). */
async function refuse(res: Response, secrets: readonly (string | undefined)[]): Promise<never> {
  const body = await problemBody(res)
  const detail = problemDetail(body, secrets)
  const details = detail === undefined ? {} : { details: detail }
  if (res.status === 401) {
    const left = typeof body.remainingAttempts === 'number' ? body.remainingAttempts : undefined
    throw Object.assign(
      new SmartHealthError('SHL_PASSCODE_INVALID', 'The passcode is missing or wrong.', {
        ...(left === undefined ? {} : { metaMessages: [`Attempts left: ${left}`] }),
        ...details,
      }),
      { remainingAttempts: left },
    )
  }
  if (res.status === 404) {
    const reason = typeof body.reason === 'string' && /^[a-z]{1,20}$/.test(body.reason) ? body.reason : undefined
    throw Object.assign(
      new SmartHealthError('SHL_NOT_FOUND', 'The link is not served (expired, revoked or disabled).', {
        ...(reason === undefined ? {} : { metaMessages: [`Reason: ${reason}`] }),
        ...details,
      }),
      { reason },
    )
  }
  throw new SmartHealthError('SHL_FETCH_FAILED', `The link server answered HTTP ${res.status}.`, details)
}

/**
 * Opens a SMART Health Link and decrypts its files.
 *
 * @param deps - `fetch`, optional `now`
 * @param params - the link, the recipient's name, the passcode
 * @returns the payload and the decrypted files
 * @throws {@link SmartHealthError} `SHL_MALFORMED`, `SHL_EXPIRED`, `SHL_PASSCODE_INVALID` (with `remainingAttempts`),
 *   `SHL_NOT_FOUND` (with `reason` when the server gave one: `unknown`, `expired`, `revoked`, `disabled`,
 *   `unavailable`), `SHL_FETCH_FAILED`, `SHL_DECRYPT_FAILED`
 * @example
 * ```ts
 * import { openSmartHealthLink, verifyHealthCard } from '@medseal/smart-health'
 * const { files } = await openSmartHealthLink({ fetch }, { shlink: pasted, recipient: 'Dr. Lee', passcode: '1234' })
 * for (const f of files) for (const jws of f.healthCards ?? []) await verifyHealthCard({ fetch, cache }, { card: jws })
 * ```
 */
export async function openSmartHealthLink(
  deps: OpenSmartHealthLinkDeps,
  params: OpenSmartHealthLinkParameters,
): Promise<OpenSmartHealthLinkReturnType> {
  const payload = decodeShlink(params.shlink)
  const nowS = (deps.now ?? Date.now)() / 1000
  if (payload.exp !== undefined && payload.exp <= nowS)
    throw new SmartHealthError('SHL_EXPIRED', 'The link has expired.')
  if (typeof params.recipient !== 'string' || params.recipient.trim() === '')
    throw new SmartHealthError('SHL_MALFORMED', 'recipient must name who opens the link.')
  if (payload.flag?.includes('P') && params.passcode === undefined)
    throw new SmartHealthError('SHL_PASSCODE_INVALID', 'The link needs a passcode.')
  const key = base64urlToBytes(payload.key)
  const secrets = [params.passcode, payload.key]
  let manifest: { contentType: string; embedded?: string; location?: string }[]
  if (payload.flag?.includes('U')) {
    const url = new URL(payload.url)
    url.searchParams.set('recipient', params.recipient)
    const res = await call(deps, url.toString())
    if (!res.ok) return refuse(res, secrets)
    const jwe = await res.text()
    const file = await decryptShlFile(key, jwe)
    return Object.freeze({ payload, files: Object.freeze([withCards(file)]) })
  }
  const res = await call(deps, payload.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      recipient: params.recipient,
      ...(params.passcode === undefined ? {} : { passcode: params.passcode }),
      ...(params.embeddedLengthMax === undefined ? {} : { embeddedLengthMax: params.embeddedLengthMax }),
    }),
  })
  if (!res.ok) return refuse(res, secrets)
  try {
    const body = (await res.json()) as { files?: unknown }
    if (!Array.isArray(body.files)) throw new Error('no files')
    manifest = body.files as typeof manifest
  } catch (cause) {
    throw new SmartHealthError('SHL_MALFORMED', 'The manifest is not a JSON {files: [...]} document.', { cause })
  }
  const files: SmartHealthLinkOpenedFile[] = []
  for (const entry of manifest) {
    let jwe: string
    if (typeof entry?.embedded === 'string') jwe = entry.embedded
    else if (typeof entry?.location === 'string') {
      const got = await call(deps, entry.location)
      if (!got.ok) return refuse(got, secrets)
      jwe = await got.text()
    } else throw new SmartHealthError('SHL_MALFORMED', 'A manifest file has neither embedded nor location.')
    files.push(withCards(await decryptShlFile(key, jwe)))
  }
  return Object.freeze({ payload, files: Object.freeze(files) })
}

function withCards(file: { readonly contentType: string; readonly content: string }): SmartHealthLinkOpenedFile {
  if (file.contentType !== HEALTH_CARD_FILE_TYPE) return file
  return Object.freeze({ ...file, healthCards: decodeHealthCardFile(file.content) })
}

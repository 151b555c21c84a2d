/**
 * Every failure the apps can meet, in words: what happened and what the person can do. The SDK's code stays in a
 * `data-code` attribute and in the "details" of a message, never as the message itself.
 * @module
 */
import { isSdkError } from '@medseal/core'

/** A failure as the apps show it. */
export type Explanation = {
  /** What happened, in one plain sentence. */
  readonly what: string
  /** What the person can do about it. */
  readonly todo: string
  /** The SDK's stable error code (for support and for tests), or `UNKNOWN`. */
  readonly code: string
  /** `true` when the service (or the ledger behind it) could not be reached: controls that need it are disabled. */
  readonly offline: boolean
}

type Words = { readonly what: string; readonly todo: string; readonly offline?: boolean }

const ASK_PATIENT_NEW = 'Ask the patient to share the records with you again (a new link or QR code).'
const OFFLINE: Words = {
  what: 'The records service cannot be reached right now.',
  todo: 'Check your internet connection, then press "Try again". If it keeps failing, the service may be down: try again later.',
  offline: true,
}

const WORDS: Record<string, Words> = {
  CONSENT_REVOKED: { what: 'The patient has withdrawn this access.', todo: ASK_PATIENT_NEW },
  CONSENT_EXPIRED: { what: 'The time the patient allowed for this access is over.', todo: ASK_PATIENT_NEW },
  CONSENT_NOT_YET_VALID: {
    what: 'This access has not started yet.',
    todo: 'Try again later, or ask the patient to share the records again.',
  },
  CONSENT_NOT_FOUND: {
    what: 'The service does not know this permission: it may not have been registered, or the link is from another service.',
    todo: ASK_PATIENT_NEW,
  },
  CONSENT_MALFORMED: {
    what: 'The link or QR code is damaged or incomplete, so the permission in it cannot be read.',
    todo: 'Open the link again exactly as you received it, or ask the patient to share it again.',
  },
  INVALID_ENCODING: {
    what: 'The link or QR code is damaged or incomplete.',
    todo: 'Open the link again exactly as you received it, or ask the patient to share it again.',
  },
  CONSENT_SIGNATURE_INVALID: {
    what: 'The permission in this link is not signed by the patient (it may have been altered).',
    todo: 'Do not use this link. Ask the patient to share the records with you again.',
  },
  CONSENT_WRONG_DOMAIN: {
    what: 'This permission was made for another records service.',
    todo: 'Open the link with the service it was made for, or ask the patient to share again.',
  },
  CONSENT_GRANTEE: {
    what: 'This permission was given to another clinician, not to you.',
    todo: 'Ask the patient to share the records with your clinician ID (shown at the top of this page).',
  },
  CONSENT_SCOPE: {
    what: 'The patient did not include this kind of record in what they shared.',
    todo: 'If you need it, ask the patient to share this record type too.',
  },
  CONSENT_EXCLUDED: {
    what: 'The patient kept this record private (it is excluded from what they shared).',
    todo: 'Ask the patient directly if you need it.',
  },
  CONSENT_PURPOSE: {
    what: 'The patient allowed access for another purpose than this one.',
    todo: 'Ask the patient to share the records for treatment.',
  },
  CONSENT_ACTION: { what: 'The patient did not allow this kind of access.', todo: ASK_PATIENT_NEW },
  CONSENT_REPLAYED: {
    what: 'This request was already used once.',
    todo: 'Press "Open" again: a new request is made each time.',
  },
  REQUEST_REPLAYED: {
    what: 'This request was already used once.',
    todo: 'Press "Open" again: a new request is made each time.',
  },
  DELEGATION_INVALID: { what: 'The chain of permissions in this link is not valid.', todo: ASK_PATIENT_NEW },
  ACCESS_DENIED: {
    what: 'The service refused access to this record.',
    todo: 'Ask the patient to check what they shared with you.',
  },
  RECORD_SHREDDED: {
    what: 'The patient has erased this record; nobody can open it any more.',
    todo: 'Ask the patient for a new copy if it is still needed.',
  },
  NOT_A_RECIPIENT: {
    what: 'The record was not sealed for your keys.',
    todo: 'Ask the patient to share the records with your clinician ID again.',
  },
  DECRYPT_FAILED: {
    what: 'The keys stored in this browser could not be unlocked (they may be damaged).',
    todo: "Reload the page. If it keeps failing, clear this site's data in the browser settings: new keys will be made (you will need to be shared with again).",
  },
  LEDGER_UNAVAILABLE: OFFLINE,
  LEDGER_TIMEOUT: OFFLINE,
  STORE_UNAVAILABLE: OFFLINE,
  SERVICE_UNAVAILABLE: OFFLINE,
  RATE_LIMITED: {
    what: 'The records service is getting too many requests from you right now.',
    todo: 'Wait a few seconds, then try again.',
  },
  LEDGER_REJECTED: {
    what: 'The ledger refused to record this change.',
    todo: "Try again in a moment. If it keeps failing, contact the service's support.",
  },
  LEDGER_WRITE_FAILED: {
    what: 'The change could not be recorded on the ledger.',
    todo: 'Try again in a moment. Nothing was changed.',
  },
  LOG_APPEND_FAILED: {
    what: 'The service could not record the access in the access log, so it released nothing.',
    todo: 'Try again in a moment.',
  },
  ANCHOR_NOT_FOUND: {
    what: 'The ledger does not show this yet.',
    todo: 'The service anchors regularly: press "Check again" in a minute.',
  },
  PROOF_INVALID: {
    what: 'A proof did not check out: what the service showed does not match the ledger.',
    todo: "Do not rely on this entry. Contact the service's support and keep a screenshot.",
  },
  LOG_INCONSISTENT: {
    what: 'The access log does not match what the ledger holds: it may have been rewritten.',
    todo: "Do not rely on this log. Contact the service's support and keep a screenshot.",
  },
  TREE_HEAD_INVALID: {
    what: "The access log's signature does not check out.",
    todo: "Do not rely on this log. Contact the service's support.",
  },
  INVALID_ARGUMENT: {
    what: 'Some of what was entered is not valid.',
    todo: 'Check the fields and try again.',
  },
  // a link the records service refused to hold (the patient making a link)
  SHL_REGISTRATION_WRONG_SERVICE: {
    what: 'The records service is set up under another address than the one this app uses, so it refused the link.',
    todo: "Use the service's public address in this app, or ask its operator to set the public address it is reached at.",
  },
  SHL_REGISTRATION_STALE: {
    what: "The records service refused the link: this device's clock and the service's differ too much.",
    todo: "Set this device's date and time automatically, then make the link again.",
  },
  SHL_REGISTRATION_UNAUTHORIZED: {
    what: 'The records service refused the link: it holds links only to your own records, signed by this app.',
    todo: 'Make the link again from your records. If it keeps failing, contact the service\'s support and quote the code in "details".',
  },
  SHL_ID_TAKEN: {
    what: "The records service already holds a link under this one's identifier, so it refused it.",
    todo: 'Make the link again: a new link gets a new identifier.',
  },
}

/** A failure already explained (e.g. the worst of several refusals), passed through {@link explain} unchanged. */
export class ExplainedError extends Error {
  override readonly name = 'ExplainedError'
  constructor(readonly explanation: Explanation) {
    super(explanation.what)
  }
}

/** Messages of a `fetch` that never reached the server (Chromium, Firefox, Safari, undici). */
const NETWORK = /failed to fetch|networkerror|load failed|fetch failed|network request failed|ECONNREFUSED/i

/**
 * Explains a failure in plain words.
 *
 * @param err - what was thrown
 * @returns what happened, what to do, the code, and whether the service is unreachable
 * @example
 * ```ts
 * explain(new ConsentError('CONSENT_REVOKED', 'Access denied.')).what // 'The patient has withdrawn this access.'
 * ```
 */
export function explain(err: unknown): Explanation {
  if (err instanceof ExplainedError) return err.explanation
  if (isSdkError(err)) {
    const words = WORDS[err.code]
    if (words) return { what: words.what, todo: words.todo, code: err.code, offline: words.offline === true }
    const status = (err as { status?: unknown }).status
    if (typeof status === 'number' && status >= 500)
      return { ...OFFLINE, what: 'The records service had a problem.', code: err.code, offline: false }
    return {
      what: 'Something went wrong.',
      todo: 'Try again. If it keeps failing, contact the service\'s support and quote the code in "details".',
      code: err.code,
      offline: false,
    }
  }
  if (err instanceof TypeError && NETWORK.test(err.message)) return { ...OFFLINE, code: 'NETWORK', offline: true }
  return {
    what: 'Something unexpected went wrong.',
    todo: 'Reload the page and try again.',
    code: 'UNKNOWN',
    offline: false,
  }
}

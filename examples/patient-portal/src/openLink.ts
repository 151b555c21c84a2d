/**
 * The clinician's side of a SMART Health Link, with no DOM: open the link (the recipient's name, the passcode when
 * the link asks for one), decrypt its files, turn FHIR into readable summaries and verify health cards; and every
 * refusal in words with what to do.
 * @module
 */
import { isSdkError } from '@medseal/core'
import { decodeShlink, openSmartHealthLink, type ShlinkPayload } from '@medseal/smart-health'
import { type Explanation, explain } from './explain.js'
import { cardVerifier, type TrustedIssuer } from './healthCards.js'
import { type Summary, summarize } from './summaries.js'

/** One file of an opened link, as the app shows it. */
export type OpenedLinkFile =
  | { readonly kind: 'fhir'; readonly summaries: readonly Summary[] }
  | {
      readonly kind: 'card'
      readonly issuer: string
      readonly patient: string
      readonly summaries: readonly Summary[]
    }
  | { readonly kind: 'card-refused'; readonly error: Explanation }
  | { readonly kind: 'other'; readonly contentType: string }

const SYSTEMS: Record<string, string> = {
  'http://loinc.org': 'LOINC',
  'http://snomed.info/sct': 'SNOMED CT',
  'http://www.nlm.nih.gov/research/umls/rxnorm': 'RxNorm',
  'http://hl7.org/fhir/sid/cvx': 'CVX',
}

/**
 * A card's resource as a summary. Cards leave out display names (SMART Health Cards' minimization), so a record
 * with no name left is titled by its code, e.g. "Test result, LOINC 8867-4".
 */
function cardSummary(r: Record<string, unknown>): Summary {
  const s = summarize(r)
  if (s.title !== r.resourceType && s.title !== 'Medication') return s
  const concept = (r.code ?? r.medicationCodeableConcept ?? r.vaccineCode) as
    | { coding?: { system?: string; code?: string }[] }
    | undefined
  const coding = concept?.coding?.[0]
  if (!coding?.code) return s
  return { ...s, title: `${s.kind}, ${SYSTEMS[coding.system ?? ''] ?? 'code'} ${coding.code}` }
}

/** The `shlink:/…` in a pasted link or a viewer URL (`…#shlink:/…`), or undefined. */
export function findShlink(text: string): string | undefined {
  const at = text.indexOf('shlink:/')
  return at < 0 ? undefined : text.slice(at).trim()
}

/**
 * Reads a link's payload (label, expiry, whether it needs a passcode) without contacting anyone.
 *
 * @param shlink - `shlink:/…` or a viewer URL with `#shlink:/…`
 * @returns the payload
 * @throws the SDK's `SHL_MALFORMED` for a damaged link
 * @example
 * ```ts
 * const { label, flag } = linkPayload(pasted)
 * ```
 */
export function linkPayload(shlink: string): ShlinkPayload {
  return decodeShlink(shlink)
}

/** Words for a refusal of a SMART Health Link (or a card in it); anything else as {@link explain} says. */
export function explainLink(err: unknown): Explanation {
  const code = isSdkError(err) ? err.code : ''
  const words = (what: string, todo: string): Explanation => ({ what, todo, code, offline: false })
  if (code === 'SHL_PASSCODE_INVALID') {
    const left = (err as { remainingAttempts?: number }).remainingAttempts
    if (left === undefined) return words('This link needs a passcode.', 'Ask the patient for it and type it in.')
    if (left === 0)
      return words(
        'The passcode is wrong, and that was the last try: the link no longer opens.',
        'Ask the patient to make a new link.',
      )
    return words(
      `The passcode is wrong. ${left} ${left === 1 ? 'try is' : 'tries are'} left before the link stops working.`,
      'Check the passcode with the patient, then type it again.',
    )
  }
  if (code === 'SHL_EXPIRED')
    return words('The link has ended: the patient made it for a limited time.', 'Ask the patient for a new link.')
  if (code === 'SHL_NOT_FOUND') {
    const reason = (err as { reason?: string }).reason
    if (reason === 'revoked')
      return words(
        'The patient has revoked this link.',
        'If you still need the records, ask the patient to share them again.',
      )
    if (reason === 'disabled')
      return words('The link stopped working after too many wrong passcodes.', 'Ask the patient to make a new link.')
    if (reason === 'expired')
      return words('The link has ended: the patient made it for a limited time.', 'Ask the patient for a new link.')
    return words(
      'The records service does not know this link.',
      'Check that you copied all of it, or ask the patient to send it again.',
    )
  }
  if (code === 'SHL_MALFORMED' || code === 'SHL_DECRYPT_FAILED')
    return words(
      'The link is damaged or incomplete, so its records cannot be read.',
      'Copy the whole link again exactly as you received it, or ask the patient to send it again.',
    )
  if (code === 'SHL_FETCH_FAILED')
    return {
      ...words('The records service of this link cannot be reached.', 'Check your connection and try again.'),
      offline: true,
    }
  if (code === 'SHC_ISSUER_UNTRUSTED')
    return words(
      'This health card is signed by an issuer this app does not know.',
      'Do not rely on it; ask the patient for a card from a known issuer.',
    )
  if (code.startsWith('SHC_'))
    return words(
      'This health card did not check out (its signature, dates or contents).',
      'Do not rely on it; ask the patient for a new card.',
    )
  return explain(err)
}

/**
 * Opens a link and reads its files. Refusals are thrown (explain them with {@link explainLink}); a card that does not
 * verify is returned as `card-refused`, beside the other files.
 *
 * @param params - the link, the recipient's name (the patient's log shows it), the passcode, the trusted issuers
 * @returns the files, readable
 * @example
 * ```ts
 * const files = await openLink({ shlink, recipient: 'Dr. Lee', passcode, issuers: await issuerDirectory() })
 * ```
 */
export async function openLink(params: {
  readonly shlink: string
  readonly recipient: string
  readonly passcode?: string
  readonly issuers: readonly TrustedIssuer[]
}): Promise<OpenedLinkFile[]> {
  const { files } = await openSmartHealthLink(
    { fetch: (url, init) => fetch(url, init) },
    {
      shlink: params.shlink,
      recipient: params.recipient,
      ...(params.passcode === undefined ? {} : { passcode: params.passcode }),
    },
  )
  const verify = cardVerifier(params.issuers)
  const out: OpenedLinkFile[] = []
  for (const f of files) {
    if (f.healthCards) {
      for (const jws of f.healthCards) {
        try {
          const card = await verify(jws)
          out.push({
            kind: 'card',
            issuer: card.issuerName,
            patient: card.patient.name,
            summaries: card.resources.filter((r) => r.resourceType !== 'Patient').map((r) => cardSummary(r)),
          })
        } catch (err) {
          out.push({ kind: 'card-refused', error: explainLink(err) })
        }
      }
    } else if (f.contentType === 'application/fhir+json') {
      const value = JSON.parse(f.content) as Record<string, unknown>
      const resources =
        value.resourceType === 'Bundle' && Array.isArray(value.entry)
          ? (value.entry as { resource?: Record<string, unknown> }[]).flatMap((e) => (e.resource ? [e.resource] : []))
          : [value]
      out.push({ kind: 'fhir', summaries: resources.map((r) => summarize(r)) })
    } else out.push({ kind: 'other', contentType: f.contentType })
  }
  return out
}

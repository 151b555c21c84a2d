/**
 * `.smart-health-card` files (MIME type `application/smart-health-card`): `{"verifiableCredential": [jws, …]}`.
 * @module
 */
import { SmartHealthError } from './errors.js'

/** Everything {@link decodeHealthCardFile} can throw. */
export type HealthCardFileErrorType = SmartHealthError

/** The file's MIME type. */
export const HEALTH_CARD_FILE_TYPE = 'application/smart-health-card'

/**
 * The text of a `.smart-health-card` file holding `jws`.
 *
 * @param jws - one or more cards
 * @returns the file's JSON text
 * @example
 * ```ts
 * import { encodeHealthCardFile } from '@medseal/smart-health'
 * const file = new Blob([encodeHealthCardFile([jws])], { type: 'application/smart-health-card' })
 * ```
 */
export function encodeHealthCardFile(jws: readonly string[]): string {
  if (!Array.isArray(jws) || jws.length === 0 || jws.some((j) => typeof j !== 'string'))
    throw new SmartHealthError('SHC_MALFORMED', 'jws must be a non-empty list of compact JWS.')
  return JSON.stringify({ verifiableCredential: jws })
}

/**
 * The cards in a `.smart-health-card` file.
 *
 * @param text - the file's text (at most 4 MiB)
 * @returns the compact JWS it holds (not yet verified)
 * @throws {@link SmartHealthError} `SHC_MALFORMED` when the text is not such a file
 * @example
 * ```ts
 * import { decodeHealthCardFile, verifyHealthCard } from '@medseal/smart-health'
 * for (const jws of decodeHealthCardFile(await file.text())) await verifyHealthCard({ fetch, cache }, { card: jws })
 * ```
 */
export function decodeHealthCardFile(text: string): readonly string[] {
  if (typeof text !== 'string' || text.length > 4 * 1024 * 1024)
    throw new SmartHealthError('SHC_MALFORMED', 'A .smart-health-card file is JSON text of at most 4 MiB.')
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (cause) {
    throw new SmartHealthError('SHC_MALFORMED', 'A .smart-health-card file is not JSON.', { cause })
  }
  const list = (doc as { verifiableCredential?: unknown } | null)?.verifiableCredential
  if (!Array.isArray(list) || list.length === 0 || list.some((j) => typeof j !== 'string'))
    throw new SmartHealthError('SHC_MALFORMED', 'A .smart-health-card file holds a verifiableCredential list of JWS.')
  return Object.freeze([...list] as string[])
}

/**
 * The canonical bytes and content id of a FHIR resource.
 * @module
 */
import { type ContentId, createContentId, utf8ToBytes } from '@medseal/core'
import {
  type CanonicalizeResourceErrorType,
  type CanonicalizeResourceInput,
  type CanonicalizeResourceOptions,
  canonicalizeResource,
} from './canonicalizeResource.js'

/** What {@link hashResource} returns. */
export type HashResourceReturnType = {
  /** UTF-8 bytes of {@link canonicalizeResource}'s output: what gets hashed, sealed and committed to. */
  readonly canonical: Uint8Array
  /**
   * CIDv1 (json codec 0x0200, sha2-256) of `canonical`. A plain content hash: fine for addressing and deduplication,
   * but never put it on a ledger (a small coded resource could be guessed); ledgers get salted commitments.
   */
  readonly contentId: ContentId
}

/** Everything {@link hashResource} can throw. */
export type HashResourceErrorType = CanonicalizeResourceErrorType

/**
 * Canonicalizes a FHIR resource (decimal precision kept from JSON text; `meta`/`text`/`id` rules of
 * {@link CanonicalizeResourceOptions}) and computes its content id.
 *
 * @param input - the resource as JSON text, UTF-8 bytes, or an object
 * @param options - {@link CanonicalizeResourceOptions}
 * @returns `{ canonical, contentId }`
 * @throws {@link @medseal/core!InvalidArgumentError} / {@link FhirValidationError} as {@link canonicalizeResource}
 * @example
 * ```ts
 * import { hashResource } from '@medseal/fhir'
 * const { canonical, contentId } = hashResource('{"resourceType":"Observation","valueQuantity":{"value":1.50}}')
 * contentId.toString() // 'bagaaiera…'
 * ```
 */
export function hashResource(
  input: CanonicalizeResourceInput,
  options?: CanonicalizeResourceOptions,
): HashResourceReturnType {
  const canonical = utf8ToBytes(canonicalizeResource(input, options))
  return Object.freeze({ canonical, contentId: createContentId(canonical) })
}

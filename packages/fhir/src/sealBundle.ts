/**
 * Sealing every entry of a FHIR Bundle, keeping the Bundle's references resolvable.
 *
 * Each entry's resource is canonicalized with {@link canonicalizeResource} (so decimals keep their precision when
 * the Bundle is given as JSON text) and sealed with `sealCanonical` from `@medseal/core`: one envelope, one
 * commitment and one content id per entry. The Bundle itself is not sealed; what ties the entries together is
 * returned next to the envelopes: each entry's `fullUrl` (the name `urn:uuid:` references use) and the resolved
 * reference graph (which entry points at which, by which element), computed by the rules of FHIR R4 Bundle
 * "Resolving references in Bundles": an absolute reference (`urn:uuid:`, `http…`) matches an entry's `fullUrl`; a
 * relative `Type/id` from an entry with a RESTful `fullUrl` is resolved against that server's base (and nowhere
 * else); from other entries it matches an entry whose resource is that `Type/id`. `…/_history/v` picks the entry
 * with that `meta.versionId`; several versions of one `fullUrl` otherwise resolve to the latest.
 * @module
 */
import type { Bundle } from '@medplum/fhirtypes'
import {
  describeType,
  type Envelope,
  type EnvelopeRecipientInput,
  InvalidArgumentError,
  type RandomBytes,
  type SealReturnType,
  sealCanonical,
  utf8ToBytes,
} from '@medseal/core'
import { arrayElements, objectMembers } from './_canonicalJson.js'
import { isObject, restBaseOf } from './_util.js'
import {
  type CanonicalizeResourceInput,
  type CanonicalizeResourceOptions,
  canonicalizeResource,
} from './canonicalizeResource.js'
import { FhirValidationError } from './errors.js'
import { assertValidResource } from './validateResource.js'

const utf8Decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Bundle types whose entries {@link sealBundle} seals.
 * @example
 * ```ts
 * import { SEALABLE_BUNDLE_TYPES } from '@medseal/fhir'
 * SEALABLE_BUNDLE_TYPES.includes('searchset') // true
 * ```
 */
export const SEALABLE_BUNDLE_TYPES: readonly string[] = Object.freeze([
  'collection',
  'searchset',
  'transaction',
  'document',
  'batch',
])

/** Parameters of {@link sealBundle}. */
export type SealBundleParameters = {
  /** Who can open each entry (1..1024): Parties, PublicIdentities or `{ encryptionPublicKey }`. */
  readonly recipients: readonly EnvelopeRecipientInput[]
  /** Options of the canonical form of each entry (default: {@link canonicalizeResource}'s defaults). */
  readonly canonicalize?: CanonicalizeResourceOptions
  /** Validate the Bundle first (`validateResource`, not strict) and refuse an invalid one. Default `true`. */
  readonly validate?: boolean
  /** Source of randomness; inject only for deterministic tests. */
  readonly randomBytes?: RandomBytes
}

/** One sealed entry. */
export type SealedBundleEntry = {
  /** Position of the entry in `Bundle.entry`. */
  readonly index: number
  /** The entry's `fullUrl`, when it has one (the target of `urn:uuid:` references). */
  readonly fullUrl: string | undefined
  /** The entry's resource type. */
  readonly resourceType: string
  /** The resource's `id`, when it has one. */
  readonly id: string | undefined
  /** Salted commitment of the canonical resource: the only value that may go on a ledger. */
  readonly commitment: Uint8Array
  /** CIDv1 (json, sha2-256) of the canonical resource. A plain content hash: never on a ledger. */
  readonly contentId: SealReturnType['contentId']
  /** The sealed resource. */
  readonly envelope: Envelope
}

/** One reference from an entry's resource. */
export type BundleReferenceEdge = {
  /** Index of the referencing entry. */
  readonly from: number
  /** FHIRPath-like location of the reference, e.g. `Observation.subject.reference`. */
  readonly path: string
  /** The reference as written. */
  readonly reference: string
  /** Index of the entry it resolves to, or `undefined` when it points outside the Bundle (or at a contained resource). */
  readonly to: number | undefined
}

/** What {@link sealBundle} returns. */
export type SealBundleReturnType = {
  /** The Bundle's `type`. */
  readonly type: string
  /** One sealed entry per entry that has a resource, in Bundle order. */
  readonly entries: readonly SealedBundleEntry[]
  /** Every reference inside the entries' resources and where it resolves. */
  readonly references: readonly BundleReferenceEdge[]
}

/** Everything {@link sealBundle} can throw. */
export type SealBundleErrorType = InvalidArgumentError | FhirValidationError

function notSealable(diagnostics: string): FhirValidationError {
  return new FhirValidationError('The Bundle cannot be sealed.', {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'not-supported', diagnostics, expression: ['Bundle.type'] }],
  })
}

function collectReferences(value: unknown, path: string, out: { path: string; reference: string }[]): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) collectReferences(value[i], `${path}[${i}]`, out)
    return
  }
  if (!isObject(value)) return
  for (const [k, v] of Object.entries(value)) {
    if (k === 'reference' && typeof v === 'string') out.push({ path: `${path}.reference`, reference: v })
    else if (typeof v === 'object' && v !== null) collectReferences(v, `${path}.${k}`, out)
  }
}

/**
 * Seals every entry of a FHIR R4 Bundle (collection, searchset, transaction, document or batch) for the given
 * recipients, and returns the sealed entries with their `fullUrl`s and the resolved reference graph. Nothing is
 * returned (and nothing is written anywhere) unless every entry was sealed.
 *
 * @param bundle - the Bundle as JSON text or UTF-8 bytes (decimal precision kept) or as an object
 * @param params - `recipients`, and optionally `canonicalize` options, `validate` (default true), `randomBytes`
 * @returns `{ type, entries: [{ index, fullUrl, resourceType, id, commitment, contentId, envelope }], references }`
 * @throws {@link FhirValidationError} `INVALID_FHIR` (not a Bundle, an unsupported type, or an invalid resource)
 * @throws {@link @medseal/core!InvalidArgumentError} the parse errors of {@link canonicalizeResource} and the recipient errors of
 *   `sealCanonical` (`INVALID_ARGUMENT` for no recipients, `INVALID_KEY`, …)
 * @example
 * ```ts
 * import { createParty } from '@medseal/core'
 * import { sealBundle } from '@medseal/fhir'
 * const patient = createParty()
 * const { entries, references } = await sealBundle(bundleJsonText, { recipients: [patient] })
 * for (const e of entries) console.log(e.fullUrl, e.contentId.toString())
 * ```
 */
export async function sealBundle(
  bundle: CanonicalizeResourceInput | Bundle,
  params: SealBundleParameters,
): Promise<SealBundleReturnType> {
  if (!isObject(params))
    throw new InvalidArgumentError('INVALID_TYPE', 'sealBundle parameters must be an object.', {
      metaMessages: [`Received ${describeType(params)}.`],
    })
  const canonical = canonicalizeResource(bundle as CanonicalizeResourceInput, params.canonicalize)
  const members = objectMembers(canonical)
  // the graph and the checks read the Bundle as given (meta included); the sealed bytes come from `canonical`
  const parsed = (
    typeof bundle === 'string'
      ? JSON.parse(bundle)
      : bundle instanceof Uint8Array
        ? JSON.parse(utf8Decoder.decode(bundle))
        : bundle
  ) as Record<string, unknown>
  if (parsed.resourceType !== 'Bundle') throw notSealable('Not a Bundle.')
  const type = parsed.type
  if (typeof type !== 'string' || !SEALABLE_BUNDLE_TYPES.includes(type))
    throw notSealable(`Only ${SEALABLE_BUNDLE_TYPES.join(', ')} Bundles are sealed entry by entry.`)
  if (params.validate !== false) assertValidResource(parsed)

  const entryTexts = arrayElements(members.get('entry') ?? '[]')
  const entries = Array.isArray(parsed.entry) ? (parsed.entry as Record<string, unknown>[]) : []
  const prepared: {
    index: number
    fullUrl: string | undefined
    resourceType: string
    id: string | undefined
    bytes: Uint8Array
    resource: Record<string, unknown>
  }[] = []
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index] as Record<string, unknown>
    const resource = entry.resource
    if (!isObject(resource)) continue // e.g. a transaction DELETE
    const resourceText = objectMembers(entryTexts[index] as string).get('resource') as string
    prepared.push({
      index,
      fullUrl: typeof entry.fullUrl === 'string' ? entry.fullUrl : undefined,
      resourceType: resource.resourceType as string,
      id: typeof resource.id === 'string' ? resource.id : undefined,
      bytes: utf8ToBytes(resourceText),
      resource,
    })
  }

  // reference graph (FHIR R4 §2.36.4 "Resolving references in Bundles")
  const byFullUrl = new Map<string, number[]>()
  const byTypeId = new Map<string, number[]>()
  const push = (map: Map<string, number[]>, k: string, v: number) => {
    const list = map.get(k)
    if (list) list.push(v)
    else map.set(k, [v])
  }
  const byIndex = new Map(prepared.map((p) => [p.index, p]))
  for (const p of prepared) {
    if (p.fullUrl !== undefined) push(byFullUrl, p.fullUrl, p.index)
    if (p.id !== undefined) push(byTypeId, `${p.resourceType}/${p.id}`, p.index)
  }
  /** Several entries with one fullUrl are versions: pick the asked version, else the latest (meta.lastUpdated, then Bundle order). */
  const pick = (candidates: number[] | undefined, version: string | undefined): number | undefined => {
    if (candidates === undefined) return undefined
    const meta = (i: number) =>
      byIndex.get(i)?.resource.meta as { versionId?: unknown; lastUpdated?: unknown } | undefined
    if (version !== undefined) return candidates.find((i) => meta(i)?.versionId === version)
    let best = candidates[0] as number
    for (const i of candidates.slice(1)) {
      const a = meta(best)?.lastUpdated
      const b = meta(i)?.lastUpdated
      if (!(typeof a === 'string' && typeof b === 'string' && b < a)) best = i
    }
    return best
  }
  const references: BundleReferenceEdge[] = []
  for (const p of prepared) {
    const found: { path: string; reference: string }[] = []
    collectReferences(p.resource, p.resourceType, found)
    const base = restBaseOf(p.fullUrl)
    for (const { path, reference } of found) {
      let to: number | undefined
      if (!reference.startsWith('#')) {
        const m = /^(.*)\/_history\/([^/]+)$/.exec(reference)
        const target = m ? (m[1] as string) : reference
        const version = m?.[2]
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) to = pick(byFullUrl.get(target), version)
        // a relative reference from an entry with a RESTful fullUrl resolves against that server's base only
        else if (base !== undefined) to = pick(byFullUrl.get(base + target), version)
        else to = pick(byTypeId.get(target), version)
      }
      references.push({ from: p.index, path, reference, to })
    }
  }

  const sealed: SealedBundleEntry[] = []
  for (const p of prepared) {
    const { envelope, commitment, contentId } = await sealCanonical(p.bytes, {
      recipients: params.recipients,
      randomBytes: params.randomBytes,
    })
    sealed.push(
      Object.freeze({
        index: p.index,
        fullUrl: p.fullUrl,
        resourceType: p.resourceType,
        id: p.id,
        commitment,
        contentId,
        envelope,
      }),
    )
  }
  return Object.freeze({ type, entries: Object.freeze(sealed), references: Object.freeze(references) })
}

/**
 * Anchored record → FHIR R4 `Provenance`, and its verification.
 *
 * The Provenance says: "this resource version was sealed by *who* and its commitment anchored on a ledger". Its
 * `signature[0]` is a JWS (RFC 7515, compact serialization, `sigFormat` `application/jose`) made by the sealer with
 * ES256K (secp256k1 + SHA-256, RFC 8812), `type` `1.2.840.10065.1.12.1.5` (ASTM E1762 Verification Signature), whose
 * payload is the canonical JSON (RFC 8785) of `{ v: 1, target: [references], receipt }` — the anchor receipt bound
 * to the Provenance targets. The JWS header names the signer by `kid` = its `did:key`. `Signature.data` holds the
 * JWS text, base64-encoded (FHIR base64Binary).
 *
 * Version 2 ({@link provenanceForReceipts}, what a sync writes): one Provenance for many anchored resource versions,
 * one signature: the payload is `{ v: 2, anchors: [{ target, receipt }, …] }`, `Provenance.target` lists the same
 * references in the same order and `Provenance.entity` one commitment per anchor. Each anchor proves what a version-1
 * Provenance proves for its own target. Both versions are read (docs/spec/provenance.md).
 *
 * @module
 */
import type { Coding, Provenance, ProvenanceAgent, Reference } from '@medplum/fhirtypes'
import {
  base64urlToBytes,
  bytesToBase64url,
  bytesToHex0x,
  bytesToUtf8,
  canonicalize,
  concatBytes,
  FhirError,
  type Hex,
  InvalidArgumentError,
  type LedgerAdapter,
  type LedgerRef,
  type Party,
  parseDid,
  parseReceipt,
  type Receipt,
  utf8ToBytes,
  VerificationError,
  type VerifyReceiptErrorType,
  verifyDigest,
  verifyReceipt,
} from '@medseal/core'
import { sha256 } from '@noble/hashes/sha2.js'
import { COMMITMENT_SYSTEM, HL7, MEDSEAL_FHIR_BASE, URI_SYSTEM } from './systems.js'

/** `Provenance.signature.sigFormat` of a medseal anchor signature: a JWS (compact) with ES256K. */
export const PROVENANCE_SIG_FORMAT = 'application/jose'
/** JWS `typ` header of a medseal anchor signature. */
export const PROVENANCE_JWS_TYPE = 'medseal-anchor+jws'
/** `Provenance.activity` code (system `https://medseal.dev/fhir/CodeSystem/provenance-activity`). */
export const PROVENANCE_ACTIVITY_SYSTEM = `${MEDSEAL_FHIR_BASE}/CodeSystem/provenance-activity`
/** ASTM E1762-95 Verification Signature, the `Provenance.signature.type` used. */
export const VERIFICATION_SIGNATURE_TYPE = '1.2.840.10065.1.12.1.5'

/** Parameters of {@link provenanceForReceipt}. */
export type ProvenanceForReceiptParameters = {
  /** The party that sealed and anchored the record; signs the Provenance signature. */
  readonly sealer: Pick<Party, 'did' | 'signDigest'>
  /** The resource version the receipt is for, e.g. `{ reference: 'Observation/1/_history/2' }`. */
  readonly target: Reference
  /** The record's anchor receipt (from `anchorer.add(commitment)`). */
  readonly receipt: Receipt
  /** The sealer as a FHIR reference (Device/Practitioner/Organization); default: an identifier with its did. */
  readonly who?: ProvenanceAgent['who']
}

/** One anchored resource version of a version-2 Provenance ({@link provenanceForReceipts}). */
export type ProvenanceAnchor = {
  /** The resource version, e.g. `{ reference: 'Observation/1/_history/2' }`. */
  readonly target: Reference
  /** Its anchor receipt (from `anchorer.add(commitment)`). */
  readonly receipt: Receipt
}

/** Parameters of {@link provenanceForReceipts}. */
export type ProvenanceForReceiptsParameters = {
  /** The party that sealed and anchored the records; signs the one Provenance signature. */
  readonly sealer: Pick<Party, 'did' | 'signDigest'>
  /** 1..{@link PROVENANCE_MAX_ANCHORS} anchored resource versions: distinct targets, distinct commitments. */
  readonly anchors: readonly ProvenanceAnchor[]
  /** The sealer as a FHIR reference (Device/Practitioner/Organization); default: an identifier with its did. */
  readonly who?: ProvenanceAgent['who']
}

/** Most anchors one version-2 Provenance holds ({@link provenanceForReceipts}). */
export const PROVENANCE_MAX_ANCHORS = 4096

/** Errors {@link provenanceForReceipt} can throw. */
export type ProvenanceForReceiptErrorType = InvalidArgumentError | VerificationError

/** Parameters of {@link verifyProvenance}. */
export type VerifyProvenanceParameters = {
  /** The Provenance (untrusted, e.g. read from a FHIR server). */
  readonly provenance: unknown
  /** The record's commitment as you computed it (from its envelope), never taken from the Provenance. */
  readonly commitment: Uint8Array | Hex
  /** Who must have signed: a did:key or an address. Default: any signer (then check the returned `signer`). */
  readonly signer?: string
}

/** One signed anchor as a verifier reads it: the target (reference, or `system|value`) and its receipt. */
export type ProvenanceSignedAnchor = {
  readonly target: string
  readonly receipt: Receipt
}

/** What {@link verifyProvenance} proves. */
export type VerifyProvenanceReturnType = {
  /** The signer's did:key (from the JWS `kid`, checked against the signature). */
  readonly signer: string
  /** The signer's address. */
  readonly address: Hex
  /** The signed receipt of `commitment`. */
  readonly receipt: Receipt
  /** The Provenance targets the signature covers. */
  readonly target: readonly string[]
  /**
   * The target(s) `commitment` is the record of: the one target of its anchor in a version-2 Provenance; every
   * target in a version-1 Provenance (one receipt for them all).
   */
  readonly resource: readonly string[]
  /** Where and when the ledger anchored the commitment, as the ledger says now. */
  readonly anchoredAt: LedgerRef
}

/** Errors {@link verifyProvenance} can throw. */
export type VerifyProvenanceErrorType = FhirError | VerificationError | VerifyReceiptErrorType

const ES256K_HEADER = (kid: string) => ({ alg: 'ES256K', kid, typ: PROVENANCE_JWS_TYPE })

const targetKey = (r: Reference): string => {
  if (typeof r.reference === 'string') return r.reference
  if (r.identifier && typeof r.identifier.value === 'string')
    return `${r.identifier.system ?? ''}|${r.identifier.value}`
  throw new InvalidArgumentError('INVALID_ARGUMENT', 'target must have a reference or an identifier value.')
}

const toBase64 = (bytes: Uint8Array): string => {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[])
  return btoa(s)
}
/**
 * base64url without padding (RFC 7515 §2) of a string's UTF-8 bytes, through the platform's `btoa` (fast on a large
 * payload: an ASCII string, the usual case, is encoded as it is).
 */
const utf8ToBase64url = (text: string): string => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range, control characters included
  const b64 = /^[\x00-\x7f]*$/.test(text) ? btoa(text) : toBase64(utf8ToBytes(text))
  const end = b64.endsWith('==') ? b64.length - 2 : b64.endsWith('=') ? b64.length - 1 : b64.length
  return b64.slice(0, end).replaceAll('+', '-').replaceAll('/', '_')
}
const fromBase64 = (text: string): Uint8Array => {
  const s = atob(text)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

const instant = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')

/**
 * Builds the `Provenance` of an anchored record: `target` the resource version, `recorded` the ledger time of the
 * anchor, `agent` the sealer (provenance-participant-type `custodian`), `entity` the commitment, and a signature
 * by the sealer over the receipt (see the module comment for the format).
 *
 * @param params - `sealer`, `target`, `receipt`, optional `who`
 * @returns a new Provenance
 * @throws {@link @medseal/core!VerificationError} `RECEIPT_MALFORMED` for a malformed receipt
 * @throws {@link @medseal/core!InvalidArgumentError} for a target without reference or identifier
 * @example
 * ```ts
 * import { provenanceForReceipt } from '@medseal/fhir'
 * const receipt = await anchorer.add(commitment)
 * const provenance = provenanceForReceipt({ sealer, target: { reference: 'Observation/1/_history/1' }, receipt })
 * ```
 */
export function provenanceForReceipt(params: ProvenanceForReceiptParameters): Provenance {
  if (typeof params !== 'object' || params === null) {
    throw new InvalidArgumentError('INVALID_TYPE', 'provenanceForReceipt parameters must be an object.')
  }
  const { sealer, target } = params
  if (typeof sealer?.signDigest !== 'function' || typeof sealer.did !== 'string') {
    throw new InvalidArgumentError('INVALID_TYPE', 'sealer must be a Party.')
  }
  if (typeof target !== 'object' || target === null) {
    throw new InvalidArgumentError('INVALID_TYPE', 'target must be a FHIR Reference.')
  }
  const receipt = parseReceipt(params.receipt)
  const who: ProvenanceAgent['who'] = params.who ?? { identifier: { system: URI_SYSTEM, value: sealer.did } }
  const recorded = instant(receipt.ledger.timestamp)
  const header = bytesToBase64url(utf8ToBytes(canonicalize(ES256K_HEADER(sealer.did))))
  const payload = bytesToBase64url(utf8ToBytes(canonicalize({ v: 1, target: [targetKey(target)], receipt })))
  const signingInput = utf8ToBytes(`${header}.${payload}`)
  const sig = sealer.signDigest(sha256(signingInput)).subarray(0, 64) // JWS ES256K: r || s (RFC 8812 §3.2)
  const jws = `${header}.${payload}.${bytesToBase64url(sig)}`
  const type: Coding = {
    system: HL7.signatureType,
    code: VERIFICATION_SIGNATURE_TYPE,
    display: 'Verification Signature',
  }
  return {
    resourceType: 'Provenance',
    target: [target],
    recorded,
    activity: { coding: [{ system: PROVENANCE_ACTIVITY_SYSTEM, code: 'seal-anchor', display: 'sealed and anchored' }] },
    agent: [
      {
        type: { coding: [{ system: HL7.provenanceParticipant, code: 'custodian', display: 'Custodian' }] },
        who,
      },
    ],
    entity: [{ role: 'source', what: { identifier: { system: COMMITMENT_SYSTEM, value: receipt.commitment } } }],
    signature: [
      {
        type: [type],
        when: recorded,
        who,
        targetFormat: 'application/fhir+json',
        sigFormat: PROVENANCE_SIG_FORMAT,
        data: toBase64(utf8ToBytes(jws)),
      },
    ],
  }
}

/**
 * Builds one version-2 `Provenance` for many anchored resource versions (what `syncPatient` writes per chunk): one
 * signature by the sealer over every `{ target, receipt }`, `target` the resource versions in order, `entity` one
 * commitment each, `recorded` the latest ledger time among the receipts. Each anchor proves what a
 * {@link provenanceForReceipt} Provenance proves for its own target; {@link verifyProvenance} picks the anchor by
 * the record's commitment.
 *
 * @param params - `sealer`, `anchors` (1..{@link PROVENANCE_MAX_ANCHORS}), optional `who`
 * @returns a new Provenance (a promise: the signing input is hashed with WebCrypto)
 * @throws {@link @medseal/core!VerificationError} `RECEIPT_MALFORMED` for a malformed receipt
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_ARGUMENT` for no anchors, a target without reference or
 *   identifier, or a target or commitment given twice; `OUT_OF_RANGE` above {@link PROVENANCE_MAX_ANCHORS}
 * @example
 * ```ts
 * import { provenanceForReceipts } from '@medseal/fhir'
 * const [r1, r2] = await Promise.all([anchorer.add(c1), anchorer.add(c2)])
 * const provenance = await provenanceForReceipts({
 *   sealer,
 *   anchors: [
 *     { target: { reference: 'Observation/1/_history/1' }, receipt: r1 },
 *     { target: { reference: 'Observation/2/_history/1' }, receipt: r2 },
 *   ],
 * })
 * ```
 */
export async function provenanceForReceipts(params: ProvenanceForReceiptsParameters): Promise<Provenance> {
  if (typeof params !== 'object' || params === null) {
    throw new InvalidArgumentError('INVALID_TYPE', 'provenanceForReceipts parameters must be an object.')
  }
  const { sealer, anchors } = params
  if (typeof sealer?.signDigest !== 'function' || typeof sealer.did !== 'string') {
    throw new InvalidArgumentError('INVALID_TYPE', 'sealer must be a Party.')
  }
  if (!Array.isArray(anchors) || anchors.length === 0) {
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'anchors must be a non-empty array.')
  }
  if (anchors.length > PROVENANCE_MAX_ANCHORS) {
    throw new InvalidArgumentError('OUT_OF_RANGE', `anchors holds at most ${PROVENANCE_MAX_ANCHORS} entries.`)
  }
  const targets: Reference[] = []
  const signed: { target: string; receipt: Receipt }[] = []
  const seenTargets = new Set<string>()
  const seenCommitments = new Set<string>()
  let latest = 0
  for (const [i, anchor] of anchors.entries()) {
    const target = anchor?.target
    if (typeof target !== 'object' || target === null) {
      throw new InvalidArgumentError('INVALID_TYPE', `anchors[${i}].target must be a FHIR Reference.`)
    }
    const key = targetKey(target)
    const receipt = parseReceipt(anchor.receipt)
    const commitment = receipt.commitment.toLowerCase()
    if (seenTargets.has(key) || seenCommitments.has(commitment)) {
      throw new InvalidArgumentError('INVALID_ARGUMENT', `anchors[${i}] repeats a target or a commitment.`)
    }
    seenTargets.add(key)
    seenCommitments.add(commitment)
    latest = Math.max(latest, receipt.ledger.timestamp)
    targets.push(target)
    signed.push({ target: key, receipt })
  }
  const who: ProvenanceAgent['who'] = params.who ?? { identifier: { system: URI_SYSTEM, value: sealer.did } }
  const recorded = instant(latest)
  const header = bytesToBase64url(utf8ToBytes(canonicalize(ES256K_HEADER(sealer.did))))
  const payload = utf8ToBase64url(canonicalize({ v: 2, anchors: signed }))
  // WebCrypto's SHA-256 over the (large) signing input; the signature as in version 1
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8ToBytes(`${header}.${payload}`)))
  const sig = sealer.signDigest(digest).subarray(0, 64)
  return {
    resourceType: 'Provenance',
    target: targets,
    recorded,
    activity: { coding: [{ system: PROVENANCE_ACTIVITY_SYSTEM, code: 'seal-anchor', display: 'sealed and anchored' }] },
    agent: [
      {
        type: { coding: [{ system: HL7.provenanceParticipant, code: 'custodian', display: 'Custodian' }] },
        who,
      },
    ],
    entity: signed.map((s) => ({
      role: 'source' as const,
      what: { identifier: { system: COMMITMENT_SYSTEM, value: s.receipt.commitment } },
    })),
    signature: [
      {
        type: [{ system: HL7.signatureType, code: VERIFICATION_SIGNATURE_TYPE, display: 'Verification Signature' }],
        when: recorded,
        who,
        targetFormat: 'application/fhir+json',
        sigFormat: PROVENANCE_SIG_FORMAT,
        data: btoa(`${header}.${payload}.${bytesToBase64url(sig)}`), // the JWS text is ASCII
      },
    ],
  }
}

const invalidFhir = (message: string) => new FhirError('INVALID_FHIR', message)
const badSignature = (message: string) => new VerificationError('INVALID_SIGNATURE', message)

function decodeJson(part: string, what: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(bytesToUtf8(base64urlToBytes(part)))
  } catch (cause) {
    throw new VerificationError('INVALID_SIGNATURE', `The JWS ${what} is not base64url JSON.`, { cause })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badSignature(`The JWS ${what} is not an object.`)
  return value as Record<string, unknown>
}

/**
 * Verifies a medseal Provenance: its JWS signature (ES256K by the `kid` did:key, optionally the expected signer),
 * that the signed targets are the Provenance's, and the signed receipt against the ledger for the commitment you
 * computed ({@link @medseal/core!verifyReceipt}).
 *
 * @param ledger - the ledger the record was anchored on
 * @param params - `provenance`, `commitment`, optional `signer`
 * @returns the signer, the receipt, the targets and the ledger's reference of the anchor
 * @throws {@link @medseal/core!FhirError} `INVALID_FHIR` when it is not a Provenance with a medseal signature
 * @throws {@link @medseal/core!VerificationError} `INVALID_SIGNATURE` (bad or foreign signature, other signer, targets changed),
 *   and every code of {@link @medseal/core!verifyReceipt} (`RECORD_MISMATCH`, `PROOF_INVALID`, `ANCHOR_NOT_FOUND`, …)
 * @example
 * ```ts
 * import { verifyProvenance } from '@medseal/fhir'
 * const { signer, anchoredAt } = await verifyProvenance(ledger, { provenance, commitment, signer: sealer.did })
 * ```
 */
export async function verifyProvenance(
  ledger: LedgerAdapter,
  params: VerifyProvenanceParameters,
): Promise<VerifyProvenanceReturnType> {
  const p = params?.provenance as Provenance | undefined
  if (typeof p !== 'object' || p === null || p.resourceType !== 'Provenance') throw invalidFhir('Not a Provenance.')
  const sig = Array.isArray(p.signature)
    ? p.signature.find((s) => s?.sigFormat === PROVENANCE_SIG_FORMAT && typeof s.data === 'string')
    : undefined
  if (sig === undefined) throw invalidFhir('The Provenance has no application/jose signature.')
  const { signer, address, version, anchors, target } = verifyAnchorSignature(p, sig, params.signer)
  let receipt = (anchors[0] as ProvenanceSignedAnchor).receipt
  let resource = target
  if (version === 2) {
    // the commitment picks its anchor; none: the Provenance is for other records
    const c = params.commitment
    const wanted = typeof c === 'string' ? c.toLowerCase() : c instanceof Uint8Array ? bytesToHex0x(c) : undefined
    const mine = anchors.find((a) => a.receipt.commitment.toLowerCase() === wanted)
    if (mine === undefined && wanted !== undefined)
      throw new VerificationError('RECORD_MISMATCH', 'The Provenance holds no receipt for this record.')
    if (mine !== undefined) {
      receipt = mine.receipt
      resource = Object.freeze([mine.target])
    }
  }
  const { anchoredAt } = await verifyReceipt(ledger, { receipt, commitment: params.commitment })
  return Object.freeze({ signer, address, receipt, target, resource, anchoredAt })
}

type ProvenanceSignatureElement = NonNullable<Provenance['signature']>[number]

/** Why a Provenance signature block is not a medseal anchor signature. */
export type ForeignSignatureReason =
  /** The block has no `data` (FHIR allows a signature without it, e.g. a reference to a signature held elsewhere). */
  | 'DATA_MISSING'
  /** `sigFormat` is not `application/jose` (e.g. XML DSig `application/signature+xml`). */
  | 'SIG_FORMAT'
  /** A JOSE signature, but not a compact JWS of `typ` {@link PROVENANCE_JWS_TYPE}. */
  | 'NOT_MEDSEAL_JWS'

/** One `Provenance.signature` block as {@link parseProvenanceSignatures} reads it. */
export type ProvenanceSignatureInfo =
  | {
      /** Position in `Provenance.signature`. */
      readonly index: number
      /** A medseal anchor signature whose JWS verifies (the ledger is {@link verifyProvenance}'s to check). */
      readonly medseal: true
      /** The signer's did:key. */
      readonly signer: string
      /** The signer's address. */
      readonly address: Hex
      /** The signed anchor receipt (version 2: the first anchor's; see `anchors`). */
      readonly receipt: Receipt
      /** The signature's format version: 1 (one receipt) or 2 (one receipt per target). */
      readonly version: 1 | 2
      /** Every signed anchor, in target order (version 1: each target with the one receipt). */
      readonly anchors: readonly ProvenanceSignedAnchor[]
      /** The Provenance targets the signature covers. */
      readonly target: readonly string[]
    }
  | {
      /** Position in `Provenance.signature`. */
      readonly index: number
      /** Not a medseal signature: reported, never verified (medseal has no verifier for it). */
      readonly medseal: false
      /** Why it is not medseal's. */
      readonly reason: ForeignSignatureReason
      /** `signature.sigFormat`, when given. */
      readonly sigFormat: string | undefined
      /** The `signature.type` codes (ASTM E1762 OIDs such as `1.2.840.10065.1.12.1.1`, author's signature). */
      readonly types: readonly string[]
      /** `signature.who.reference`, when it is a literal reference. */
      readonly who: string | undefined
    }

/** Errors {@link parseProvenanceSignatures} can throw. */
export type ParseProvenanceSignaturesErrorType = FhirError | VerificationError

/**
 * Reads every signature block of a Provenance: medseal anchor signatures are verified (JWS ES256K by the `kid`
 * did:key, the signed targets are the Provenance's) and returned with their receipt; any other signature (XML DSig,
 * another JWS, a block without data) is reported as foreign with the reason, never guessed at. Use
 * {@link verifyProvenance} to also check the receipt against the ledger and the record's commitment.
 *
 * @param provenance - the Provenance (untrusted)
 * @returns one {@link ProvenanceSignatureInfo} per `signature` element, in order (empty when it has none)
 * @throws {@link @medseal/core!FhirError} `INVALID_FHIR` when it is not a Provenance
 * @throws {@link @medseal/core!VerificationError} `INVALID_SIGNATURE` for a medseal signature that does not verify,
 *   `RECEIPT_MALFORMED` for a signed receipt that is not one
 * @example
 * ```ts
 * import { parseProvenanceSignatures } from '@medseal/fhir'
 * for (const s of parseProvenanceSignatures(provenance)) console.log(s.medseal ? s.signer : s.reason)
 * ```
 */
export function parseProvenanceSignatures(provenance: unknown): readonly ProvenanceSignatureInfo[] {
  const p = provenance as Provenance | undefined
  if (typeof p !== 'object' || p === null || p.resourceType !== 'Provenance') throw invalidFhir('Not a Provenance.')
  const blocks: unknown[] = Array.isArray(p.signature) ? p.signature : []
  return Object.freeze(
    blocks.map((block, index): ProvenanceSignatureInfo => {
      const sig = (typeof block === 'object' && block !== null ? block : {}) as ProvenanceSignatureElement
      const foreign = (reason: ForeignSignatureReason): ProvenanceSignatureInfo =>
        Object.freeze({
          index,
          medseal: false as const,
          reason,
          sigFormat: typeof sig.sigFormat === 'string' ? sig.sigFormat : undefined,
          types: Object.freeze(
            (Array.isArray(sig.type) ? sig.type : []).flatMap((t) => (typeof t?.code === 'string' ? [t.code] : [])),
          ),
          who: typeof sig.who?.reference === 'string' ? sig.who.reference : undefined,
        })
      if (typeof sig.data !== 'string') return foreign('DATA_MISSING')
      if (sig.sigFormat !== PROVENANCE_SIG_FORMAT) return foreign('SIG_FORMAT')
      const parts = jwsText(sig)?.split('.')
      let typ: unknown
      try {
        typ = parts?.length === 3 ? decodeJson(parts[0] as string, 'header').typ : undefined
      } catch {
        typ = undefined
      }
      if (typ !== PROVENANCE_JWS_TYPE) return foreign('NOT_MEDSEAL_JWS')
      const checked = verifyAnchorSignature(p, sig, undefined)
      return Object.freeze({
        index,
        medseal: true as const,
        ...checked,
        receipt: (checked.anchors[0] as ProvenanceSignedAnchor).receipt,
      })
    }),
  )
}

/** The JWS text of a signature block, or undefined when `data` is not base64 UTF-8. */
function jwsText(sig: ProvenanceSignatureElement): string | undefined {
  try {
    return bytesToUtf8(fromBase64(sig.data as string))
  } catch {
    return undefined
  }
}

/**
 * Checks a medseal anchor signature block of `p` (JWS ES256K by its `kid`, the expected signer when given, the
 * signed targets = the Provenance's): everything but the ledger.
 */
function verifyAnchorSignature(
  p: Provenance,
  sig: ProvenanceSignatureElement,
  expectedSigner: string | undefined,
): {
  signer: string
  address: Hex
  version: 1 | 2
  anchors: readonly ProvenanceSignedAnchor[]
  target: readonly string[]
} {
  let jws: string
  try {
    jws = bytesToUtf8(fromBase64(sig.data as string))
  } catch (cause) {
    throw new FhirError('INVALID_FHIR', 'Provenance.signature.data is not base64 UTF-8.', { cause })
  }
  const parts = jws.split('.')
  if (parts.length !== 3) throw badSignature('The signature is not a compact JWS.')
  const [h, pl, s] = parts as [string, string, string]
  const header = decodeJson(h, 'header')
  if (header.alg !== 'ES256K' || header.typ !== PROVENANCE_JWS_TYPE || typeof header.kid !== 'string') {
    throw badSignature('The JWS must be ES256K, typ medseal-anchor+jws, with a kid.')
  }
  let address: Hex
  try {
    address = parseDid(header.kid).address as Hex
  } catch (cause) {
    throw new VerificationError('INVALID_SIGNATURE', 'The JWS kid is not a did:key.', { cause })
  }
  let rs: Uint8Array
  try {
    rs = base64urlToBytes(s)
  } catch (cause) {
    throw new VerificationError('INVALID_SIGNATURE', 'The JWS signature is not base64url.', { cause })
  }
  if (rs.length !== 64) throw badSignature('An ES256K signature is 64 bytes.')
  const digest = sha256(utf8ToBytes(`${h}.${pl}`))
  const verifies = [27, 28].some((v) => {
    try {
      return verifyDigest(address, digest, concatBytes(rs, Uint8Array.of(v)))
    } catch {
      return false // high-s or out-of-range r/s: not a signature we accept
    }
  })
  if (!verifies) throw badSignature('The Provenance signature does not verify.')
  if (expectedSigner !== undefined) {
    const expected = expectedSigner.startsWith('did:') ? expectedSigner : undefined
    const ok = expected ? expected === header.kid : expectedSigner.toLowerCase() === address.toLowerCase()
    if (!ok) throw badSignature('The Provenance is signed by another party.')
  }
  // A `who` naming a did must name the signer (a Device/Practitioner reference is the caller's to check).
  const named = [sig.who, ...(Array.isArray(p.agent) ? p.agent.map((a) => a?.who) : [])]
    .map((w) => (w?.identifier?.system === URI_SYSTEM ? w.identifier.value : undefined))
    .filter((v): v is string => typeof v === 'string' && v.startsWith('did:'))
  if (named.some((did) => did !== header.kid)) throw badSignature('The Provenance names another signer than the JWS.')
  const payload = decodeJson(pl, 'payload')
  const own = (Array.isArray(p.target) ? p.target : []).map((t) => {
    try {
      return targetKey(t)
    } catch {
      return undefined
    }
  })
  const sameTargets = (signed: readonly unknown[]) => {
    if (own.length !== signed.length || own.some((t, i) => t !== signed[i])) {
      throw badSignature('The Provenance targets are not the signed ones.')
    }
  }
  if (payload.v === 1 && Array.isArray(payload.target)) {
    const target = payload.target as unknown[]
    sameTargets(target)
    const receipt = parseReceipt(payload.receipt)
    const anchors = Object.freeze(target.map((t) => Object.freeze({ target: t as string, receipt })))
    return { signer: header.kid, address, version: 1, anchors, target: Object.freeze(target as string[]) }
  }
  if (payload.v === 2 && Array.isArray(payload.anchors) && payload.anchors.length > 0) {
    const anchors = (payload.anchors as unknown[]).map((a) => {
      if (typeof a !== 'object' || a === null || typeof (a as { target?: unknown }).target !== 'string') {
        throw badSignature('A signed anchor is not { target, receipt }.')
      }
      const { target, receipt } = a as { target: string; receipt: unknown }
      return Object.freeze({ target, receipt: parseReceipt(receipt) })
    })
    const target = anchors.map((a) => a.target)
    sameTargets(target)
    if (new Set(target).size !== target.length) throw badSignature('A signed target is listed twice.')
    return { signer: header.kid, address, version: 2, anchors: Object.freeze(anchors), target: Object.freeze(target) }
  }
  throw badSignature('The JWS payload is not a medseal anchor.')
}

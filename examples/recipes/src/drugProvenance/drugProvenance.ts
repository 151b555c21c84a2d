/**
 * Recipe 1, drug provenance: a medication's chain of custody (manufacturer → distributor → pharmacy → patient) as
 * sealed FHIR records, one per hop, each anchored on the ledger when the hop happens and signed by the party that
 * took custody in a medseal `Provenance` (a JWS over the anchor receipt). At the pharmacy, and later at the patient,
 * {@link verifyPedigree} checks the whole chain; a counterfeit hop (unsigned, re-ordered, or signed by someone else
 * than the trading partner it names) is detected.
 * @module
 */
import {
  type AnchorStore,
  addRecipient,
  bytesToHex0x,
  createAnchorer,
  createParty,
  type Envelope,
  type Hex,
  type LedgerAdapter,
  type LedgerRef,
  open,
  type Party,
  seal,
} from '@medseal/core'
import { assertValidResource, COMMITMENT_SYSTEM, provenanceForReceipt, verifyProvenance } from '@medseal/fhir'
import { codeOf, type RecipeOptions } from '../shared/ledger.js'
import { type RecipeCheck, type RecipeState, runRecipe } from '../shared/state.js'

/** Extension on each hop record naming the previous hop by its anchored commitment. */
export const PREVIOUS_HOP_EXTENSION = 'https://medseal.dev/fhir/StructureDefinition/custody-previous-hop'
/** Identifier system of parties named by their DID (RFC 3986 URI). */
const URI = 'urn:ietf:rfc:3986'

/** A trading partner's role in the supply chain. */
export type TradingRole = 'manufacturer' | 'distributor' | 'pharmacy'

/** One hop of a pedigree as it travels with the package: the sealed record and its signed Provenance. */
export type Hop = {
  readonly envelope: Envelope
  /** The FHIR Provenance signed by the party that took custody (absent or stripped on a counterfeit). */
  readonly provenance: unknown
}

/** The licensed trading partners a verifier trusts (e.g. a DSCSA authorized-trading-partner list), by DID. */
export type TradingPartnerDirectory = ReadonlyMap<string, TradingRole>

/** A verified hop. */
export type VerifiedHop = {
  readonly resourceType: string
  readonly signer: string
  readonly role: TradingRole | 'dispense'
  readonly commitment: Hex
  readonly anchoredAt: LedgerRef
}

/** Why a pedigree was refused: an SDK error code, or one of the chain rules below. */
export type PedigreeFailure =
  /** The hop does not name the previous hop's commitment (inserted, dropped or re-ordered hop). */
  | 'CHAIN_BROKEN'
  /** The hop was anchored before the previous one. */
  | 'OUT_OF_ORDER'
  /** The signer is not a licensed trading partner with the role that hop needs. */
  | 'UNKNOWN_SIGNER'
  /** The hop's supplier is not the previous custodian, or its item is another product or lot. */
  | 'CUSTODY_MISMATCH'
  /** An SDK code: `INVALID_FHIR` (no medseal signature), `INVALID_SIGNATURE`, `ANCHOR_NOT_FOUND`, `DECRYPT_FAILED`… */
  | (string & {})

/** What {@link verifyPedigree} returns. */
export type PedigreeVerdict =
  | { readonly valid: true; readonly hops: readonly VerifiedHop[] }
  | {
      readonly valid: false
      readonly hop: number
      readonly reason: PedigreeFailure
      readonly hops: readonly VerifiedHop[]
    }

type Json = Record<string, unknown>
type Ref = { identifier?: { system?: string; value?: string }; reference?: string }

const didOf = (ref: unknown): string | undefined => {
  const id = (ref as Ref | undefined)?.identifier
  return id?.system === URI ? id.value : undefined
}

const previousOf = (record: Json): string | undefined => {
  const ext = (record.extension as { url: string; valueIdentifier?: { system?: string; value?: string } }[]) ?? []
  const found = ext.find((e) => e.url === PREVIOUS_HOP_EXTENSION)?.valueIdentifier
  return found?.system === COMMITMENT_SYSTEM ? found.value?.toLowerCase() : undefined
}

/** Who handed the goods over in this hop record (undefined for the first hop, the Medication itself). */
function supplierOf(record: Json): string | undefined {
  if (record.resourceType === 'SupplyDelivery') return didOf(record.supplier)
  if (record.resourceType === 'MedicationDispense')
    return didOf((record.performer as { actor?: unknown }[] | undefined)?.[0]?.actor)
  return undefined
}

/** Which party took custody in this hop record. */
function custodianOf(record: Json): string | undefined {
  if (record.resourceType === 'Medication') return didOf(record.manufacturer)
  if (record.resourceType === 'SupplyDelivery') return didOf((record.receiver as unknown[] | undefined)?.[0])
  if (record.resourceType === 'MedicationDispense') return didOf(record.subject)
  return undefined
}

/** The Medication a later hop moves. */
function itemOf(record: Json): string | undefined {
  if (record.resourceType === 'SupplyDelivery')
    return (record.suppliedItem as { itemReference?: Ref } | undefined)?.itemReference?.reference
  if (record.resourceType === 'MedicationDispense') return (record.medicationReference as Ref | undefined)?.reference
  return undefined
}

/**
 * Verifies a pedigree as a receiver does: every hop opens for `verifier`, its Provenance is signed by the party that
 * the hop names as taking custody (a licensed trading partner with the role of that position, the patient for a
 * dispense), its commitment is anchored on `ledger` after the previous hop's, it names the previous hop's
 * commitment, and the goods came from the previous custodian.
 *
 * @param ledger - the ledger the hops were anchored on
 * @param params - `hops` in custody order, `verifier` (a recipient of every hop), `directory` of trading partners
 * @returns `{ valid: true, hops }`, or the first failing hop and why
 * @example
 * ```ts
 * const verdict = await verifyPedigree(ledger, { hops, verifier: pharmacy, directory })
 * if (!verdict.valid) console.log(`hop ${verdict.hop}: ${verdict.reason}`)
 * ```
 */
export async function verifyPedigree(
  ledger: LedgerAdapter,
  params: { hops: readonly Hop[]; verifier: Party; directory: TradingPartnerDirectory },
): Promise<PedigreeVerdict> {
  const roles: readonly TradingRole[] = ['manufacturer', 'distributor', 'pharmacy']
  const verified: VerifiedHop[] = []
  const fail = (hop: number, reason: PedigreeFailure): PedigreeVerdict =>
    Object.freeze({ valid: false, hop, reason, hops: Object.freeze([...verified]) })
  let medication: string | undefined
  for (const [i, hop] of params.hops.entries()) {
    let record: Json
    let commitment: Hex
    try {
      const opened = await open<Json>(hop.envelope, params.verifier)
      record = assertValidResource(opened.value) as Json
      commitment = bytesToHex0x(opened.commitment)
    } catch (err) {
      return fail(i, (err as { code?: string }).code ?? 'DECRYPT_FAILED')
    }
    const previous = verified[i - 1]
    const custodian = custodianOf(record)
    const dispense = record.resourceType === 'MedicationDispense'
    // Position rules: hop 0 is the manufacturer's Medication; then trading partners in role order; a dispense ends it.
    const role: TradingRole | 'dispense' = dispense ? 'dispense' : (roles[Math.min(i, roles.length - 1)] as TradingRole)
    // The hop must name the previous hop's commitment (the first hop, the Medication, names none).
    if (i === 0) {
      if (record.resourceType !== 'Medication' || previousOf(record) !== undefined) return fail(i, 'CHAIN_BROKEN')
      medication = `Medication/${record.id}`
    } else if (previous === undefined || previousOf(record) !== previous.commitment.toLowerCase()) {
      return fail(i, 'CHAIN_BROKEN')
    }
    if (custodian === undefined) return fail(i, 'CUSTODY_MISMATCH')
    if (!dispense && params.directory.get(custodian) !== role) return fail(i, 'UNKNOWN_SIGNER')
    if (dispense && previous?.role !== 'pharmacy') return fail(i, 'UNKNOWN_SIGNER')
    // The party taking custody signs; for a dispense the pharmacy that hands it over signs.
    const signer = dispense ? supplierOf(record) : custodian
    let anchoredAt: LedgerRef
    try {
      const out = await verifyProvenance(ledger, {
        provenance: hop.provenance,
        commitment,
        ...(signer === undefined ? {} : { signer }),
      })
      const targets = out.target
      if (targets.length !== 1 || targets[0] !== `${record.resourceType}/${record.id}`)
        return fail(i, 'INVALID_SIGNATURE')
      anchoredAt = out.anchoredAt
    } catch (err) {
      const code = (err as { code?: string }).code
      if (code === undefined) throw err
      return fail(i, code)
    }
    if (i > 0) {
      if (
        anchoredAt.block <= (previous as VerifiedHop).anchoredAt.block ||
        anchoredAt.timestamp < (previous as VerifiedHop).anchoredAt.timestamp
      )
        return fail(i, 'OUT_OF_ORDER')
      const previousCustodian = previous?.role === 'dispense' ? undefined : previous?.signer
      if (supplierOf(record) !== previousCustodian || itemOf(record) !== medication) return fail(i, 'CUSTODY_MISMATCH')
    }
    verified.push(
      Object.freeze({
        resourceType: record.resourceType as string,
        signer: signer as string,
        role,
        commitment,
        anchoredAt,
      }),
    )
  }
  return Object.freeze({ valid: true, hops: Object.freeze(verified) })
}

/**
 * Records one hop: seals the FHIR record to `holders`, anchors its commitment at once (its own ledger write), and
 * signs the medseal Provenance of that anchor as `signer`.
 *
 * @param ledger - where to anchor
 * @param params - the hop `record` (valid FHIR R4), its `signer`, the `holders` who may open it, and optionally the
 *   anchorer's `store` (durable: the anchor survives a crash between add and receipt)
 * @returns the hop (envelope + Provenance) and its commitment
 * @example
 * ```ts
 * const hop = await recordHop(ledger, { record: medication, signer: manufacturer, holders: [manufacturer] })
 * ```
 */
export async function recordHop(
  ledger: LedgerAdapter,
  params: { record: Json; signer: Party; holders: readonly Party[]; store?: AnchorStore },
): Promise<Hop & { commitment: Hex }> {
  const record = assertValidResource(params.record) as Json
  const { envelope, commitment } = await seal(record, { recipients: params.holders })
  const anchorer = createAnchorer(ledger, {
    maxBatchSize: 1,
    maxDelayMs: 0,
    ...(params.store ? { store: params.store } : {}),
  })
  const receipt = await anchorer.add(commitment)
  await anchorer.close()
  const provenance = provenanceForReceipt({
    sealer: params.signer,
    target: { reference: `${record.resourceType}/${record.id}` },
    receipt,
  })
  return { envelope, provenance, commitment: bytesToHex0x(commitment) }
}

/**
 * Hands a pedigree over with the goods: the giver (a recipient of every hop) wraps every hop's data key to the
 * receiver too (`addRecipient`); the records, commitments and Provenances do not change.
 *
 * @param hops - the pedigree so far
 * @param giver - the current holder
 * @param receiver - the next holder
 * @returns the same hops, openable by `receiver`
 * @example
 * ```ts
 * const forPharmacy = await handOver(hops, distributor, pharmacy)
 * ```
 */
export async function handOver(hops: readonly Hop[], giver: Party, receiver: Party): Promise<Hop[]> {
  return Promise.all(
    hops.map(async (h) => ({ ...h, envelope: await addRecipient(h.envelope, { opener: giver, recipient: receiver }) })),
  )
}

/** A party named by its DID in a FHIR Reference. */
export const who = (p: Party, display: string) => ({ identifier: { system: URI, value: p.did }, display })
/** The extension naming the previous hop's commitment. */
export const previous = (commitment: Hex) => [
  { url: PREVIOUS_HOP_EXTENSION, valueIdentifier: { system: COMMITMENT_SYSTEM, value: commitment } },
]

/** What the drug-provenance recipe verified. */
export type DrugProvenanceSummary = {
  readonly ledger: string
  readonly ledgerId: string
  /** Lot number of the medication package followed. */
  readonly lot: string
  /** The chain as the patient verified it, in custody order. */
  readonly chain: readonly { resourceType: string; role: string; signer: string; block: number }[]
  /** Hops the pharmacy verified before dispensing (manufacturer, distributor, pharmacy). */
  readonly pharmacyVerifiedHops: number
  /** Hops the patient verified after the dispense (the whole chain). */
  readonly patientVerifiedHops: number
  /** How each counterfeit pedigree was refused: `{ hop, reason }`. */
  readonly counterfeits: Readonly<
    Record<'unsigned' | 'reordered' | 'forgedSigner' | 'unlicensed', { hop: number; reason: string }>
  >
}

/**
 * Runs the drug-provenance recipe: four custody hops anchored one by one, verification at the pharmacy and at the
 * patient, and three counterfeit pedigrees refused.
 *
 * @param options - `rpc` for an EVM node (default: the memory ledger)
 * @param output - where each verified step is reported (one line each)
 * @returns the {@link DrugProvenanceSummary}
 * @throws Error when a check fails (the message names it)
 * @example
 * ```ts
 * const summary = await run({}, console.log)
 * summary.patientVerifiedHops // 4
 * ```
 */
export async function run(
  options: RecipeOptions = {},
  output: (line: string) => void = () => {},
): Promise<DrugProvenanceSummary> {
  return runRecipe({ recipe: 'drug-provenance', title: 'drug provenance', options, output }, story)
}

async function story(state: RecipeState, check: RecipeCheck): Promise<DrugProvenanceSummary> {
  const { ledger, stores } = state
  const [manufacturer, distributor, pharmacy, patient, counterfeiter] = Array.from({ length: 5 }, () =>
    createParty(),
  ) as [Party, Party, Party, Party, Party]
  const directory: TradingPartnerDirectory = new Map<string, TradingRole>([
    [manufacturer.did, 'manufacturer'],
    [distributor.did, 'distributor'],
    [pharmacy.did, 'pharmacy'],
  ])
  const lot = 'LOT-2026-0042'
  const item = { reference: 'Medication/amlodipine-lot-2026-0042' }

  // Hop 0: the manufacturer makes the lot (Medication with batch), anchors it and signs.
  const made = await recordHop(ledger, {
    store: stores.anchor('hops'),
    signer: manufacturer,
    holders: [manufacturer],
    record: {
      resourceType: 'Medication',
      id: 'amlodipine-lot-2026-0042',
      identifier: [{ system: 'https://www.gs1.org/gtin', value: '00312345678906' }],
      code: {
        coding: [
          {
            system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
            code: '197361',
            display: 'amlodipine 5 MG Oral Tablet',
          },
        ],
      },
      status: 'active',
      manufacturer: who(manufacturer, 'Acme Pharma'),
      batch: { lotNumber: lot, expirationDate: '2028-06-30' },
    },
  })
  // Hop 1: the distributor receives the lot from the manufacturer.
  let hops: Hop[] = await handOver([made], manufacturer, distributor)
  const toDistributor = await recordHop(ledger, {
    store: stores.anchor('hops'),
    signer: distributor,
    holders: [distributor],
    record: {
      resourceType: 'SupplyDelivery',
      id: 'delivery-to-distributor',
      extension: previous(made.commitment),
      status: 'completed',
      suppliedItem: { quantity: { value: 1000 }, itemReference: item },
      occurrenceDateTime: '2026-03-02T09:00:00Z',
      supplier: who(manufacturer, 'Acme Pharma'),
      receiver: [who(distributor, 'Northwind Distribution')],
    },
  })
  hops = [...hops, toDistributor]
  // Hop 2: the pharmacy receives a case from the distributor.
  hops = await handOver(hops, distributor, pharmacy)
  const toPharmacy = await recordHop(ledger, {
    store: stores.anchor('hops'),
    signer: pharmacy,
    holders: [pharmacy],
    record: {
      resourceType: 'SupplyDelivery',
      id: 'delivery-to-pharmacy',
      extension: previous(toDistributor.commitment),
      status: 'completed',
      suppliedItem: { quantity: { value: 30 }, itemReference: item },
      occurrenceDateTime: '2026-03-09T14:30:00Z',
      supplier: who(distributor, 'Northwind Distribution'),
      receiver: [who(pharmacy, 'Main Street Pharmacy')],
    },
  })
  hops = [...hops, toPharmacy]

  // At the pharmacy: the whole chain so far verifies before anything is dispensed.
  const atPharmacy = await verifyPedigree(ledger, { hops, verifier: pharmacy, directory })
  check(
    atPharmacy.valid && atPharmacy.hops.map((h) => h.role).join() === 'manufacturer,distributor,pharmacy',
    `pharmacy verified the package's chain before dispensing: manufacturer → distributor → pharmacy, ${atPharmacy.hops.length} hops, each signed by its licensed trading partner and anchored in order`,
  )

  // Each counterfeit pedigree as the pharmacy checks it, and where and why it is refused.
  const atPharmacyOf = async (chain: Hop[]) => {
    const verdict = await verifyPedigree(ledger, { hops: chain, verifier: pharmacy, directory })
    return verdict.valid ? { hop: -1, reason: 'accepted' } : { hop: verdict.hop, reason: verdict.reason }
  }
  // A delivery after the manufacturer's hop that an unlicensed party records, anchored on the real ledger, and signs
  // with its own key.
  const counterfeitHop = (id: string, receiver: Party, name: string) =>
    recordHop(ledger, {
      store: stores.anchor('hops'),
      signer: counterfeiter,
      holders: [counterfeiter, pharmacy],
      record: {
        resourceType: 'SupplyDelivery',
        id,
        extension: previous(made.commitment),
        status: 'completed',
        suppliedItem: { quantity: { value: 1000 }, itemReference: item },
        supplier: who(manufacturer, 'Acme Pharma'),
        receiver: [who(receiver, name)],
      },
    })
  // Counterfeit 1, unsigned: a diverter replaces the distributor hop's Provenance with one carrying no signature.
  const stripped = { ...(toDistributor.provenance as Json) }
  delete stripped.signature
  const unsigned = await atPharmacyOf(hops.map((h, i) => (i === 1 ? { ...h, provenance: stripped } : h)))
  // Counterfeit 2, re-ordered: the distributor and pharmacy hops swapped.
  const reordered = await atPharmacyOf([hops[0], hops[2], hops[1]] as Hop[])
  // Counterfeit 3, forged signer: an unlicensed party records "delivery to Northwind" itself.
  const forged = await counterfeitHop('delivery-to-distributor', distributor, 'Northwind Distribution')
  const forgedSigner = await atPharmacyOf([hops[0] as Hop, forged])
  // Counterfeit 4, diverted: an unlicensed wholesaler records and signs its own, honest-looking hop.
  const diverted = await counterfeitHop('delivery-to-grey-market', counterfeiter, 'Grey Market Wholesale')
  const unlicensed = await atPharmacyOf([hops[0] as Hop, diverted])
  const counterfeits = { unsigned, reordered, forgedSigner, unlicensed }
  check(
    counterfeits.unsigned.reason === 'INVALID_FHIR' &&
      counterfeits.unsigned.hop === 1 &&
      counterfeits.reordered.reason === 'CHAIN_BROKEN' &&
      counterfeits.reordered.hop === 1 &&
      counterfeits.forgedSigner.reason === 'INVALID_SIGNATURE' &&
      counterfeits.forgedSigner.hop === 1 &&
      counterfeits.unlicensed.reason === 'UNKNOWN_SIGNER' &&
      counterfeits.unlicensed.hop === 1,
    'counterfeit pedigrees refused: unsigned hop (INVALID_FHIR), re-ordered hops (CHAIN_BROKEN), hop signed by an unlicensed party in a distributor’s name (INVALID_SIGNATURE), hop through an unlicensed wholesaler (UNKNOWN_SIGNER)',
  )

  // Hop 3: the pharmacy dispenses to the patient and hands the pedigree over with the package.
  hops = await handOver(hops, pharmacy, patient)
  const dispensed = await recordHop(ledger, {
    store: stores.anchor('hops'),
    signer: pharmacy,
    holders: [pharmacy, patient],
    record: {
      resourceType: 'MedicationDispense',
      id: 'dispense-1',
      extension: previous(toPharmacy.commitment),
      status: 'completed',
      medicationReference: item,
      subject: who(patient, 'Patient'),
      performer: [{ actor: who(pharmacy, 'Main Street Pharmacy') }],
      quantity: { value: 30, unit: 'tablet' },
      whenHandedOver: '2026-03-12T11:05:00Z',
    },
  })
  hops = [...hops, dispensed]
  const atPatient = await verifyPedigree(ledger, { hops, verifier: patient, directory })
  check(
    atPatient.valid && atPatient.hops.length === 4,
    'patient verified the whole chain of the package in hand: 4 hops, manufacturer → distributor → pharmacy → patient',
  )
  // The pedigree is sealed: only the parties it was handed to can read it (a lot's route is commercially sensitive).
  const stranger = await codeOf(() => open(made.envelope, counterfeiter))
  check(
    stranger === 'NOT_A_RECIPIENT',
    'the sealed pedigree does not open for a party it was never handed to (NOT_A_RECIPIENT)',
  )

  const chain = atPatient.valid
    ? atPatient.hops.map((h) => ({
        resourceType: h.resourceType,
        role: h.role,
        signer: h.signer,
        block: h.anchoredAt.block,
      }))
    : []
  return Object.freeze({
    ledger: ledger.name,
    ledgerId: ledger.ledgerId,
    lot,
    chain: Object.freeze(chain),
    pharmacyVerifiedHops: atPharmacy.hops.length,
    patientVerifiedHops: atPatient.hops.length,
    counterfeits: Object.freeze(counterfeits),
  })
}

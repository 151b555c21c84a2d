/**
 * Test fixtures (used by tests and the bench only): a sealed, anchored Observation on a real memory ledger, issuer
 * and holder keys, and a helper that signs hand-made SD-JWTs to exercise each refusal.
 * @module
 * @internal
 */
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  bytesToHex0x,
  canonicalizeToBytes,
  createAnchorer,
  createParty,
  type Envelope,
  type Hex,
  type LedgerAdapter,
  type Receipt,
  sealCanonical,
} from '@medseal/core'
import { b64json, digestOf, signJws } from './_jose.js'
import { generateEs256Key } from './generateEs256Key.js'

/** A synthetic Observation (no real PHI). */
export const OBSERVATION = Object.freeze({
  resourceType: 'Observation',
  id: 'obs-hba1c-1',
  meta: { versionId: '3' },
  status: 'final',
  category: [
    {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }],
    },
  ],
  code: {
    coding: [{ system: 'http://loinc.org', code: '4548-4', display: 'Hemoglobin A1c/Hemoglobin.total in Blood' }],
  },
  subject: { reference: 'Patient/p-1' },
  effectiveDateTime: '2026-11-30T08:15:00Z',
  valueQuantity: { value: 6.1, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
  interpretation: [
    { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H' }] },
  ],
  performer: [{ reference: 'Practitioner/dr-1' }],
  note: [{ text: 'Patient fasting.' }],
})

/** The elements the fixtures make disclosable, in the issuer's terms. */
export const DISCLOSE = ['code', 'value[x]', 'effective[x]', 'interpretation', 'performer'] as const

export const T0 = 1_800_000_000

export type Fixture = {
  readonly ledger: LedgerAdapter
  readonly patient: ReturnType<typeof createParty>
  readonly commitment: Hex
  readonly receipt: Receipt
  /** The sealed Observation (the patient is its recipient). */
  readonly envelope: Envelope
  readonly issuer: Awaited<ReturnType<typeof generateEs256Key>>
  readonly holder: Awaited<ReturnType<typeof generateEs256Key>>
}

/** Seals and anchors {@link OBSERVATION} for a new patient on a new memory ledger (clock fixed at {@link T0}). */
export async function createFixture(): Promise<Fixture> {
  const ledger = createMemoryLedger({ id: 'sd-jwt-test', now: () => T0 }) as LedgerAdapter
  const patient = createParty()
  const { commitment, envelope } = await sealCanonical(canonicalizeToBytes(OBSERVATION), { recipients: [patient] })
  const anchorer = createAnchorer(ledger, { maxBatchSize: 1, maxDelayMs: 1 })
  const receipt = await anchorer.add(commitment)
  await anchorer.close()
  const [issuer, holder] = await Promise.all([generateEs256Key(), generateEs256Key()])
  return { ledger, patient, commitment: bytesToHex0x(commitment), receipt, envelope, issuer, holder }
}

/** Signs an arbitrary issuer JWT with `key`: for tests that need a token medseal would never issue. */
/**
 * The issue parameters most tests and benches use: the hospital issues the fixture's Observation to its holder, with
 * the fixture's binding, valid an hour from T0; with `status`, at `idx` of the status list at `uri`.
 */
export function issueParams(fx: Fixture, status?: { readonly idx: number; readonly uri: string }) {
  return {
    issuer: { key: fx.issuer.privateKey, iss: 'https://hospital.example' },
    resource: OBSERVATION,
    disclose: DISCLOSE,
    plain: ['status'],
    holder: fx.holder.publicJwk,
    binding: { commitment: fx.commitment, receipt: fx.receipt },
    ...(status ? { status: { status_list: { idx: status.idx, uri: status.uri } } } : {}),
    iat: T0,
    exp: T0 + 3600,
  }
}

export async function craftJwt(
  key: CryptoKey,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = { typ: 'dc+sd-jwt' },
): Promise<string> {
  return signJws(header, payload, key)
}

/** A KB-JWT over `sdJwtPart` (`<jwt>~<d…>~`). */
export async function craftKb(
  key: CryptoKey,
  sdJwtPart: string,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = { typ: 'kb+jwt' },
): Promise<string> {
  return signJws(
    header,
    { iat: T0, aud: 'https://verifier.example', nonce: 'n-1', sd_hash: digestOf(sdJwtPart), ...claims },
    key,
  )
}

/** An encoded disclosure and its digest. */
export function disclosure(value: unknown[]): { encoded: string; digest: string } {
  const encoded = b64json(value)
  return { encoded, digest: digestOf(encoded) }
}

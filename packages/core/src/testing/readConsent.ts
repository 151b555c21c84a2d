/**
 * The unsigned consent most ledger tests write: a patient lets a doctor read Observations for treatment.
 * @module
 */
import { bytesToHex0x, randomBytes } from '../bytes/index.js'
import type { Consent } from '../consent/types.js'

/** Parameters of {@link readConsent}: the `grantor` and `grantee`; any other field of a `Consent` replaces its default. */
export type ReadConsentParameters = Pick<Consent, 'grantor' | 'grantee'> & Partial<Omit<Consent, 'grantor' | 'grantee'>>

/** A consent grant's `parent` when the patient grants it (no delegation): 32 zero bytes. */
const NO_PARENT = `0x${'00'.repeat(32)}` as const

/**
 * The `Consent` value (unsigned) of a grant from `grantor` to `grantee` to `read` `Observation` records for `TREAT`,
 * with a fresh random id, no parent (a patient's own grant), no record list, no exclusions, no re-grants, valid from
 * 1,700,000,000 (2023-11-14) for 3,600 seconds. Any other field given replaces its default. For tests of ledgers and
 * chaincode that write or check consents directly; `grantReadConsent` signs and registers one.
 *
 * @param params - `grantor`, `grantee`, and any field to change
 * @returns a new plain `Consent` object
 * @example
 * ```ts
 * import { createParty } from '@medseal/core'
 * import { readConsent } from '@medseal/core/testing'
 * const [patient, doctor] = [createParty(), createParty()]
 * const consent = readConsent({ grantor: patient.address, grantee: doctor.address, expiresAt: 1_900_000_000 })
 * // consent.actions → ['read']; consent.parent → 0x00…00
 * ```
 */
export function readConsent(params: ReadConsentParameters): Consent {
  const notBefore = params.notBefore ?? 1_700_000_000
  return {
    id: bytesToHex0x(randomBytes(32)),
    parent: NO_PARENT,
    resourceTypes: ['Observation'],
    commitments: [],
    exclude: [],
    actions: ['read'],
    purposes: ['TREAT'],
    notBefore,
    expiresAt: notBefore + 3600,
    delegationDepth: 0,
    ...params,
  }
}

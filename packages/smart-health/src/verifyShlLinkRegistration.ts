/**
 * The audit of a stored SMART Health Link: who registered it. The link server keeps the registration signature with
 * the link; from the link alone (its id, consent, files, passcode hash, and the kept registration) the signed statement
 * is rebuilt and its signer recovered, so an auditor reading the store needs neither the server's word nor the
 * passcode.
 * @module
 */
import {
  type Address,
  base64urlToBytes,
  bytesToHex0x,
  type Hex,
  type LedgerDomain,
  type Secp256k1RecoveryOptions,
} from '@medseal/core'
import { SmartHealthError } from './errors.js'
import type { ShlStoredLink } from './shlStore.js'
import { recoverShlRegistrationSigner } from './signShlRegistration.js'

/** Everything {@link verifyShlLinkRegistration} can throw. */
export type VerifyShlLinkRegistrationErrorType = SmartHealthError

const NO_PASSCODE = `0x${'00'.repeat(32)}` as Hex

/**
 * Proves who registered a stored link: recovers the signer of its kept registration and checks that it is the link's
 * grantee (the key its consent grants to).
 *
 * @param domain - the consent's ledger domain (`ledger.domain`)
 * @param link - the link as the store returns it
 * @param opts - `secp256k1`: the recovery implementation (default `@noble/curves`)
 * @returns the registrant's address (EIP-55), the link's grantee
 * @throws {@link SmartHealthError} `SHL_REGISTRATION_UNAUTHORIZED` when the link has no kept registration (stored
 *   before registrations were kept), or it was not signed by the link's grantee over what the link holds (a changed
 *   row)
 * @example
 * ```ts
 * import { verifyShlLinkRegistration } from '@medseal/smart-health'
 * const link = await store.get(id)
 * if (link) console.log(await verifyShlLinkRegistration(ledger.domain, link)) // the grantee's address
 * ```
 */
export async function verifyShlLinkRegistration(
  domain: LedgerDomain,
  link: ShlStoredLink,
  opts?: Secp256k1RecoveryOptions,
): Promise<Address> {
  const r = link.registration
  if (!r) throw new SmartHealthError('SHL_REGISTRATION_UNAUTHORIZED', 'The link has no kept registration.')
  const signer = await recoverShlRegistrationSigner(
    domain,
    {
      id: link.id,
      consentId: link.consentId,
      grantor: link.grantor,
      service: r.service,
      files: link.files,
      passcodeHash: link.passcode ? bytesToHex0x(base64urlToBytes(link.passcode.hash)) : NO_PASSCODE,
      passcodeIterations: link.passcode?.iterations ?? 0,
      maxAttempts: r.maxAttempts,
      issuedAt: r.issuedAt,
    },
    r.signature,
    opts,
  )
  if (signer.toLowerCase() !== link.grantee.toLowerCase())
    throw new SmartHealthError(
      'SHL_REGISTRATION_UNAUTHORIZED',
      "The link's kept registration is not signed by its grantee over what the link holds.",
    )
  return signer
}

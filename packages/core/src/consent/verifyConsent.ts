/**
 * Signing and verifying consent tokens against a ledger's EIP-712 domain.
 * @module
 */
import { signConsent, verifySignedConsent } from '../eip712/structures.js'
import { ConsentError, isSdkError } from '../errors/base.js'
import type { Party } from '../identity/types.js'
import { assertConsent, assertDomain, assertSignatureHex, malformed, sameAddress, sameDomain } from './_validate.js'
import { assertConsentToken, type ConsentToken, decodeConsentToken } from './consentToken.js'
import type { Consent, LedgerDomain, SignedConsent, SignedConsentMessage } from './types.js'

/** Errors {@link verifyConsent} can throw. */
export type VerifyConsentErrorType = ConsentError

/**
 * Verifies a consent token for a ledger: its shape and values, that it was signed for this ledger's domain, and that
 * the signature recovers to the grantor. It does NOT look at the ledger (registration, revocation, time): that is
 * {@link authorize}'s job.
 *
 * @param domain - the ledger's EIP-712 domain (`ledger.domain`)
 * Integer fields (`notBefore`, `expiresAt`, `delegationDepth`, and an EVM domain's `chainId`) may be numbers or, as
 * viem writes them, bigints ({@link SignedConsentMessage}); out of range (above 2^53 - 1, or 255 for
 * `delegationDepth`) is `CONSENT_MALFORMED`. The consent returned has numbers.
 *
 * @param signed - a {@link ConsentToken}, its compact string, or a bare {@link SignedConsent} / {@link SignedConsentMessage}
 * @returns the verified consent (normalized, frozen)
 * @throws {@link ConsentError} `CONSENT_MALFORMED`, `CONSENT_WRONG_DOMAIN` (a token signed for another ledger),
 *   `CONSENT_SIGNATURE_INVALID` (not signed by the grantor under `domain`)
 * @example
 * ```ts
 * import { verifyConsent } from '@medseal/core'
 * const consent = verifyConsent(ledger.domain, 'msc1.Av…')
 * ```
 */
export function verifyConsent(
  domain: LedgerDomain,
  signed: SignedConsent | SignedConsentMessage | ConsentToken | string,
): Consent {
  const d = assertDomain(domain)
  let consent: Consent
  let signature: SignedConsent['signature']
  if (typeof signed === 'string') {
    const token = decodeConsentToken(signed)
    if (!sameDomain(token.domain, d)) throw wrongDomain()
    consent = token.consent
    signature = token.signature
  } else if (typeof signed === 'object' && signed !== null && 'domain' in signed) {
    const token = assertConsentToken(signed)
    if (!sameDomain(token.domain, d)) throw wrongDomain()
    consent = token.consent
    signature = token.signature
  } else {
    if (typeof signed !== 'object' || signed === null) throw malformed('signed', 'an object { consent, signature }')
    for (const key of Object.keys(signed))
      if (key !== 'consent' && key !== 'signature') throw malformed('signed', 'must have only consent and signature')
    consent = assertConsent((signed as SignedConsentMessage).consent)
    signature = assertSignatureHex((signed as SignedConsentMessage).signature)
  }
  try {
    verifySignedConsent(d, { consent, signature })
  } catch (cause) {
    if (isSdkError(cause, 'CONSENT_MALFORMED')) throw cause
    throw new ConsentError('CONSENT_SIGNATURE_INVALID', 'Consent signature is not the grantor’s for this ledger.', {
      cause,
    })
  }
  return consent
}

function wrongDomain(): ConsentError {
  return new ConsentError('CONSENT_WRONG_DOMAIN', 'Consent token was signed for another ledger.', {
    details: 'The token’s EIP-712 domain (chain and registry, or ledger salt) differs from this ledger’s.',
  })
}

/**
 * Signs a consent as its grantor for a ledger's domain and returns the token (signed consent + domain).
 *
 * @param party - the grantor (its address must equal `consent.grantor`)
 * @param domain - the ledger's EIP-712 domain (`ledger.domain`)
 * @param consent - from {@link createConsent}
 * @returns the {@link ConsentToken}; encode it with {@link encodeConsentToken} to hand it over as a string
 * @throws {@link ConsentError} `CONSENT_MALFORMED`, or `CONSENT_GRANTEE` when `party` is not the grantor
 * @example
 * ```ts
 * import { createConsent, createConsentToken } from '@medseal/core'
 * const token = createConsentToken(patient, ledger.domain, createConsent({ ... }))
 * await ledger.registerConsent(token)
 * ```
 */
export function createConsentToken(party: Party, domain: LedgerDomain, consent: Consent): ConsentToken {
  const d = assertDomain(domain)
  const c = assertConsent(consent)
  if (!sameAddress(party.address, c.grantor))
    throw new ConsentError('CONSENT_GRANTEE', 'Only the grantor can sign a consent.', {
      details: 'The signing party’s address differs from consent.grantor.',
    })
  const signed = signConsent(party, d, c)
  return Object.freeze({ domain: d, consent: c, signature: signed.signature })
}

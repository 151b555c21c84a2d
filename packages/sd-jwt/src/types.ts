/**
 * Shared types of `@medseal/sd-jwt`: the status reference and the record binding carried in the clear by every
 * medseal SD-JWT (docs/spec/sd-jwt-fhir.md §3, §4).
 * @module
 */
import type { Address, Hex, Receipt } from '@medseal/core'

/**
 * Where a verifier learns whether the token still holds (never optional in {@link verifySdJwt}):
 * - `status_list`: a Token Status List entry (draft-ietf-oauth-status-list §6.1), `idx` in the list at `uri`;
 * - `medseal_ledger`: the ledger `ledger` (its `ledgerId`): the token is revoked when `owner` recorded a tombstone for
 *   the bound record's commitment, or revoked the consent whose key (`consentKey(grantor, id)`) is `consent`.
 */
export type SdJwtStatus =
  | { readonly status_list: { readonly idx: number; readonly uri: string } }
  | { readonly medseal_ledger: { readonly ledger: string; readonly owner: Address; readonly consent?: Hex } }

/**
 * The `medseal` claim: binds the token to a sealed record. `commitment` is the record's salted commitment
 * (`HMAC-SHA256(salt, canonicalBytes)`, as anchored); `receipt` its anchor receipt, when the issuer has one.
 */
export type SdJwtRecordBinding = {
  readonly commitment: Hex
  readonly receipt?: Receipt
}

/** A public or private ES256 key: a WebCrypto `CryptoKey` (ECDSA P-256) or its JWK (with `d` when private). */
export type Es256Key = CryptoKey | JsonWebKey

/** A claim path: object member names and array indices from the payload root (`['fhir', 'valueQuantity']`). */
export type ClaimPath = readonly (string | number)[]

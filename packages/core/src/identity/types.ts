/**
 * Parties: who signs and who can decrypt.
 *
 * A party holds a secp256k1 signing key (its consent signatures verify on EVM chains by `ecrecover`) and a separate
 * X25519 encryption key; both derive from one 32-byte seed. The party is named by a `did:key` and, for its
 * Ethereum address, a `did:pkh:eip155`.
 * @module
 */
import type { Address } from '../types.js'

/** Roles a party plays. Informational: authorization never trusts a self-declared role. */
export type PartyRole = 'patient' | 'practitioner' | 'organization' | 'researcher' | 'auditor' | 'custodian'

/** What anyone may know about a party: its public keys and names. JSON form: see `exportIdentity`. */
export type PublicIdentity = {
  /** `did:key` of the secp256k1 signing key (multicodec `secp256k1-pub`, 0xe7). */
  readonly did: string
  /** Ethereum address of the signing key (EIP-55 checksummed). */
  readonly address: Address
  /** Compressed secp256k1 public key, 33 bytes. */
  readonly signingPublicKey: Uint8Array
  /** X25519 public key for HPKE, 32 bytes. */
  readonly encryptionPublicKey: Uint8Array
}

/**
 * A party with its secret keys. Secret keys are reachable only through `exportSeed`, never in `toJSON`,
 * `toString`, errors, logs or ledger writes.
 */
export type Party = PublicIdentity & {
  /**
   * Ed25519 public key (RFC 8032, 32 bytes) of the party's note key: it signs C2SP signed notes and checkpoints.
   * Not part of the identity JSON (version 1): publish it as a C2SP verifier key (`encodeVerifierKey`).
   */
  readonly notePublicKey: Uint8Array
  /**
   * Signs a C2SP signed note's text (the UTF-8 bytes, final newline included) with the note key: a 64-byte RFC 8032
   * Ed25519 signature (see `signNote` / `createCheckpoint` for the signature line).
   */
  signNote(text: Uint8Array): Uint8Array
  /** Signs a 32-byte digest: 65 bytes `r || s || v`, low-s, `v` in {27, 28} (Ethereum's form). */
  signDigest(digest: Uint8Array): Uint8Array
  /** The X25519 secret key, for HPKE decapsulation inside the SDK. @internal */
  readonly encryptionSecretKey: Uint8Array
  /** The 32-byte seed both keys derive from (a copy). Store it as you would a password. */
  exportSeed(): Uint8Array
  /** The public part only. */
  toPublic(): PublicIdentity
}

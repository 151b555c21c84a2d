/**
 * The registration statement of a SMART Health Link: what the link's grantee signs so that the link server accepts the
 * link from whoever holds the key the consent grants to, and from no one else. A consent token alone is not enough: it
 * travels (it is in the registration, and on a public ledger its parts can be read), and whoever held one could host
 * their own files under the patient's consent and write to the patient's access log.
 *
 * EIP-712 typed data under the consent's ledger domain (the type name `ShlRegistration` separates it from consents
 * and key requests signed under the same domain). It binds the link id (256 random bits, taken once per server), the
 * consent (id and grantor), the link server's public base URL (another server refuses it), every file (content type,
 * SHA-256 of the JWE, commitment, resource type; the JWE is hashed by WebCrypto rather than as an EIP-712 string, so
 * checking an 8 MiB registration costs milliseconds, not the seconds JavaScript keccak would take), the passcode's
 * PBKDF2 hash and iterations and the attempts allowed, and the time it was made (a server refuses a stale one). The
 * server accepts exactly what was signed: a changed file, passcode or limit is refused. The server stores the signature
 * with the link, so that an auditor can later prove who registered it (`verifyShlLinkRegistration`); it signs
 * the passcode's slow salted hash, never the passcode, so the kept signature lets no one test guesses faster than the
 * stored hash does. docs/guides/smart-health.md §Registration.
 * @module
 */
import {
  type Address,
  bytesToHex0x,
  type Hex,
  type LedgerDomain,
  type Party,
  recoverTypedDataAddress,
  type Secp256k1RecoveryOptions,
  signTypedData,
  toArrayBufferBacked,
  utf8ToBytes,
} from '@medseal/core'
import { subtle } from './_webcrypto.js'
import { SmartHealthError } from './errors.js'
import type { ShlStoredFile } from './shlStore.js'

/** EIP-712 `types` of a link registration. */
export const shlRegistrationTypes = {
  ShlRegistration: [
    { name: 'id', type: 'string' },
    { name: 'consentId', type: 'bytes32' },
    { name: 'grantor', type: 'address' },
    { name: 'service', type: 'string' },
    { name: 'files', type: 'ShlRegistrationFile[]' },
    { name: 'passcodeHash', type: 'bytes32' },
    { name: 'passcodeIterations', type: 'uint32' },
    { name: 'maxAttempts', type: 'uint32' },
    { name: 'issuedAt', type: 'uint64' },
  ],
  ShlRegistrationFile: [
    { name: 'contentType', type: 'string' },
    { name: 'jweSha256', type: 'bytes32' },
    { name: 'commitment', type: 'bytes32' },
    { name: 'resourceType', type: 'string' },
  ],
} as const

/** What a link's grantee signs. */
export type ShlRegistrationStatement = {
  /** The manifest id (43 base64url characters). */
  readonly id: string
  /** The consent behind the link, and its grantor (the patient): they name one grant on the ledger. */
  readonly consentId: Hex
  readonly grantor: Address
  /** The link server's public base URL, normalized ({@link normalizeShlServiceUrl}). */
  readonly service: string
  readonly files: readonly ShlStoredFile[]
  /**
   * The passcode's hash (`hashShlPasscode`: PBKDF2-SHA-256 salted with the link id), 32 zero bytes when the link
   * has none. Never the passcode: the server keeps the signature for audit, and it must not let a reader test guesses.
   */
  readonly passcodeHash: Hex
  /** The hash's PBKDF2 iterations; 0 when the link has no passcode. */
  readonly passcodeIterations: number
  /** Wrong passcodes allowed; 0 when the server's default applies. */
  readonly maxAttempts: number
  /** When it was made, Unix seconds. */
  readonly issuedAt: number
}

/** Everything {@link signShlRegistration} and {@link recoverShlRegistrationSigner} can throw. */
export type ShlRegistrationErrorType = SmartHealthError

const typedData = async (domain: LedgerDomain, statement: ShlRegistrationStatement) => ({
  domain,
  types: shlRegistrationTypes,
  primaryType: 'ShlRegistration',
  message: {
    ...statement,
    files: await Promise.all(
      statement.files.map(async (f) => ({
        contentType: f.contentType,
        jweSha256: bytesToHex0x(
          new Uint8Array(await subtle().digest('SHA-256', toArrayBufferBacked(utf8ToBytes(f.jwe)))),
        ),
        commitment: f.commitment,
        resourceType: f.resourceType,
      })),
    ),
  },
})

/**
 * Signs a link registration as the link's grantee (the party the consent grants to).
 *
 * @param party - the link's grantee
 * @param domain - the consent's ledger domain (`ledger.domain`)
 * @param statement - the link id, the consent, the server, the files, the passcode flag and attempts, the time
 * @returns the 65-byte EIP-712 signature as `0x` hex
 * @throws {@link SmartHealthError} `SHL_MALFORMED` for a statement that cannot be encoded
 * @example
 * ```ts
 * import { signShlRegistration } from '@medseal/smart-health'
 * const signature = await signShlRegistration(linkParty, ledger.domain, {
 *   id, consentId: consent.id, grantor: consent.grantor, service: 'https://custodian.example', files,
 *   passcode: '1234', maxAttempts: 0, issuedAt: Math.floor(Date.now() / 1000),
 * })
 * ```
 */
export async function signShlRegistration(
  party: Party,
  domain: LedgerDomain,
  statement: ShlRegistrationStatement,
): Promise<Hex> {
  try {
    return signTypedData(party, await typedData(domain, statement))
  } catch (cause) {
    throw new SmartHealthError('SHL_MALFORMED', 'The link registration cannot be signed as given.', { cause })
  }
}

/**
 * Recovers who signed a link registration. The server compares it with the consent's grantee.
 *
 * @param domain - the consent's ledger domain
 * @param statement - the statement rebuilt from the registration
 * @param signature - 65 bytes `r || s || v` as `0x` hex
 * @param opts - `secp256k1`: the recovery implementation (default `@noble/curves`)
 * @returns the signer's address (EIP-55)
 * @throws {@link SmartHealthError} `SHL_REGISTRATION_UNAUTHORIZED` when the signature is malformed or recovers no
 *   signer; `SHL_MALFORMED` for a statement that cannot be encoded
 * @example
 * ```ts
 * import { recoverShlRegistrationSigner } from '@medseal/smart-health'
 * const signer = await recoverShlRegistrationSigner(ledger.domain, statement, signature)
 * ```
 */
export async function recoverShlRegistrationSigner(
  domain: LedgerDomain,
  statement: ShlRegistrationStatement,
  signature: Hex,
  opts?: Secp256k1RecoveryOptions,
): Promise<Address> {
  if (typeof signature !== 'string' || !/^0x[0-9a-fA-F]{130}$/.test(signature))
    throw new SmartHealthError('SHL_REGISTRATION_UNAUTHORIZED', 'The link registration signature is malformed.')
  try {
    return recoverTypedDataAddress(await typedData(domain, statement), signature, opts)
  } catch (cause) {
    throw new SmartHealthError('SHL_REGISTRATION_UNAUTHORIZED', 'The link registration signature does not verify.', {
      cause,
    })
  }
}

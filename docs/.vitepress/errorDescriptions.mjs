/**
 * One description per error code of packages/core/src/errors/codes.ts: what it means and what the caller can do.
 * scripts/docs-site.mjs turns each into the page docs/errors/<code>.md that every error's "Docs:" URL points at, and
 * refuses to build when a code has no description here. Descriptions of codes not (yet) in codes.ts are unused.
 */
export const errorDescriptions = {
  INVALID_TYPE: [
    'An argument has the wrong type (a string where bytes were expected, a missing field).',
    'Fix the call: the message names the argument and the type it needs.',
  ],
  INVALID_LENGTH: [
    'An argument has the wrong length (a 31-byte key, a hash that is not 32 bytes).',
    'Fix the call: the message names the argument and the length it needs.',
  ],
  OUT_OF_RANGE: [
    'A number is outside the range the call accepts (a negative duration, an index past the tree size).',
    'Fix the call: the message names the argument and its bounds.',
  ],
  INVALID_ARGUMENT: [
    'An argument is well typed but not acceptable (an empty recipient list, a closed anchorer, an unknown option).',
    'Read the message: it names the argument and why it was refused.',
  ],
  INVALID_ENCODING: [
    'A text could not be decoded (bad hex, base64url, multibase or UTF-8).',
    'Check where the text came from; do not retry with the same input.',
  ],
  INPUT_TOO_LARGE: [
    'An input is over the size limit the call enforces (a resource, a token, a receipt), a guard against resource exhaustion.',
    'Split the input, or reject it at your boundary.',
  ],
  INPUT_TOO_DEEP: [
    'A JSON value nests deeper than the limit, a guard against stack exhaustion.',
    'Reject the input; valid FHIR resources are far below the limit.',
  ],
  INVALID_JSON: [
    'A value cannot be represented in canonical JSON (RFC 8785): a non-finite number, a lone surrogate, a function or a cycle.',
    'Fix the value before sealing or signing it.',
  ],
  INVALID_KEY: [
    'A key or seed is not valid for its curve or format.',
    'Check the key material source; a party seed must come from `exportSeed()`.',
  ],
  INVALID_DID: [
    'A DID string is not a `did:key` medseal can read.',
    'Check the DID; medseal reads `did:key` of secp256k1 and X25519 keys.',
  ],
  INVALID_SIGNATURE: [
    'A signature is malformed or does not verify for the expected signer.',
    'Treat the signed object as untrusted; do not retry.',
  ],
  ENVELOPE_MALFORMED: [
    'An envelope does not follow the [envelope format](../spec/envelope.md).',
    'The envelope was damaged or is not a medseal envelope: restore it from a copy.',
  ],
  UNSUPPORTED_VERSION: [
    'A format version this release does not read.',
    'Upgrade `@medseal/*` to a release that reads it.',
  ],
  UNSUPPORTED_SUITE: [
    'An envelope or key uses a cipher suite this release does not support.',
    'Upgrade, or re-seal with a supported suite.',
  ],
  DECRYPT_FAILED: [
    'Decryption failed: the ciphertext, the tag or the wrapped key was altered, or the key is wrong.',
    'Treat the envelope as tampered; restore it from a copy.',
  ],
  NOT_A_RECIPIENT: [
    "The party is not one of the envelope's recipients.",
    'Ask a recipient (or the custodian, under a consent) for access.',
  ],
  RECORD_SHREDDED: [
    'The record was erased (crypto-shredded): its key wraps were deleted and it can never be opened again.',
    'Nothing to retry; the erasure is final by design.',
  ],
  RECORD_OWNER_CONFLICT: [
    'A deposit names a different owner than the one already holding this record at the custodian.',
    "Deposit under the record's owner; a record has one owner.",
  ],
  DEPOSIT_STATEMENT_INVALID: [
    'A deposit statement is malformed or its signature does not verify.',
    'Create the deposit again with `createDeposit` for the right custodian and domain.',
  ],
  DEPOSIT_PROOF_INVALID: [
    "A deposit's proof does not match the envelope it carries.",
    'Create the deposit again from the envelope you seal.',
  ],
  MESSAGE_LIMIT_REACHED: ['An HPKE context reached its message limit.', 'Start a new context (seal again).'],
  WORKER_FAILED: [
    'A seal pool worker failed or exited, or the pool was closed; the batch returned nothing.',
    'Close the pool, start a new one (check that its worker module calls serveSealWorker) and seal the batch again.',
  ],
  PROOF_INVALID: [
    'A Merkle inclusion or consistency proof does not verify.',
    'Treat the claim as unproven; fetch a fresh proof from the source.',
  ],
  RECEIPT_MALFORMED: [
    'A receipt does not follow the [receipt format](../spec/receipt.md).',
    'The receipt was damaged; fetch it again from the anchorer.',
  ],
  RECORD_MISMATCH: [
    'A receipt, proof or event is about a different record than the one given.',
    'Check that the receipt and the commitment belong together.',
  ],
  ANCHOR_NOT_FOUND: [
    "The ledger has no anchor for the receipt's root (yet).",
    'If the write is recent, retry after it is confirmed; otherwise the receipt is not backed by this ledger.',
  ],
  ANCHOR_MISMATCH: [
    "The ledger holds an anchor that differs from the receipt's (another root, kind or position).",
    'Treat the receipt as false for this ledger.',
  ],
  LEDGER_MISMATCH: [
    'The receipt or head names another ledger (chain, contract, channel) than the one queried.',
    'Verify against the ledger the receipt names.',
  ],
  LOG_INCONSISTENT: [
    'Two tree heads of an access log are not consistent: the log was rewritten or forked.',
    "Keep both heads as evidence and report it; do not trust the operator's log.",
  ],
  TREE_HEAD_INVALID: [
    'A signed tree head is malformed or its signature does not verify for the operator.',
    "Fetch the head again; if it persists, the operator's log cannot be trusted.",
  ],
  CONSENT_MALFORMED: [
    'A consent token does not follow the [consent format](../spec/consent.md).',
    'Ask the patient for the token again.',
  ],
  CONSENT_SIGNATURE_INVALID: [
    "The consent's EIP-712 signature does not verify for its grantor.",
    'Treat the token as forged; do not grant access.',
  ],
  CONSENT_WRONG_DOMAIN: [
    'The consent was signed for another EIP-712 domain (another ledger, chain or deployment).',
    'Use a consent granted on this ledger.',
  ],
  CONSENT_NOT_FOUND: [
    'The consent is not registered on the ledger.',
    'Register it with `grantConsent`, or wait until the registration is confirmed.',
  ],
  CONSENT_REVOKED: ['The patient revoked the consent.', 'Access is over: ask the patient for a new consent.'],
  CONSENT_EXPIRED: ["The consent's validity ended (by the ledger's time).", 'Ask the patient for a new consent.'],
  CONSENT_NOT_YET_VALID: ["The consent starts later (by the ledger's time).", 'Retry after its start.'],
  CONSENT_SCOPE: ['The consent does not cover this resource type or record.', 'Ask for a consent that covers it.'],
  CONSENT_PURPOSE: [
    'The consent does not allow this purpose of use.',
    'Ask with a purpose the consent lists, or for a new consent.',
  ],
  CONSENT_ACTION: [
    'The consent does not allow this action (read, write, share…).',
    'Ask with an action the consent lists, or for a new consent.',
  ],
  CONSENT_EXCLUDED: [
    'The record is excluded from the consent by the patient.',
    'Access to this record is refused; nothing to retry.',
  ],
  CONSENT_GRANTEE: [
    "The requester is not the consent's grantee (or a valid delegate).",
    'Only the grantee can use the consent.',
  ],
  CONSENT_REPLAYED: [
    'The consent (or its nonce) was already used where single use is required.',
    'Ask the patient for a new consent.',
  ],
  DELEGATION_INVALID: [
    "A delegation chain is malformed, too long, or widens the delegator's rights.",
    'Delegate a subset of the consent, within its depth limit.',
  ],
  BREAK_GLASS_INVALID: [
    'A break-glass (emergency access) request is malformed or not allowed for this requester.',
    "Check the requester's break-glass role and the request's reason.",
  ],
  ACCESS_DENIED: [
    'The custodian refused the request (no consent covers it, or a policy forbids it).',
    'Read the message for the reason; access needs a consent that covers it.',
  ],
  ACTION_NOT_RELEASABLE: [
    'The action asked does not release a key (only read-like actions do).',
    'Ask the custodian for a releasable action.',
  ],
  REQUEST_REPLAYED: [
    'A signed key request was already used: each request is single use.',
    'Sign a new request (`createKeyRequest`) for each ask.',
  ],
  LEDGER_UNAVAILABLE: ['The ledger could not be reached.', 'Retry with backoff; check the RPC URL or the gateway.'],
  LEDGER_REJECTED: [
    'The ledger refused the write or answered something unexpected (a revert, an endorsement failure).',
    'Read the details; retrying the same write will be refused again.',
  ],
  LEDGER_CONFLICT: ['A concurrent write conflicted (a nonce, an MVCC conflict).', 'Retry the write.'],
  LEDGER_WRITE_FAILED: [
    'A write was sent but its outcome is unknown or failed after submission.',
    'Check the ledger for the write before retrying, so it is not made twice.',
  ],
  LEDGER_TIMEOUT: ['The ledger did not confirm in time.', 'Check the ledger for the write, then retry.'],
  LOG_APPEND_FAILED: [
    'The access log could not store the event, so the access was not granted (no access without a log entry).',
    "Fix the log's store, then retry the access.",
  ],
  INVALID_FHIR: [
    'A FHIR resource is not valid R4 (the message names the path and the rule).',
    'Fix the resource at its source.',
  ],
  FHIR_SERVER_ERROR: [
    'The FHIR server answered with an error.',
    'Read the status and OperationOutcome in the details.',
  ],
  FHIR_SERVER_UNAVAILABLE: ['The FHIR server could not be reached.', 'Retry with backoff; check the base URL.'],
  CONSENT_NOT_EXPRESSIBLE: [
    'A FHIR Consent uses a rule medseal consents cannot express.',
    'Simplify the Consent, or keep it as a FHIR-only policy.',
  ],
  ANCHOR_QUEUE_FULL: [
    'The anchorer has its maximum of pending commitments: the ledger is not keeping up.',
    'Wait for pending receipts (or `flush()`), then add more.',
  ],
  STORE_CORRUPT: [
    'A store holds data that fails its checks (a receipt that does not verify, a broken row).',
    'Restore the store from a backup; do not keep writing to it.',
  ],
  STORE_VERSION: [
    "The store's schema version is not one this release reads.",
    'Upgrade `@medseal/*`, or migrate the store.',
  ],
  STORE_LOCKED: [
    'Another process holds the store (one owner at a time).',
    'Stop the other process, or use a store made for several writers.',
  ],
  STORE_UNAVAILABLE: [
    'The store could not be reached or refused the write; nothing was reported as done.',
    'Retry after the store is back.',
  ],
  NOTE_MALFORMED: ['A C2SP signed note is malformed.', 'Fetch it again from the log.'],
  NOTE_KEY_MALFORMED: ['A C2SP verifier key is malformed.', 'Check the key text (name+hash+base64 key).'],
  NOTE_SIGNATURE_INVALID: ["A signed note's signature does not verify.", 'Treat the note as forged.'],
  NOTE_UNTRUSTED: [
    'No signature of a trusted key (or not enough witnesses) on the note.',
    'Check the verifier keys and the witness policy.',
  ],
  CHECKPOINT_MALFORMED: [
    "A checkpoint's body does not follow the C2SP checkpoint format.",
    'Fetch it again from the log.',
  ],
  CHECKPOINT_ORIGIN_MISMATCH: [
    'The checkpoint is for another log origin than the one expected.',
    'Verify against the log it names.',
  ],
  TLOG_PROOF_MALFORMED: ['A tlog-proof does not follow the C2SP tlog-proof format.', 'Fetch the proof again.'],
  TLOG_PROOF_INVALID: [
    'A tlog-proof does not verify against its checkpoint.',
    'Treat the entry as not proven to be in the log.',
  ],
  TILE_MALFORMED: ['A tile has the wrong size or content for its coordinates.', 'Fetch the tile again.'],
  TILE_FETCH_FAILED: ['A tile could not be fetched.', 'Retry; check the tile server URL.'],
  COSE_MALFORMED: ['A COSE receipt is not valid CBOR/COSE_Sign1 of the expected shape.', 'Fetch the receipt again.'],
  COSE_UNSUPPORTED: [
    'A COSE receipt uses an algorithm or verifiable data structure this release does not support.',
    'Upgrade, or ask for an RFC9162_SHA256 receipt.',
  ],
  COSE_SIGNATURE_INVALID: ["A COSE receipt's signature does not verify.", 'Treat the receipt as forged.'],
  COSE_ISSUER_MISMATCH: [
    'A COSE receipt was signed by another issuer than the one expected.',
    'Verify against the issuer that anchored the record.',
  ],
  SHC_MALFORMED: [
    'A SMART Health Card (compact JWS, `shc:/` QR text, `.smart-health-card` file or its payload) is not well formed.',
    'Scan or fetch the card again; a card that still fails is not a SMART Health Card.',
  ],
  SHC_UNSUPPORTED: [
    'A SMART Health Card uses a header this release does not accept (an algorithm other than ES256, no DEFLATE).',
    'Ask the issuer for a card that follows the SMART Health Cards specification.',
  ],
  SHC_ISSUER_UNTRUSTED: [
    "A SMART Health Card's issuer (`iss`) is not one of the issuers the verifier trusts, or is not an https URL.",
    'Add the issuer to the trusted list only after checking who runs it.',
  ],
  SHC_KEY_NOT_FOUND: [
    "The issuer's JWKS has no ES256 P-256 key with the card's `kid`.",
    'The card was signed with a key the issuer no longer publishes, or was forged: refuse it.',
  ],
  SHC_JWKS_UNAVAILABLE: [
    "The issuer's JWKS (or its revocation list) could not be fetched or is not a valid document.",
    'Retry later; the card is not verified until its keys are known.',
  ],
  SHC_SIGNATURE_INVALID: [
    "A SMART Health Card's ES256 signature does not verify with the issuer's key.",
    'The card was altered or forged: refuse it.',
  ],
  SHC_NOT_YET_VALID: [
    "A SMART Health Card's `nbf` is in the future.",
    "Check the verifier's clock; otherwise refuse it.",
  ],
  SHC_EXPIRED: ["A SMART Health Card's `exp` has passed.", 'Ask the holder for a newly issued card.'],
  SHC_REVOKED: [
    "The card's revocation id (`rid`) is on the issuer's revocation list for its key.",
    'Refuse the card; the holder can ask the issuer for a new one.',
  ],
  SHC_BUNDLE_INVALID: [
    "A card's FHIR Bundle is not a valid FHIR R4 collection (structure, `resource:N` references).",
    'Refuse the card; the message names the location of the first problems.',
  ],
  SHL_MALFORMED: [
    'A SMART Health Link (`shlink:/` payload), its manifest or a file in it is not well formed.',
    'Scan or paste the link again; ask the sender for a new link.',
  ],
  SHL_EXPIRED: [
    'A SMART Health Link has expired (its `exp`, or the consent behind it).',
    'Ask the sender for a new link.',
  ],
  SHL_NOT_FOUND: [
    'The SMART Health Link server does not serve the link: unknown, revoked, expired, or disabled after too many wrong passcodes.',
    'Ask the sender for a new link.',
  ],
  SHL_PASSCODE_INVALID: [
    'The passcode of a SMART Health Link is missing or wrong; the error tells how many attempts remain.',
    'Ask the sender for the passcode; the link is disabled when no attempts remain.',
  ],
  SHL_FETCH_FAILED: [
    "A SMART Health Link's manifest or file could not be fetched (network, or an unexpected answer).",
    'Retry; check the link has not been revoked.',
  ],
  SHL_DECRYPT_FAILED: [
    "A SMART Health Link file does not decrypt with the link's key (JWE `dir` + `A256GCM`).",
    'The file was altered, or belongs to another link: refuse it.',
  ],
  SHL_ID_TAKEN: [
    'A SMART Health Link with this id is registered on the server already; a registration never replaces a link (a replayed or repeated registration is refused).',
    'Make a new link: it gets a new random id.',
  ],
  SHL_REGISTRATION_UNAUTHORIZED: [
    "A link registration is not signed by the key the consent grants to (the link's grantee), or its signature is malformed. A consent token alone never registers a link.",
    "Register links with `createSmartHealthLink`, which signs with the link key it makes; if you build registrations yourself, sign them with `signShlRegistration` as the consent's grantee.",
  ],
  SHL_REGISTRATION_STALE: [
    "A link registration's `issuedAt` is too old, or too far in the future, for the link server (default: 300 seconds old, 60 seconds ahead).",
    "Check the device's clock and register again (`createSmartHealthLink` signs a new registration each time).",
  ],
  SHL_REGISTRATION_WRONG_SERVICE: [
    "A link registration is signed for another link server's public URL: a registration made for one server is refused by every other.",
    "Register with the server's public URL; behind a proxy, set the server's public URL (`MEDSEAL_PUBLIC_URL` of the custodian server, `publicUrl` of `createShlRoutes`) to the URL clients use.",
  ],
  NOT_FOUND: [
    'The service has no such route, or no such item (a record entry, a log entry, a tile).',
    'Check the URL and the API version (`/v1`); for an item, check its identifier.',
  ],
  METHOD_NOT_ALLOWED: [
    'The route exists but not for this HTTP method.',
    'Use the method the OpenAPI document (`/v1/openapi.json`) gives for the route.',
  ],
  RATE_LIMITED: [
    'Too many requests from one identity (or one client) in a short time; the response says when to retry (`Retry-After`).',
    'Wait the number of seconds in `Retry-After`, then retry.',
  ],
  SERVICE_ERROR: [
    'The service failed in a way it does not describe (an internal error); nothing about it is sent to the caller.',
    'Retry later; the operator finds the cause in the service log (by time and route).',
  ],
  SERVICE_UNAVAILABLE: [
    'The service could not be reached, or answered with something that is not a medseal response.',
    'Check the service URL and that it runs; retry with backoff.',
  ],
  SD_JWT_MALFORMED: [
    'An SD-JWT, a disclosure, a key-binding JWT or a status list token is not well formed (compact form, base64url, JSON, header typ, required claims).',
    'Check the token as issued; a verifier never repairs it.',
  ],
  SD_JWT_UNSUPPORTED_ALG: [
    'An SD-JWT names a signature algorithm other than ES256, or an `_sd_alg` other than sha-256.',
    'Issue with ES256 (P-256) and sha-256.',
  ],
  SD_JWT_SIGNATURE_INVALID: [
    'The issuer signature of an SD-JWT (or of a status list token) does not verify with the key given.',
    'Verify with the issuer key that signed it; any changed byte of the issuer-signed JWT gives this code.',
  ],
  SD_JWT_DIGEST_DUPLICATE: [
    'A disclosure digest appears twice in an SD-JWT (in `_sd` arrays or array `...` entries).',
    'Refuse the token: RFC 9901 §7.1 forbids repeated digests.',
  ],
  SD_JWT_DISCLOSURE_INVALID: [
    'A disclosure is not a [salt, name, value] or [salt, value] array, is used in the wrong place (an array-element disclosure for an object claim or the reverse), or overwrites a claim that is already present.',
    'Refuse the presentation; it was not made by a conforming holder.',
  ],
  SD_JWT_DISCLOSURE_REUSED: ['The same disclosure is sent twice in one presentation.', 'Send each disclosure once.'],
  SD_JWT_DISCLOSURE_UNREFERENCED: [
    'A disclosure in the presentation is not referenced by any digest of the issuer-signed JWT (or of a disclosed value).',
    'Send only the disclosures of this SD-JWT.',
  ],
  SD_JWT_RESERVED_CLAIM: [
    'A disclosure names a reserved claim (`_sd`, `...`, `_sd_alg` anywhere, or at the top level a claim that must stay in the clear such as `iss`, `exp`, `cnf`, `status`, `vct`), or an array entry mixes `...` with other keys.',
    'Keep reserved claims plain; select only FHIR elements to disclose.',
  ],
  SD_JWT_EXPIRY_MISSING: [
    'An SD-JWT has no `exp` claim. Expiry is never optional in medseal verification.',
    'Ask the issuer for a token with an expiry.',
  ],
  SD_JWT_EXPIRED: ['An SD-JWT (or its status list token) is past its `exp`.', 'Ask the issuer for a new token.'],
  SD_JWT_NOT_YET_VALID: [
    'An SD-JWT or key-binding JWT is dated in the future (`nbf` or `iat` after now, beyond the allowed skew).',
    'Check the clocks of issuer, holder and verifier.',
  ],
  SD_JWT_STATUS_MISSING: [
    'An SD-JWT has no `status` claim and the caller did not pass the named policy that accepts tokens without status.',
    'Ask for a token with a status list or ledger status, or pass `statusPolicy: "accept-without-status"` knowingly (it shows in the result).',
  ],
  SD_JWT_STATUS_UNAVAILABLE: [
    'The status of an SD-JWT could not be checked: no resolver for its status mechanism, the status list could not be fetched or is malformed, or the index is outside it.',
    'Give the verifier a status list fetcher (and key) or the ledger the status names; a token whose status cannot be checked is refused.',
  ],
  SD_JWT_REVOKED: [
    'An SD-JWT is revoked or suspended: its status list entry is not 0, the record it is bound to has a tombstone, or the consent it names was revoked.',
    'Do not rely on the disclosed data.',
  ],
  SD_JWT_KB_INVALID: [
    'The key-binding JWT is missing, not signed by the holder key in `cnf`, or its `typ`, `aud`, `nonce`, `iat` or `sd_hash` is not the expected one.',
    'The holder must present with its own key, for this verifier and nonce, over exactly the disclosures sent.',
  ],
}

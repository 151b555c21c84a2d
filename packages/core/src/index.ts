/**
 * `@medseal/core`: patient-owned FHIR records, sealed, anchored, consented and audited. Runs unchanged in browsers
 * and Node (no Node built-ins on any path).
 * @module
 */

// --- access log ---
export type {
  AccessLog,
  AccessLogAtomicCommit,
  AppendAccessEventReturnType,
  CreateAccessLogErrorType,
  CreateAccessLogParameters,
} from './accessLog/createAccessLog.js'
export { createAccessLog } from './accessLog/createAccessLog.js'
export type { AccessEvent, AccessEventErrorType } from './accessLog/event.js'
export { decodeAccessEvent, encodeAccessEvent, normalizeAccessEvent } from './accessLog/event.js'
export type { ComputeLogIdErrorType, ComputeLogNameHashErrorType } from './accessLog/logId.js'
export { computeLogId, computeLogNameHash } from './accessLog/logId.js'
export type {
  AccessLogAppendResult,
  AccessLogEntry,
  AccessLogLeaf,
  AccessLogNode,
  AccessLogNodeKey,
  AccessLogStore,
  PlanAccessLogAppendParameters,
} from './accessLog/store.js'
export { accessLogBorderKeys, createMemoryAccessLogStore, planAccessLogAppend } from './accessLog/store.js'
export type {
  LogProof,
  VerifyAccessLogErrorType,
  VerifyEventInclusionParameters,
  VerifyHeadConsistencyParameters,
  VerifyLogAgainstLedgerParameters,
  VerifyLogAgainstLedgerReturnType,
} from './accessLog/verify.js'
export { verifyEventInclusion, verifyHeadConsistency, verifyLogAgainstLedger } from './accessLog/verify.js'
export type { AnchorStore } from './anchor/anchorStore.js'
export { createMemoryAnchorStore } from './anchor/anchorStore.js'
// --- anchoring and receipts ---
export type {
  AnchorBatchFailure,
  Anchorer,
  CreateAnchorerErrorType,
  CreateAnchorerParameters,
} from './anchor/createAnchorer.js'
export { createAnchorer } from './anchor/createAnchorer.js'
export type { DecodeReceiptErrorType, Receipt, ReceiptBody, ReceiptV1, ReceiptV2 } from './anchor/receipt.js'
export { decodeReceipt, encodeReceipt, parseReceipt, RECEIPT_VERSION } from './anchor/receipt.js'
export type {
  VerifyReceiptErrorType,
  VerifyReceiptParameters,
  VerifyReceiptReturnType,
} from './anchor/verifyReceipt.js'
export { verifyReceipt } from './anchor/verifyReceipt.js'
export type { VerifyRecordErrorType, VerifyRecordParameters } from './anchor/verifyRecord.js'
export { verifyRecord } from './anchor/verifyRecord.js'
// --- break-glass ---
export type { AccessLogEventInput, AccessLogWriter } from './breakGlass/_accessLog.js'
export type { BreakGlassReviewFilter, BreakGlassStore, CommitGrantParameters } from './breakGlass/breakGlassStore.js'
export { createMemoryBreakGlassStore } from './breakGlass/breakGlassStore.js'
export type {
  AuthorizeEmergencyRequest,
  BreakGlass,
  BreakGlassErrorType,
  BreakGlassNotify,
  BreakGlassParameters,
  BreakGlassReview,
  CreateBreakGlassParameters,
  EmergencyAccess,
  EmergencyGrant,
  SignedEmergencyAccess,
} from './breakGlass/createBreakGlass.js'
export {
  computeEmergencyGrantId,
  createBreakGlass,
  EMERGENCY_GRANT_ID_PREFIX,
  emergencyAccessTypes,
} from './breakGlass/createBreakGlass.js'
export type {
  ClinicianCredential,
  CreateClinicianCredentialParameters,
  CreateEmergencyPolicyParameters,
  EmergencyPolicy,
  EmergencyPolicyErrorType,
  SignedClinicianCredential,
  SignedEmergencyPolicy,
} from './breakGlass/emergencyPolicy.js'
export {
  breakGlassTypes,
  createClinicianCredential,
  createEmergencyPolicy,
  MAX_EMERGENCY_DURATION,
  signClinicianCredential,
  signEmergencyPolicy,
  verifyClinicianCredential,
  verifyEmergencyPolicy,
} from './breakGlass/emergencyPolicy.js'
export type { WithdrawErrorType } from './breakGlass/withdraw.js'
export { withdrawClinicianCredential, withdrawEmergencyPolicy } from './breakGlass/withdraw.js'
// --- bytes ---
export type { DeflateFormat, InflateBytesErrorType } from './bytes/compression.js'
export { deflateBytes, inflateBytes } from './bytes/compression.js'
export type { RandomBytes } from './bytes/index.js'
export {
  assertBytes,
  base64urlToBytes,
  bytesToBase64url,
  bytesToHex,
  bytesToHex0x,
  bytesToUtf8,
  concatBytes,
  describeType,
  equalBytes,
  hexToBytes,
  isBytes,
  randomBytes,
  toArrayBufferBacked,
  utf8ToBytes,
  wipe,
} from './bytes/index.js'
// --- canonical form and content ids ---
export type { CanonicalizeErrorType, CanonicalizeOptions } from './canonical/canonicalize.js'
export {
  CANONICALIZE_DEFAULT_MAX_BYTES,
  CANONICALIZE_DEFAULT_MAX_DEPTH,
  canonicalize,
  canonicalizeToBytes,
} from './canonical/canonicalize.js'
export type { ContentId, ContentIdErrorType } from './canonical/contentId.js'
export {
  contentIdOf,
  createContentId,
  JSON_CODEC,
  parseContentId,
  SHA2_256_CODE,
  verifyContentId,
} from './canonical/contentId.js'
// --- consent tokens, authorize, delegation ---
export type {
  AssertAuthorizedErrorType,
  AuthorizeConsentReference,
  AuthorizeDenyReason,
  AuthorizeErrorType,
  AuthorizeOptions,
  AuthorizeReason,
  AuthorizeRecord,
  AuthorizeRequest,
  AuthorizeReturnType,
} from './consent/authorize.js'
export { assertAuthorized, authorize } from './consent/authorize.js'
export type { ConsentCache, CreateConsentCacheErrorType, CreateConsentCacheParameters } from './consent/consentCache.js'
export { CONSENT_CACHE_DEFAULT_MAX_ENTRIES, createConsentCache } from './consent/consentCache.js'
export type { ConsentToken, ConsentTokenErrorType } from './consent/consentToken.js'
export {
  CONSENT_TOKEN_MAX_LENGTH,
  CONSENT_TOKEN_PREFIX,
  decodeConsentToken,
  encodeConsentToken,
} from './consent/consentToken.js'
export type {
  CreateConsentErrorType,
  CreateConsentParameters,
  CreateConsentReturnType,
} from './consent/createConsent.js'
export { createConsent } from './consent/createConsent.js'
export type {
  GrantConsentErrorType,
  GrantConsentParameters,
  GrantConsentReturnType,
} from './consent/grantConsent.js'
export { grantConsent } from './consent/grantConsent.js'
export { isPurposeOfUse, PURPOSE_OF_USE_CODES } from './consent/purposeOfUse.js'
export type { RevokeConsentErrorType, RevokeConsentParameters } from './consent/revokeConsent.js'
export { revokeConsent } from './consent/revokeConsent.js'
// --- consent structures (EIP-712) ---
export type {
  Consent,
  ConsentAction,
  ConsentMessage,
  LedgerDomain,
  Revocation,
  SignedConsent,
  SignedConsentMessage,
  SignedRevocation,
  SignedTombstone,
  SignedTreeHead,
  Tombstone,
  TreeHead,
} from './consent/types.js'
export { consentTypes, EIP712_DOMAIN_NAME, EIP712_DOMAIN_VERSION } from './consent/types.js'
export type { VerifyConsentErrorType } from './consent/verifyConsent.js'
export { createConsentToken, verifyConsent } from './consent/verifyConsent.js'
// --- RFC 9942 COSE receipts ---
export { COSE_RECEIPT } from './cose/coseReceiptHeaders.js'
export type {
  CreateCoseConsistencyReceiptErrorType,
  CreateCoseConsistencyReceiptParameters,
} from './cose/createCoseConsistencyReceipt.js'
export { createCoseConsistencyReceipt } from './cose/createCoseConsistencyReceipt.js'
export type { CreateCoseReceiptErrorType, CreateCoseReceiptParameters } from './cose/createCoseReceipt.js'
export { createCoseReceipt } from './cose/createCoseReceipt.js'
export type {
  VerifyCoseConsistencyReceiptErrorType,
  VerifyCoseConsistencyReceiptParameters,
  VerifyCoseConsistencyReceiptReturnType,
} from './cose/verifyCoseConsistencyReceipt.js'
export { verifyCoseConsistencyReceipt } from './cose/verifyCoseConsistencyReceipt.js'
export type {
  VerifyCoseReceiptErrorType,
  VerifyCoseReceiptParameters,
  VerifyCoseReceiptReturnType,
} from './cose/verifyCoseReceipt.js'
export { verifyCoseReceipt } from './cose/verifyCoseReceipt.js'
// --- custodian and key release ---
export type {
  CreateCustodianParameters,
  Custodian,
  CustodianErrorType,
  PurgeConsentParameters,
  ReleaseKeyReturnType,
} from './custodian/createCustodian.js'
export { createCustodian, RELEASABLE_ACTIONS } from './custodian/createCustodian.js'
export type {
  CommitReleaseParameters,
  CreateMemoryCustodianStoreParameters,
  CustodianEntry,
  CustodianRelease,
  CustodianStore,
  GetEntryAndRememberRequestParameters,
  GetEntryAndRememberRequestResult,
  RememberRequestParameters,
  RememberRequestResult,
} from './custodian/custodianStore.js'
export { createMemoryCustodianStore } from './custodian/custodianStore.js'
export type {
  CreateDepositParameters,
  Deposit,
  DepositStatement,
  DepositStatementErrorType,
  SignedDepositStatement,
} from './custodian/depositStatement.js'
export {
  computeDepositProof,
  createDeposit,
  DEPOSIT_PROOF_PREFIX,
  depositStatementTypes,
  hashDepositStatement,
  signDepositStatement,
  verifyDepositStatement,
} from './custodian/depositStatement.js'
export type {
  CreateKeyRequestParameters,
  KeyRequest,
  KeyRequestErrorType,
  SignedKeyRequest,
  VerifyKeyRequestReturnType,
} from './custodian/keyRequest.js'
export { createKeyRequest, keyRequestTypes, verifyKeyRequest } from './custodian/keyRequest.js'
export type {
  ShareableRecord,
  ShareRecordsErrorType,
  ShareRecordsParameters,
  ShareRecordsReturnType,
} from './custodian/shareRecords.js'
export { shareRecords } from './custodian/shareRecords.js'
// --- eip712 ---
export type { HashTypedDataErrorType } from './eip712/hashTypedData.js'
export {
  encodeData,
  encodeType,
  getDomainFields,
  hashDomain,
  hashStruct,
  hashTypedData,
} from './eip712/hashTypedData.js'
export type { SignTypedDataErrorType, VerifyTypedDataParameters } from './eip712/signTypedData.js'
export { recoverTypedDataAddress, signTypedData, verifyTypedData } from './eip712/signTypedData.js'
export type { MedsealTypedData, StructuresErrorType } from './eip712/structures.js'
export {
  assertLedgerDomain,
  consentTypedData,
  createEvmDomain,
  createSaltedDomain,
  revocationTypedData,
  signConsent,
  signRevocation,
  signTombstone,
  signTreeHead,
  tombstoneTypedData,
  treeHeadTypedData,
  verifySignedConsent,
  verifySignedRevocation,
  verifySignedTombstone,
  verifySignedTreeHead,
} from './eip712/structures.js'
export type { TypedData, TypedDataDomain, TypedDataField, TypedDataTypes } from './eip712/types.js'
// --- envelope ---
export type {
  AddRecipientErrorType,
  AddRecipientParameters,
  ComputeCommitmentErrorType,
  ComputeCommitmentOptions,
  CreateSealPoolErrorType,
  CreateSealPoolParameters,
  CreateVaultKeyErrorType,
  CreateVaultKeyParameters,
  DecodeEnvelopeErrorType,
  EncodeEnvelopeErrorType,
  Envelope,
  EnvelopeInput,
  EnvelopeKeyHolder,
  EnvelopeOpener,
  EnvelopeRecipient,
  EnvelopeRecipientInput,
  EnvelopeSuite,
  EnvelopeVersion,
  GetRecipientKeyIdErrorType,
  OpenCanonicalReturnType,
  OpenErrorType,
  OpenReturnType,
  OpenWithDataKeyErrorType,
  ReceiveVaultKeyErrorType,
  RemoveRecipientErrorType,
  SealBackend,
  SealBatchErrorType,
  SealBatchParameters,
  SealErrorType,
  SealParameters,
  SealPool,
  SealPoolBatchParameters,
  SealPoolWorker,
  SealReturnType,
  SealWorkerPort,
  SharedVaultKey,
  ShareVaultKeyErrorType,
  UnwrapDataKeyErrorType,
  VaultKey,
  WrapDataKeyErrorType,
} from './envelope/index.js'
export {
  addRecipient,
  computeCommitment,
  createSealPool,
  createVaultKey,
  decodeEnvelope,
  ENVELOPE_MAGIC,
  ENVELOPE_MAX_CANONICAL_BYTES,
  ENVELOPE_MAX_RECIPIENTS,
  ENVELOPE_SUITE,
  ENVELOPE_VERSION,
  ENVELOPE_VERSION_DIGEST,
  ENVELOPE_VERSION_VAULT,
  encodeEnvelope,
  getRecipientKeyId,
  open,
  openCanonical,
  openWithDataKey,
  receiveVaultKey,
  removeRecipient,
  seal,
  sealBatch,
  sealCanonical,
  serveSealWorker,
  shareVaultKey,
  unwrapDataKey,
  wrapDataKey,
} from './envelope/index.js'
// --- erasure ---
export type {
  ShredRecordDependencies,
  ShredRecordErrorType,
  ShredRecordParameters,
  ShredRecordReturnType,
} from './erasure/shredRecord.js'
export { openUnlessShredded, shredRecord } from './erasure/shredRecord.js'
// --- errors ---
export type { BaseErrorParameters, ErrorCode } from './errors/index.js'
export {
  BaseError,
  ConsentError,
  EnvelopeError,
  FhirError,
  InvalidArgumentError,
  isSdkError,
  LedgerError,
  StoreError,
  VerificationError,
} from './errors/index.js'
// --- hpke ---
export type {
  AeadErrorType,
  CreateAesGcmParameters,
  CreateDhkemX25519Parameters,
  CreateHpkeSuiteParameters,
  CryptoBackend,
  HpkeAead,
  HpkeAeadKey,
  HpkeEncapResult,
  HpkeErrorType,
  HpkeKdf,
  HpkeKem,
  HpkeKeyPair,
  HpkeRecipientContext,
  HpkeRecipientKey,
  HpkeRecipientParameters,
  HpkeSenderContext,
  HpkeSenderParameters,
  HpkeSuite,
  KemErrorType,
} from './hpke/index.js'
export {
  aes128Gcm,
  aes256Gcm,
  chacha20Poly1305,
  createAesGcm,
  createDhkemX25519,
  createHpkeSuite,
  dhkemP256HkdfSha256,
  dhkemX25519HkdfSha256,
  hkdfSha256,
} from './hpke/index.js'
// --- identity (parties, DIDs, signatures) ---
export type { AddressErrorType } from './identity/address.js'
export { isAddress, publicKeyToAddress, toChecksumAddress } from './identity/address.js'
export type { CreatePartyErrorType, CreatePartyParameters } from './identity/createParty.js'
export { createParty } from './identity/createParty.js'
export type { DidErrorType, ParsedDid } from './identity/did.js'
export { parseDid, SECP256K1_PUB_MULTICODEC, toDidKey, toDidPkh } from './identity/did.js'
export type { IdentityJsonErrorType, PublicIdentityJson } from './identity/identityJson.js'
export { exportIdentity, importIdentity } from './identity/identityJson.js'
export type { Secp256k1Recovery, Secp256k1RecoveryOptions } from './identity/secp256k1Recovery.js'
export type { SignatureErrorType, SignatureInput } from './identity/signature.js'
export { recoverAddress, recoverPublicKey, signDigest, verifyDigest } from './identity/signature.js'
export type { Party, PartyRole, PublicIdentity } from './identity/types.js'
export type { ConsentKeyErrorType } from './ledger/consentKey.js'
export { consentKey } from './ledger/consentKey.js'
export type {
  CheckListedConsentReturnType,
  LedgerRulesErrorType,
  VerifyConsentWriteReturnType,
  VerifyRevocationWriteReturnType,
  VerifyTombstoneWriteReturnType,
} from './ledger/rules.js'
export {
  anchorKey,
  assertAnchorInput,
  assertHex32,
  assertLogIdOf,
  assertSameConsent,
  assertSameTreeHead,
  checkListedConsent,
  consentContentKey,
  copyConsent,
  isLogIdOf,
  sameTreeHead,
  tombstoneKey,
  verifyConsentWrite,
  verifyRevocationWrite,
  verifyTombstoneWrite,
  verifyTreeHeadWrite,
} from './ledger/rules.js'
// --- ledger interface ---
export type {
  AnchorInput,
  AnchorKind,
  AnchorRecord,
  ConsentKey,
  ConsentRecord,
  LedgerAdapter,
  LedgerRef,
  ListConsentsParameters,
  ListConsentsReturnType,
  RevocationRecord,
  SkippedConsent,
  TombstoneRecord,
  TreeHeadRecord,
} from './ledger/types.js'
export { anchorKindCodes } from './ledger/types.js'
// --- merkle ---
export type { LeafHashErrorType } from './merkle/hash.js'
export { emptyRoot, leafHash, MERKLE_HASH_LENGTH, nodeHash } from './merkle/hash.js'
export type { MerkleLog, MerkleLogErrorType, MerkleTree } from './merkle/merkleLog.js'
export { createMerkleLog, createMerkleTree } from './merkle/merkleLog.js'
export type { MerkleBatch, MerkleTreeErrorType } from './merkle/tree.js'
export { buildMerkleBatch, consistencyProof, inclusionProof, merkleRoot } from './merkle/tree.js'
export type { VerifyMerkleProofErrorType } from './merkle/verify.js'
export { verifyConsistency, verifyInclusion } from './merkle/verify.js'
// --- sync checkpoints ---
export type { SyncCheckpoint, SyncCheckpointStore } from './sync/checkpointStore.js'
export { createMemorySyncCheckpointStore } from './sync/checkpointStore.js'
// --- transparency-log formats (C2SP signed notes, checkpoints, tlog-proof, tlog-tiles) ---
export type {
  AccessLogCheckpointErrorType,
  CheckpointOperator,
  HeadSource,
  ReceiptBatchFields,
} from './tlog/accessLogCheckpoint.js'
export {
  createAccessLogCheckpoint,
  createAccessLogProof,
  createRecordTlogProof,
  recordLeafHash,
} from './tlog/accessLogCheckpoint.js'
export type {
  Checkpoint,
  CheckpointErrorType,
  CreateCheckpointParameters,
  VerifiedCheckpoint,
  VerifyCheckpointParameters,
} from './tlog/checkpoint.js'
export { createCheckpoint, decodeCheckpoint, encodeCheckpoint, verifyCheckpoint } from './tlog/checkpoint.js'
export type {
  Note,
  NoteSignature,
  NoteSigner,
  SignedNoteErrorType,
  VerifiedNote,
  VerifyNoteParameters,
} from './tlog/signedNote.js'
export { decodeNote, encodeNote, MAX_NOTE_BYTES, MAX_NOTE_SIGNATURES, signNote, verifyNote } from './tlog/signedNote.js'
export type {
  BuildTlogTilesParameters,
  CreateTlogTileClientParameters,
  TileCoordinates,
  TileFetch,
  TlogTileClient,
  TlogTilesErrorType,
} from './tlog/tiles.js'
export {
  buildTlogTiles,
  createTlogTileClient,
  MAX_TILE_ENTRY_BYTES,
  parseTilePath,
  TILE_WIDTH,
  tilePath,
} from './tlog/tiles.js'
export type { TlogProof, TlogProofErrorType, VerifiedTlogProof, VerifyTlogProofParameters } from './tlog/tlogProof.js'
export {
  createTlogProof,
  decodeTlogProof,
  encodeTlogProof,
  TLOG_PROOF_EXTENSION,
  TLOG_PROOF_HEADER,
  verifyTlogProof,
} from './tlog/tlogProof.js'
export type { NoteSignatureType, NoteVerifier, VerifierKeyErrorType } from './tlog/verifierKey.js'
export {
  computeNoteKeyId,
  createNoteVerifier,
  decodeVerifierKey,
  encodeVerifierKey,
  NOTE_SIGNATURE_COSIGNATURE_V1,
  NOTE_SIGNATURE_ED25519,
} from './tlog/verifierKey.js'
// --- shared types ---
export type { Address, Hex } from './types.js'
export { version } from './version.js'

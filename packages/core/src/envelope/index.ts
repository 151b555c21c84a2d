/** Sealed records: envelopes, commitments, recipients. @module */
export type { AddRecipientErrorType, AddRecipientParameters } from './addRecipient.js'
export { addRecipient } from './addRecipient.js'
export type { ComputeCommitmentErrorType, ComputeCommitmentOptions } from './computeCommitment.js'
export { computeCommitment } from './computeCommitment.js'
export type {
  CreateSealPoolErrorType,
  CreateSealPoolParameters,
  SealPool,
  SealPoolBatchParameters,
  SealPoolWorker,
} from './createSealPool.js'
export { createSealPool } from './createSealPool.js'
export type { CreateVaultKeyErrorType, CreateVaultKeyParameters, VaultKey } from './createVaultKey.js'
export { createVaultKey } from './createVaultKey.js'
export type { DecodeEnvelopeErrorType } from './decodeEnvelope.js'
export { decodeEnvelope } from './decodeEnvelope.js'
export type { EncodeEnvelopeErrorType } from './encodeEnvelope.js'
export { encodeEnvelope } from './encodeEnvelope.js'
export type { GetRecipientKeyIdErrorType } from './getRecipientKeyId.js'
export { getRecipientKeyId } from './getRecipientKeyId.js'
export type { EnvelopeInput, EnvelopeKeyHolder, EnvelopeOpener, OpenErrorType } from './open.js'
export { open, openCanonical } from './open.js'
export type { OpenWithDataKeyErrorType } from './openWithDataKey.js'
export { openWithDataKey } from './openWithDataKey.js'
export type { ReceiveVaultKeyErrorType } from './receiveVaultKey.js'
export { receiveVaultKey } from './receiveVaultKey.js'
export type { RemoveRecipientErrorType } from './removeRecipient.js'
export { removeRecipient } from './removeRecipient.js'
export type { EnvelopeRecipientInput, SealErrorType, SealParameters } from './seal.js'
export { seal, sealCanonical } from './seal.js'
export type { SealBatchErrorType, SealBatchParameters } from './sealBatch.js'
export { sealBatch } from './sealBatch.js'
export type { SealWorkerPort } from './serveSealWorker.js'
export { serveSealWorker } from './serveSealWorker.js'
export type { SharedVaultKey, ShareVaultKeyErrorType } from './shareVaultKey.js'
export { shareVaultKey } from './shareVaultKey.js'
export type {
  Envelope,
  EnvelopeRecipient,
  EnvelopeSuite,
  EnvelopeVersion,
  OpenCanonicalReturnType,
  OpenReturnType,
  SealBackend,
  SealReturnType,
} from './types.js'
export {
  ENVELOPE_MAGIC,
  ENVELOPE_MAX_CANONICAL_BYTES,
  ENVELOPE_MAX_RECIPIENTS,
  ENVELOPE_SUITE,
  ENVELOPE_VERSION,
  ENVELOPE_VERSION_DIGEST,
  ENVELOPE_VERSION_VAULT,
} from './types.js'
export type { UnwrapDataKeyErrorType } from './unwrapDataKey.js'
export { unwrapDataKey } from './unwrapDataKey.js'
export type { WrapDataKeyErrorType } from './wrapDataKey.js'
export { wrapDataKey } from './wrapDataKey.js'

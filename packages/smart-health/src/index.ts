/**
 * `@medseal/smart-health`: SMART Health Cards (issue from sealed records, QR, `.smart-health-card` files, JWKS and
 * revocation lists, verification) and SMART Health Links (`shlink:/`, encrypted files, a consent-gated and
 * access-logged manifest server, and the receiving side). Runs unchanged in browsers and Node.
 * @module
 */

// --- SMART Health Cards ---
export type { ComputeJwkThumbprintErrorType } from './computeJwkThumbprint.js'
export { computeJwkThumbprint } from './computeJwkThumbprint.js'
export type {
  CreateShcIssuerErrorType,
  CreateShcIssuerParameters,
  ShcIssuer,
  ShcJwk,
  ShcJwks,
  ShcPrivateJwk,
} from './createShcIssuer.js'
export { createShcIssuer } from './createShcIssuer.js'
export type { CreateShcKeyCacheErrorType, CreateShcKeyCacheParameters, ShcKeyCache } from './createShcKeyCache.js'
export { createShcKeyCache } from './createShcKeyCache.js'
// --- SMART Health Links ---
export type {
  CreateShlRoutesErrorType,
  CreateShlRoutesParameters,
  ShlRegistration,
  ShlRoute,
} from './createShlRoutes.js'
export { createShlHandler, createShlRoutes } from './createShlRoutes.js'
export type {
  CreateSmartHealthLinkDeps,
  CreateSmartHealthLinkErrorType,
  CreateSmartHealthLinkParameters,
  CreateSmartHealthLinkReturnType,
  SmartHealthLinkFile,
} from './createSmartHealthLink.js'
export { createSmartHealthLink } from './createSmartHealthLink.js'
export { SmartHealthError } from './errors.js'
export { hashShlPasscode } from './hashShlPasscode.js'
export type { HealthCardFileErrorType } from './healthCardFile.js'
export { decodeHealthCardFile, encodeHealthCardFile, HEALTH_CARD_FILE_TYPE } from './healthCardFile.js'
export type { HealthCardQrErrorType } from './healthCardQr.js'
export { decodeHealthCardQr, encodeHealthCardQr } from './healthCardQr.js'
export type {
  HealthCardPayload,
  IssueHealthCardErrorType,
  IssueHealthCardParameters,
  IssueHealthCardReturnType,
} from './issueHealthCard.js'
export { HEALTH_CARD_TYPE, issueHealthCard } from './issueHealthCard.js'
export type {
  IssueHealthCardFromRecordsErrorType,
  IssueHealthCardFromRecordsParameters,
} from './issueHealthCardFromRecords.js'
export { issueHealthCardFromRecords } from './issueHealthCardFromRecords.js'
export type { FhirResourceJson, MinimizeBundleErrorType } from './minimizeBundle.js'
export { minimizeBundle } from './minimizeBundle.js'
export type { NormalizeShlServiceUrlErrorType } from './normalizeShlServiceUrl.js'
export { normalizeShlServiceUrl } from './normalizeShlServiceUrl.js'
export type {
  OpenSmartHealthLinkDeps,
  OpenSmartHealthLinkErrorType,
  OpenSmartHealthLinkParameters,
  OpenSmartHealthLinkReturnType,
  SmartHealthLinkOpenedFile,
} from './openSmartHealthLink.js'
export { openSmartHealthLink } from './openSmartHealthLink.js'
export type { RenderHealthCardQrErrorType, RenderHealthCardQrReturnType } from './renderHealthCardQr.js'
export { HEALTH_CARD_QR_MAX_VERSION, renderHealthCardQr } from './renderHealthCardQr.js'
export type { RevocationErrorType, ShcCrl } from './revocation.js'
export { computeRevocationId, createShcCrl } from './revocation.js'
export type { ShlFileJweErrorType } from './shlFileJwe.js'
export { decryptShlFile, encryptShlFile } from './shlFileJwe.js'
export type { ShlinkErrorType, ShlinkPayload } from './shlink.js'
export { decodeShlink, encodeShlink } from './shlink.js'
export type { ShlFileLocation, ShlStore, ShlStoredFile, ShlStoredLink, ShlStoredRegistration } from './shlStore.js'
export { createMemoryShlStore } from './shlStore.js'
export type { ShlRegistrationErrorType, ShlRegistrationStatement } from './signShlRegistration.js'
export { recoverShlRegistrationSigner, shlRegistrationTypes, signShlRegistration } from './signShlRegistration.js'
export type {
  VerifyHealthCardDeps,
  VerifyHealthCardErrorType,
  VerifyHealthCardParameters,
  VerifyHealthCardReturnType,
} from './verifyHealthCard.js'
export { verifyHealthCard } from './verifyHealthCard.js'
export type { VerifyShlLinkRegistrationErrorType } from './verifyShlLinkRegistration.js'
export { verifyShlLinkRegistration } from './verifyShlLinkRegistration.js'

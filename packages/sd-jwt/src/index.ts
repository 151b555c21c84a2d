/**
 * `@medseal/sd-jwt`: SD-JWT (RFC 9901) and SD-JWT VC over FHIR resources sealed with medseal. Issue a token whose
 * selectively disclosable claims are FHIR elements, bound to the sealed record's commitment and receipt; present a
 * subset with a key-binding JWT; verify with expiry, status and key binding never optional.
 * See docs/spec/sd-jwt-fhir.md.
 * @module
 */
export type { GenerateEs256KeyErrorType, GenerateEs256KeyReturnType } from './generateEs256Key.js'
export { generateEs256Key } from './generateEs256Key.js'
export type {
  IssuedDisclosure,
  IssueFhirSdJwtErrorType,
  IssueFhirSdJwtParameters,
  IssueFhirSdJwtReturnType,
} from './issueFhirSdJwt.js'
export { FHIR_SD_JWT_VCT, issueFhirSdJwt } from './issueFhirSdJwt.js'
export type { PresentSdJwtErrorType, PresentSdJwtParameters } from './presentSdJwt.js'
export { presentSdJwt } from './presentSdJwt.js'
export type { SignStatusListTokenErrorType, SignStatusListTokenParameters } from './signStatusListToken.js'
export { signStatusListToken } from './signStatusListToken.js'
export type { ClaimPath, Es256Key, SdJwtRecordBinding, SdJwtStatus } from './types.js'
export type {
  VerifyDisclosuresInRecordErrorType,
  VerifyDisclosuresInRecordParameters,
  VerifyDisclosuresInRecordReturnType,
} from './verifyDisclosuresInRecord.js'
export { verifyDisclosuresInRecord } from './verifyDisclosuresInRecord.js'
export type {
  DisclosedClaim,
  SdJwtStatusPolicy,
  SdJwtStatusResult,
  VerifySdJwtErrorType,
  VerifySdJwtParameters,
  VerifySdJwtReturnType,
} from './verifySdJwt.js'
export { verifySdJwt } from './verifySdJwt.js'
export type {
  VerifyStatusListTokenErrorType,
  VerifyStatusListTokenParameters,
  VerifyStatusListTokenReturnType,
} from './verifyStatusListToken.js'
export { verifyStatusListToken } from './verifyStatusListToken.js'

/**
 * `@medseal/core/testing`: test helpers for integrators, above all the LedgerAdapter conformance suite.
 * Depends on vitest (an optional peer dependency): import it only from test files.
 * @module @medseal/core/testing
 */
export type { BadBytesInput } from './badInputs.js'
export { badBytesInputs } from './badInputs.js'
export type { ConsentStoryHarness, ConsentStoryReport } from './consentStory.js'
export { runConsentStory } from './consentStory.js'
export type { DepositAndGrantParameters, DepositAndGrantReturnType } from './depositAndGrant.js'
export { depositAndGrant } from './depositAndGrant.js'
export type { GrantReadConsentParameters } from './grantReadConsent.js'
export { grantReadConsent } from './grantReadConsent.js'
export type { HpkeConformanceOptions } from './hpkeConformance.js'
export { describeHpkeConformance } from './hpkeConformance.js'
export type { LedgerConformanceHarness, LedgerConformanceOptions } from './ledgerConformance.js'
export { describeLedgerConformance } from './ledgerConformance.js'
export type { ReadConsentParameters } from './readConsent.js'
export { readConsent } from './readConsent.js'
export type { CreateReleaseFixtureParameters, ReleaseFixture } from './releaseFixture.js'
export { createReleaseFixture } from './releaseFixture.js'
export type { Secp256k1RecoveryConformanceOptions } from './secp256k1RecoveryConformance.js'
export { describeSecp256k1RecoveryConformance } from './secp256k1RecoveryConformance.js'
export type {
  StoreConformanceHarness,
  StoreConformanceOptions,
  StoreConformanceSet,
  StoreTamperTarget,
} from './storeConformance.js'
export { describeStoreConformance } from './storeConformance.js'

/**
 * Code systems, identifier systems, extension URLs and profile canonicals used by the medseal FHIR mappings.
 * @module
 */

/** Base of every medseal-defined FHIR canonical. @internal */
export const MEDSEAL_FHIR_BASE = 'https://medseal.dev/fhir'

/** Identifier system of a consent token's 32-byte id (`0x` hex). */
export const CONSENT_ID_SYSTEM = `${MEDSEAL_FHIR_BASE}/sid/consent-id`
/** Identifier system of an Ethereum address (EIP-55) naming a party. */
export const ADDRESS_SYSTEM = `${MEDSEAL_FHIR_BASE}/sid/address`
/** Identifier system of a record commitment (`0x` hex, 32 bytes). */
export const COMMITMENT_SYSTEM = `${MEDSEAL_FHIR_BASE}/sid/commitment`
/** Identifier system of a DID (`did:key:…`) naming a party. RFC 3986 URI, as FHIR recommends for URIs. */
export const URI_SYSTEM = 'urn:ietf:rfc:3986'
/** Code system of the medseal consent actions (`read`, `search`, `vread`, `write`, `delegate`). */
export const CONSENT_ACTION_SYSTEM = `${MEDSEAL_FHIR_BASE}/CodeSystem/consent-action`
/** Extension: the grantor's EIP-712 signature over the consent (valueString, `0x` hex, 65 bytes). */
export const CONSENT_SIGNATURE_EXTENSION = `${MEDSEAL_FHIR_BASE}/StructureDefinition/consent-signature`
/** Extension: the parent grant of a delegated consent, as its ledger key `consentKey(grantor, id)` (valueString, `0x` hex). */
export const CONSENT_PARENT_EXTENSION = `${MEDSEAL_FHIR_BASE}/StructureDefinition/consent-parent`
/** Extension: how many further re-grants the grantee may make (valueUnsignedInt). */
export const CONSENT_DELEGATION_DEPTH_EXTENSION = `${MEDSEAL_FHIR_BASE}/StructureDefinition/consent-delegation-depth`

/** @internal */
export const HL7 = {
  consentScope: 'http://terminology.hl7.org/CodeSystem/consentscope',
  consentAction: 'http://terminology.hl7.org/CodeSystem/consentaction',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  actReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  confidentiality: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  resourceTypes: 'http://hl7.org/fhir/resource-types',
  loinc: 'http://loinc.org',
  auditEventType: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
  restfulInteraction: 'http://hl7.org/fhir/restful-interaction',
  auditEntityType: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
  objectRole: 'http://terminology.hl7.org/CodeSystem/object-role',
  securitySourceType: 'http://terminology.hl7.org/CodeSystem/security-source-type',
  dicom: 'http://dicom.nema.org/resources/ontology/DCM',
  extraSecurityRole: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type',
  provenanceParticipant: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
  dataOperation: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation',
  signatureType: 'urn:iso-astm:E1762-95:2013',
} as const

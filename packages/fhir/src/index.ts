/** `@medseal/fhir`. @module */
export {}

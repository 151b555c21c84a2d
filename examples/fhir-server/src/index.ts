/** `@medseal/example-fhir-server`. @module */
export {}

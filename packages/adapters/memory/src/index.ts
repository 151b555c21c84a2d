/** `@medseal/adapter-memory`. @module */
export {}

/** `@medseal/adapter-evm`. @module */
export {}

/** `@medseal/adapter-fabric`. @module */
export {}

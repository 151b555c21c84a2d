/** The version of `@medseal/core`, stamped into every error. @module */
export const version = '0.1.0'

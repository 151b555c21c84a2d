/** Shared primitive types. @module */

/** A `0x`-prefixed hex string (viem's `Hex`). */
export type Hex = `0x${string}`

/** A 20-byte Ethereum address as `0x`-prefixed hex (checksummed on output, any case accepted on input). */
export type Address = `0x${string}`

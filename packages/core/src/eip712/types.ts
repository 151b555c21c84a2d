/**
 * EIP-712 typed data, in the shape viem and `eth_signTypedData_v4` use.
 * @module
 */
import type { Address, Hex } from '../types.js'

/** One member of an EIP-712 struct type. */
export type TypedDataField = { readonly name: string; readonly type: string }

/** Struct types by name. `EIP712Domain` may be given; otherwise it follows from the domain's present fields. */
export type TypedDataTypes = { readonly [typeName: string]: readonly TypedDataField[] }

/**
 * The EIP-712 domain. Present fields (not `undefined`) make up the `EIP712Domain` type, in the order name, version,
 * chainId, verifyingContract, salt.
 */
export type TypedDataDomain = {
  readonly name?: string | undefined
  readonly version?: string | undefined
  /** A safe integer, a bigint, or a decimal or `0x` hex string. */
  readonly chainId?: number | bigint | string | undefined
  readonly verifyingContract?: Address | undefined
  readonly salt?: Hex | undefined
}

/**
 * A full typed-data object: `domain`, `types`, `primaryType` and `message` (viem's `signTypedData` parameters).
 *
 * Values by EIP-712 type: `uintN`/`intN` a safe-integer number, a bigint, or a decimal or `0x` hex string (range
 * checked); `bool` a boolean; `address` an address string; `bytesN` and `bytes` `0x` hex or a `Uint8Array`;
 * `string` a well-formed string; arrays are arrays (of the fixed length, for `T[k]`); structs are plain objects with
 * exactly the struct's members.
 */
export type TypedData = {
  readonly domain: TypedDataDomain
  readonly types: TypedDataTypes
  readonly primaryType: string
  readonly message: { readonly [field: string]: unknown }
}

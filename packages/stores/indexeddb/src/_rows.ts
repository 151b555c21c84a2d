/**
 * Shape checks of rows read back: a row that fails is reported `STORE_CORRUPT`, never served.
 * @internal
 * @module
 */
import { type Address, type Hex, InvalidArgumentError, isAddress } from '@medseal/core'
import { corrupt } from './_tx.js'

const HEX32 = /^0x[0-9a-fA-F]{64}$/

/** A 32-byte hex value given by a caller, lower-cased (the row key). */
export function hex32Key(value: unknown, what: string): string {
  if (typeof value !== 'string' || !HEX32.test(value))
    throw new InvalidArgumentError('INVALID_ARGUMENT', `${what} is 32 bytes of 0x hex.`)
  return value.toLowerCase()
}

/** A stored 32-byte hex value. */
export function storedHex32(value: unknown, what: string): Hex {
  if (typeof value !== 'string' || !HEX32.test(value)) throw corrupt(what)
  return value as Hex
}

/** A stored address. */
export function storedAddress(value: unknown, what: string): Address {
  if (typeof value !== 'string' || !isAddress(value)) throw corrupt(what)
  return value as Address
}

/** A stored non-negative safe integer. */
export function storedUint(value: unknown, what: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw corrupt(what)
  return value as number
}

/** A stored string (of at most `max` characters). */
export function storedString(value: unknown, what: string, max = 4096): string {
  if (typeof value !== 'string' || value.length > max) throw corrupt(what)
  return value
}

/** A stored array of strings. */
export function storedStrings(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string')) throw corrupt(what)
  return [...value]
}

/** A stored plain object. */
export function storedObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corrupt(what)
  return value as Record<string, unknown>
}

/** Checks a scope name (which custodian, anchorer… of the database). */
export function checkScope(scope: unknown): string {
  if (scope === undefined) return 'default'
  if (typeof scope !== 'string' || scope.length < 1 || scope.length > 256)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'scope must be a name of 1 to 256 characters.')
  return scope
}

/** Checks the `db` parameter. */
export function checkDb<T extends { connection?: { transaction?: unknown } }>(db: T | undefined): T {
  if (typeof db?.connection?.transaction !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'db must come from openIndexedDb.')
  return db
}

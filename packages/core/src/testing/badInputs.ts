/**
 * A shared table of values that are not `Uint8Array`s, for every test of a function that takes bytes (after noble's
 * `getTypeTests`). Each must be rejected with `INVALID_TYPE` (or, where a function documents it, `INVALID_ARGUMENT`),
 * never accepted, never crash with a raw `TypeError`.
 * @module
 */

/** One bad input: a label for test names and a factory (fresh value per call, so tests cannot share mutations). */
export type BadBytesInput = {
  /** Describes the value, e.g. `Uint16Array(16)`. */
  readonly label: string
  /** Makes the value. */
  readonly make: () => unknown
}

/**
 * Values that look like bytes, or are easily mistaken for them, and are not `Uint8Array`: numbers, strings
 * (including hex), `null`/`undefined`, plain arrays, other typed arrays (including `Uint8ClampedArray` and a 32-byte
 * `Int8Array`), `ArrayBuffer`, `SharedArrayBuffer` when available, `DataView`, and objects faking a `Uint8Array`
 * (array-like with `length` and `BYTES_PER_ELEMENT`, a forged `Symbol.toStringTag`, a forged `constructor`).
 *
 * @example
 * ```ts
 * import { badBytesInputs } from '@medseal/core/testing'
 * import { assertBytes, isSdkError } from '@medseal/core'
 * import { expect, it } from 'vitest'
 *
 * it.each(badBytesInputs)('assertBytes rejects $label', ({ make }) => {
 *   let caught: unknown
 *   try { assertBytes(make(), { length: 32 }) } catch (e) { caught = e }
 *   expect(isSdkError(caught, 'INVALID_TYPE')).toBe(true)
 * })
 * ```
 */
export const badBytesInputs: readonly BadBytesInput[] = Object.freeze([
  { label: 'number 0', make: () => 0 },
  { label: 'number 32', make: () => 32 },
  { label: 'NaN', make: () => Number.NaN },
  { label: 'bigint 1n', make: () => 1n },
  { label: 'empty string', make: () => '' },
  { label: 'hex string (32 bytes)', make: () => `0x${'ab'.repeat(32)}` },
  { label: 'hex string without prefix', make: () => 'ab'.repeat(32) },
  { label: 'boolean true', make: () => true },
  { label: 'null', make: () => null },
  { label: 'undefined', make: () => undefined },
  { label: 'symbol', make: () => Symbol('bytes') },
  { label: 'function', make: () => () => new Uint8Array(32) },
  { label: 'plain object', make: () => ({}) },
  { label: 'array of 32 numbers', make: () => new Array(32).fill(1) },
  { label: 'Uint8ClampedArray(32)', make: () => new Uint8ClampedArray(32) },
  { label: 'Int8Array(32)', make: () => new Int8Array(32) },
  { label: 'Uint16Array(16)', make: () => new Uint16Array(16) },
  { label: 'Uint32Array(8)', make: () => new Uint32Array(8) },
  { label: 'Float64Array(4)', make: () => new Float64Array(4) },
  { label: 'BigUint64Array(4)', make: () => new BigUint64Array(4) },
  { label: 'ArrayBuffer(32)', make: () => new ArrayBuffer(32) },
  ...(typeof SharedArrayBuffer === 'function'
    ? [{ label: 'SharedArrayBuffer(32)', make: () => new SharedArrayBuffer(32) }]
    : []),
  { label: 'DataView(32)', make: () => new DataView(new ArrayBuffer(32)) },
  {
    label: 'fake Uint8Array (array-like)',
    make: () => ({ length: 32, BYTES_PER_ELEMENT: 1, byteLength: 32, byteOffset: 0, buffer: new ArrayBuffer(32) }),
  },
  {
    label: 'fake Uint8Array (toStringTag)',
    make: () => ({ [Symbol.toStringTag]: 'Uint8Array', length: 32, 0: 1, 1: 2 }),
  },
  {
    label: 'fake Uint8Array (constructor.name)',
    make: () => ({ constructor: { name: 'Uint8Array' }, length: 32, byteLength: 32 }),
  },
] satisfies BadBytesInput[])

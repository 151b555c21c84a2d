/**
 * Test helpers of the memory adapter's test files (not built into the package).
 * @module
 * @internal
 */
import { isSdkError } from '@medseal/core'
import { expect } from 'vitest'

/** Fixed ledger time of the tests, Unix seconds. */
export const T0 = 1_700_000_000

/**
 * A ledger clock the ledger conformance suite moves: `now` for the ledger, `advanceTime` / `rewindTime` for the suite.
 */
export function testClock(start = T0) {
  let t = start
  return {
    now: () => t,
    advanceTime: async (seconds: number) => {
      t += seconds
    },
    rewindTime: async (seconds: number) => {
      t -= seconds
    },
  }
}

/** A 32-byte root whose first four bytes are `n` (distinct per `n`, readable in a failure). */
export const rootOf = (n: number) =>
  Uint8Array.from({ length: 32 }, (_, i) => (i < 4 ? (n >>> (24 - 8 * i)) & 0xff : 0xab))

function expectSdkError(caught: unknown, name: string, code: string) {
  expect(isSdkError(caught), `a medseal error, got ${String(caught)}`).toBe(true)
  expect((caught as Error).name).toBe(name)
  expect((caught as { code: string }).code).toBe(code)
  return caught as Error & { code: string; cause?: unknown }
}

/** `promise` rejects with the medseal error `name` of `code`; returns it. */
export async function expectCode(promise: Promise<unknown>, name: string, code: string) {
  let caught: unknown
  try {
    await promise
  } catch (e) {
    caught = e
  }
  return expectSdkError(caught, name, code)
}

/** `fn` throws the medseal error `name` of `code`; returns it. */
export function expectThrowCode(fn: () => unknown, name: string, code: string) {
  let caught: unknown
  try {
    fn()
  } catch (e) {
    caught = e
  }
  return expectSdkError(caught, name, code)
}

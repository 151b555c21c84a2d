/**
 * A secp256k1 recovery that remembers its last answers, for code that checks the same signature more than once.
 * Deprecated: the handler of `createCustodianHandler` no longer needs it. With rate limits on it recovers the signer of
 * a key request or a deposit to count it, and the custodian takes that check of the (frozen) request instead of
 * recovering again.
 * @module
 */
import { bytesToHex, InvalidArgumentError, type Secp256k1Recovery } from '@medseal/core'

/** Parameters of {@link createRecoveryCache}. */
export type CreateRecoveryCacheParameters = {
  /** The recovery that computes (e.g. `createNativeSecp256k1Recovery()` from `@medseal/core/node`). */
  readonly secp256k1: Secp256k1Recovery
  /** How many answers are remembered, the oldest forgotten first (default 1,024). */
  readonly size?: number
}

/** Errors {@link createRecoveryCache} throws (bad parameters). */
export type CreateRecoveryCacheErrorType = InvalidArgumentError

/**
 * Wraps a secp256k1 recovery so that the same `(digest, signature, recovery id)` asked again within the last `size`
 * distinct questions is answered from memory. The answer is the wrapped recovery's, byte for byte (a copy each time);
 * a question with no answer (the wrapped recovery throws) is never remembered.
 *
 * @deprecated Not needed between `createCustodianHandler` and the custodian: the handler freezes each key request and
 * deposit it checks, and the custodian takes that check instead of recovering the signature again. Pass the recovery
 * itself (e.g. `createNativeSecp256k1Recovery()` from `@medseal/core/node`) as `secp256k1` to both
 * `createCustodian` and `createCustodianHandler`. Still exported, unchanged, for code of your own that checks the same
 * signatures again on copies it made itself; it will be removed in a later breaking release.
 *
 * @param params - {@link CreateRecoveryCacheParameters}
 * @returns a frozen `Secp256k1Recovery` with the wrapped one's `name`
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_TYPE` when `secp256k1` is not a recovery,
 *   `INVALID_ARGUMENT` when `size` is not a whole number from 1 to 1,048,576
 * @example
 * ```ts
 * import { createNativeSecp256k1Recovery } from '@medseal/core/node'
 * import { createCustodianHandler, createRecoveryCache } from '@medseal/service'
 * const secp256k1 = createRecoveryCache({ secp256k1: createNativeSecp256k1Recovery() })
 * const custodian = createCustodian({ party, ledger, log, store, secp256k1 })
 * const handler = createCustodianHandler({ custodian, accessLog: log, ledger, secp256k1 })
 * ```
 */
export function createRecoveryCache(params: CreateRecoveryCacheParameters): Secp256k1Recovery {
  const inner = (params as Partial<CreateRecoveryCacheParameters> | undefined)?.secp256k1
  if (typeof inner?.recoverPublicKey !== 'function' || typeof inner.name !== 'string')
    throw new InvalidArgumentError(
      'INVALID_TYPE',
      'secp256k1 must be a Secp256k1Recovery ({ name, recoverPublicKey }).',
    )
  const size = params.size ?? 1024
  if (!Number.isSafeInteger(size) || size < 1 || size > 1_048_576)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'size must be a whole number from 1 to 1,048,576.')
  // insertion order is age: the first key is the oldest
  const answers = new Map<string, Uint8Array>()
  return Object.freeze({
    name: inner.name,
    recoverPublicKey(digest: Uint8Array, signature: Uint8Array, recovery: 0 | 1): Uint8Array {
      const key = `${bytesToHex(digest)}:${bytesToHex(signature)}:${recovery}`
      const known = answers.get(key)
      if (known !== undefined) return known.slice()
      const key65 = inner.recoverPublicKey(digest, signature, recovery)
      if (answers.size >= size) answers.delete(answers.keys().next().value as string)
      answers.set(key, key65.slice())
      return key65
    },
  })
}

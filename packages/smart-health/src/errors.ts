/**
 * The error family of `@medseal/smart-health`: one class, codes `SHC_*` (cards) and `SHL_*` (links) from core's
 * code list, so callers branch with `isSdkError(err, 'SHC_REVOKED')`.
 * @module
 */
import { BaseError } from '@medseal/core'

/**
 * A SMART Health Card or Link failed: malformed, not verifiable, expired, revoked, or its server refused.
 *
 * @example
 * ```ts
 * import { isSdkError } from '@medseal/core'
 * import { SmartHealthError } from '@medseal/smart-health'
 * const err = new SmartHealthError('SHC_REVOKED', 'The card is revoked.')
 * console.log(isSdkError(err, 'SHC_REVOKED')) // true
 * ```
 */
export class SmartHealthError extends BaseError {
  override name = 'SmartHealthError'
}

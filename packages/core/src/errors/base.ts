/**
 * The one error hierarchy of medseal, after viem's `BaseError`: a stable `code`, a short message, details that never
 * carry secrets or PHI, a docs link, and the original `cause`.
 * @module
 */
import { version } from '../version.js'
import type { ErrorCode } from './codes.js'

const DOCS_BASE = 'https://medseal.dev/docs/errors'

/** Options every medseal error accepts. */
export type BaseErrorParameters = {
  /** The underlying error, when this one wraps a foreign one. */
  cause?: unknown
  /** A longer explanation. Must never contain secrets, keys or PHI. */
  details?: string
  /** Extra lines shown under the message (argument names, expected shapes). */
  metaMessages?: readonly string[]
  /** Docs path below the error docs, defaults to the lower-cased code. */
  docsPath?: string
}

/**
 * The base class of every error thrown by `@medseal/*`.
 *
 * @example
 * ```ts
 * import { BaseError, isSdkError } from '@medseal/core'
 * try { throw new BaseError('CONSENT_REVOKED', 'Consent was revoked.') }
 * catch (e) { if (isSdkError(e, 'CONSENT_REVOKED')) console.log(e.code) }
 * ```
 */
export class BaseError extends Error {
  override name = 'MedsealError'
  /** Stable, machine-readable code. Branch on this, not on the message. */
  readonly code: ErrorCode
  /** The message without details or meta lines. */
  readonly shortMessage: string
  /** Longer explanation (never secrets or PHI). */
  readonly details: string | undefined
  /** Extra context lines. */
  readonly metaMessages: readonly string[] | undefined
  /** Docs page for this error. */
  readonly docsPath: string
  /** Version of `@medseal/core` that threw. */
  readonly version: string = version

  constructor(code: ErrorCode, shortMessage: string, params: BaseErrorParameters = {}) {
    const docsPath = params.docsPath ?? code.toLowerCase().replaceAll('_', '-')
    const lines = [shortMessage]
    if (params.metaMessages?.length) lines.push('', ...params.metaMessages)
    if (params.details) lines.push('', `Details: ${params.details}`)
    lines.push(`Docs: ${DOCS_BASE}/${docsPath}`, `Code: ${code}`, `Version: @medseal/core@${version}`)
    super(lines.join('\n'), params.cause === undefined ? undefined : { cause: params.cause })
    this.code = code
    this.shortMessage = shortMessage
    this.details = params.details
    this.metaMessages = params.metaMessages
    this.docsPath = docsPath
  }

  /** Walks the `cause` chain and returns the deepest error, or the first one `fn` accepts. */
  walk(fn?: (err: unknown) => boolean): unknown {
    let err: unknown = this
    for (let i = 0; i < 32; i++) {
      if (fn?.(err)) return err
      const next = (err as { cause?: unknown } | null)?.cause
      if (next === undefined || next === null) return fn ? null : err
      err = next
    }
    return fn ? null : err
  }
}

/** Wrong type, length, range or shape of an argument. */
export class InvalidArgumentError extends BaseError {
  override name = 'InvalidArgumentError'
}
/** A composite check failed: proofs, receipts, signatures over structures, log consistency. */
export class VerificationError extends BaseError {
  override name = 'VerificationError'
}
/** Sealing or opening an envelope failed. */
export class EnvelopeError extends BaseError {
  override name = 'EnvelopeError'
}
/** A consent token is malformed, or does not authorize what was asked. */
export class ConsentError extends BaseError {
  override name = 'ConsentError'
}
/** The ledger could not be reached, refused a write, or answered with something unexpected. */
export class LedgerError extends BaseError {
  override name = 'LedgerError'
}
/**
 * A store (database) could not be used or cannot be trusted: `STORE_CORRUPT` (a stored row, tree node or envelope
 * fails its check: never served), `STORE_VERSION` (written by a newer schema), `STORE_LOCKED` (already opened by
 * another process), `STORE_UNAVAILABLE` (the database failed).
 */
export class StoreError extends BaseError {
  override name = 'StoreError'
}
/** A FHIR resource is invalid, or a FHIR server failed. */
export class FhirError extends BaseError {
  override name = 'FhirError'
}

/**
 * Is `err` a medseal error, optionally with the given code? Works across duplicate package copies (checks the
 * shape, not `instanceof`).
 *
 * @example
 * ```ts
 * import { isSdkError } from '@medseal/core'
 * isSdkError(new Error('x')) // false
 * ```
 */
export function isSdkError<C extends ErrorCode>(err: unknown, code?: C): err is BaseError & { code: C } {
  if (typeof err !== 'object' || err === null) return false
  const e = err as { code?: unknown; shortMessage?: unknown; version?: unknown }
  if (typeof e.code !== 'string' || typeof e.shortMessage !== 'string' || typeof e.version !== 'string') return false
  return code === undefined || e.code === code
}

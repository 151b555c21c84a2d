/**
 * Opaque `listConsents` cursors: the position in registration order to continue from, base64url-encoded so that
 * callers treat it as a token rather than a number to compute with.
 * @internal
 * @module
 */
import { base64urlToBytes, bytesToBase64url, bytesToUtf8, InvalidArgumentError, utf8ToBytes } from '@medseal/core'

const PREFIX = 'memory-consents:'
const POSITION = /^(0|[1-9][0-9]{0,15})$/

/** Encodes a position in registration order as an opaque cursor. @internal */
export function encodeCursor(position: number): string {
  return bytesToBase64url(utf8ToBytes(`${PREFIX}${position}`))
}

/**
 * Decodes a cursor made by {@link encodeCursor}.
 * @throws {@link InvalidArgumentError} `INVALID_ARGUMENT` for anything else
 * @internal
 */
export function decodeCursor(cursor: unknown): number {
  const bad = (cause?: unknown) =>
    new InvalidArgumentError('INVALID_ARGUMENT', 'cursor is not a cursor from this ledger.', {
      ...(cause === undefined ? {} : { cause }),
      metaMessages: ['Pass the cursor of a previous listConsents page unchanged.'],
    })
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 64) throw bad()
  let text: string
  try {
    text = bytesToUtf8(base64urlToBytes(cursor))
  } catch (cause) {
    throw bad(cause)
  }
  if (!text.startsWith(PREFIX)) throw bad()
  const digits = text.slice(PREFIX.length)
  if (!POSITION.test(digits)) throw bad()
  const position = Number(digits)
  if (!Number.isSafeInteger(position)) throw bad()
  return position
}

/**
 * The error answers of the link routes: RFC 9457 `application/problem+json`, the same members as the custodian
 * service's (`type` = the code's docs URL, `title`, `status`, `code`, `errorName`) plus a plain-words `detail` saying
 * what to do. SMART Health Links' own members stay, as extension members (RFC 9457 §3.2): `remainingAttempts` on a
 * wrong passcode (401), `reason` on a link that is not served (404). No secret, passcode, key or PHI in any member.
 * No CORS header: the service the routes are mounted in, or `createShlHandler`, adds its configured one.
 * @module
 */
import type { ErrorCode } from '@medseal/core'

const DOCS_BASE = 'https://medseal.dev/docs/errors'

/** A problem document of the link routes. @internal */
export type ShlProblem = {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly code: ErrorCode
  readonly errorName: string
  readonly detail: string
  /** Wrong passcodes still allowed (401 only: SMART Health Links §Manifest Request). */
  readonly remainingAttempts?: number
  /** Why a link is not served (404 of the manifest). */
  readonly reason?: 'unknown' | 'disabled' | 'revoked' | 'expired' | 'unavailable'
}

/** The class a client rebuilds for a code (the service client reads `errorName`). */
function errorNameOf(code: ErrorCode): string {
  if (code.startsWith('SHL_')) return 'SmartHealthError'
  if (code.startsWith('CONSENT_') || code === 'DELEGATION_INVALID') return 'ConsentError'
  return 'ServiceError'
}

/**
 * A problem+json answer.
 * @param status - the HTTP status
 * @param code - the SDK error code
 * @param title - what happened, short
 * @param detail - what the caller can do, in plain words
 * @param extra - `remainingAttempts` or `reason`
 * @internal
 */
export function shlProblem(
  status: number,
  code: ErrorCode,
  title: string,
  detail: string,
  extra: Pick<ShlProblem, 'remainingAttempts' | 'reason'> = {},
): Response {
  const problem: ShlProblem = {
    type: `${DOCS_BASE}/${code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    code,
    errorName: errorNameOf(code),
    detail,
    ...extra,
  }
  return new Response(JSON.stringify(problem), {
    status,
    headers: {
      'content-type': 'application/problem+json',
      'cache-control': 'no-store',
      'x-medseal-code': code,
    },
  })
}

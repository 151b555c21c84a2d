/**
 * The `detail` of a link server's problem+json answer, made fit for an error message the client raises.
 * @module
 * @internal
 */

/** The longest detail kept (the link routes' own are one or two sentences). */
const MAX_DETAIL = 400

/**
 * The server's plain-words `detail`, when it is a string: control characters made spaces, well-formed, at most 400
 * characters. Left out when it contains any of `secrets` (the passcode or key the client sent or holds): a server that
 * echoes one must not put it into an error message, which may be logged.
 * @internal
 */
export function problemDetail(body: unknown, secrets: readonly (string | undefined)[]): string | undefined {
  const detail = typeof body === 'object' && body !== null ? (body as { detail?: unknown }).detail : undefined
  if (typeof detail !== 'string') return undefined
  const text = detail
    .replace(/\p{Cc}+/gu, ' ') // control characters (line breaks, escapes) never reach a message
    .trim()
    .slice(0, MAX_DETAIL)
    .toWellFormed()
  if (text === '') return undefined
  for (const secret of secrets) if (secret && text.includes(secret)) return undefined
  return text
}

/** The JSON body of an error answer, or `{}` when it has none. @internal */
export async function problemBody(res: Response): Promise<Record<string, unknown>> {
  const body: unknown = await res.json().catch(() => undefined)
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {}
}

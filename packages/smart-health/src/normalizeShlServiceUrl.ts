/**
 * The one rule for a link server's public base URL, used where a link URL is made (the server's `publicUrl`), where a
 * registration is addressed (the patient's `serviceUrl`) and where a registration's signed `service` is compared: an
 * `https:` URL, or `http:` on a loopback address only (`127.0.0.0/8`, `::1`, `localhost`: a server on this machine),
 * with no credentials, query or fragment. A link URL carries a manifest id that grants access, so it is never sent in
 * the clear across a network (SMART Health Links: the manifest URL is https).
 * @module
 */
import { InvalidArgumentError } from '@medseal/core'

/** Everything {@link normalizeShlServiceUrl} can throw. */
export type NormalizeShlServiceUrlErrorType = InvalidArgumentError

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i

/**
 * Checks a link server's public base URL and returns its normal form: scheme and host in lower case, no default port,
 * no trailing slash (`HTTPS://Custodian.Example:443/api/` → `https://custodian.example/api`). Two spellings of one
 * base URL give the same string, so a signed registration compares exactly.
 *
 * @param url - the base URL (scheme, host, optional port and base path)
 * @param options - `name`: the setting's name for the error message (default `url`)
 * @returns the normalized base URL
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_ARGUMENT` when it is not an https URL (or http on a
 *   loopback address), or carries credentials, a query or a fragment
 * @example
 * ```ts
 * import { normalizeShlServiceUrl } from '@medseal/smart-health'
 * normalizeShlServiceUrl('https://Custodian.example/api/') // 'https://custodian.example/api'
 * normalizeShlServiceUrl('http://127.0.0.1:8787') // 'http://127.0.0.1:8787'
 * ```
 */
export function normalizeShlServiceUrl(url: string, options: { readonly name?: string } = {}): string {
  const name = options.name ?? 'url'
  const fail = (why: string) =>
    new InvalidArgumentError(
      'INVALID_ARGUMENT',
      `${name} must be an https URL (or http on a loopback address: 127.0.0.1, [::1], localhost) ${why}.`,
    )
  if (typeof url !== 'string' || !URL.canParse(url)) throw fail('(it is not a URL)')
  const u = new URL(url)
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.test(u.hostname)))
    throw fail(`(it is ${u.protocol === 'http:' ? 'http on a host that is not loopback' : `a ${u.protocol} URL`})`)
  if (u.username || u.password) throw fail('without credentials')
  if (u.search || u.hash || url.includes('?') || url.includes('#')) throw fail('without a query or a fragment')
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`
}

/**
 * The HL7 SMART Health Cards examples of ../shared/vectors/shc (see its README), loaded through Vite so the same
 * tests run in Node and in Chromium, and grouped by example: every example present is used.
 * @module
 * @internal
 */
const texts = import.meta.glob('@vectors/shc/*', { query: '?raw', import: 'default', eager: true }) as Record<
  string,
  string
>

/** One HL7 example. */
export type ShcExample = {
  readonly name: string
  readonly bundle: unknown
  readonly minifiedPayload: unknown
  readonly jws: string
  readonly file: string
  /** The QR texts (several for the deprecated chunked examples). */
  readonly qr: readonly string[]
}

const byName = (suffix: string) => Object.entries(texts).find(([path]) => path.endsWith(suffix))?.[1]

/** The examples, by name (`example-00`, …). */
export const examples: readonly ShcExample[] = (() => {
  const names = new Set<string>()
  for (const path of Object.keys(texts)) {
    const m = /(example-\d+)-d-jws\.txt$/.exec(path)
    if (m?.[1]) names.add(m[1])
  }
  return [...names].sort().map((name) => {
    const qr = Object.entries(texts)
      .filter(([path]) => path.includes(`${name}-f-qr-code-numeric-value-`))
      .sort(([a], [b]) => Number(/-(\d+)\.txt$/.exec(a)?.[1]) - Number(/-(\d+)\.txt$/.exec(b)?.[1]))
      .map(([, text]) => text.trim())
    return {
      name,
      bundle: JSON.parse(byName(`${name}-a-fhirBundle.json`) ?? 'null'),
      minifiedPayload: JSON.parse(byName(`${name}-c-jws-payload-minified.json`) ?? 'null'),
      jws: (byName(`${name}-d-jws.txt`) ?? '').trim(),
      file: byName(`${name}-e-file.smart-health-card`) ?? '',
      qr,
    }
  })
})()

/** The example issuer's JWKS document, as text. */
export const issuerJwks: string = byName('issuer-jwks.json') ?? ''

/** The example issuer's revocation lists, as text, by URL below the issuer. */
export const issuerCrls: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(texts).flatMap(([path, text]) => {
    const m = /issuer-crl-(.+)\.json$/.exec(path)
    return m ? [[`/.well-known/crl/${m[1]}.json`, text]] : []
  }),
)

/** The example issuer. */
export const EXAMPLE_ISS = 'https://spec.smarthealth.cards/examples/issuer'

/** A fetch serving the example issuer's documents, counting the requests. */
export function exampleIssuerFetch(): { fetch: (url: string) => Promise<Response>; calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    fetch: async (url: string) => {
      calls.push(url)
      if (url === `${EXAMPLE_ISS}/.well-known/jwks.json`) return new Response(issuerJwks)
      for (const [path, text] of Object.entries(issuerCrls)) if (url === EXAMPLE_ISS + path) return new Response(text)
      return new Response('not found', { status: 404 })
    },
  }
}

/**
 * SMART Health Cards in the apps: the patient's app shows a card for a record as a `shc:/` QR code, and the
 * clinician's app verifies cards it receives.
 *
 * Cards are signed by their issuer (a hospital, a lab). This demo has no hospital, so the patient's app signs with the
 * key of a made-up one, "Demo General Hospital", whose private key is published here: a test key, like anvil's first
 * account, worth nothing. The clinician's app trusts issuers through a directory that carries each issuer's public
 * keys (as the VCI directory does for real issuers), so the made-up issuer's `https://` address never has to resolve.
 * @module
 */
import {
  createShcIssuer,
  createShcKeyCache,
  type FhirResourceJson,
  issueHealthCard,
  renderHealthCardQr,
  type ShcJwks,
  type VerifyHealthCardReturnType,
  verifyHealthCard,
} from '@medseal/smart-health'

/** The made-up issuer's `iss` (never resolved: the directory below carries its keys). */
export const DEMO_ISSUER = 'https://demo-general-hospital.medseal.example'

/** A published test key (P-256): it signs the demo's cards and nothing else. */
const DEMO_ISSUER_KEY = Object.freeze({
  kty: 'EC',
  crv: 'P-256',
  x: 'qLgs2hD5zrvo43tgxa97RYl3lW0qV4DAfRxYV6UY5NU',
  y: 'kfJ9A4jnLrW3DDjuSyFC6FeUckOf6zHozFUbQw16iMM',
  d: '9zPA2Di9c7YdSkuExizPX40Rq0tPUo_xH01JNjEul2I',
} as const)

/** An issuer the clinician's app trusts: its name and its public keys (a directory entry). */
export type TrustedIssuer = { readonly iss: string; readonly name: string; readonly jwks: ShcJwks }

let demo: ReturnType<typeof createShcIssuer> | undefined
const demoIssuer = () => {
  demo ??= createShcIssuer({ iss: DEMO_ISSUER, privateJwk: DEMO_ISSUER_KEY })
  return demo
}

/** The trusted-issuer directory of the clinician's app (here: the demo hospital only). */
export async function issuerDirectory(): Promise<readonly TrustedIssuer[]> {
  const issuer = await demoIssuer()
  return [{ iss: issuer.iss, name: 'Demo General Hospital (a test issuer)', jwks: issuer.jwks() }]
}

/** A card for one record (with the patient's record first, as cards require), and its QR code's modules. */
export type HealthCardView = {
  readonly jws: string
  /** The `shc:/` text the QR code holds. */
  readonly text: string
  readonly modules: readonly (readonly boolean[])[]
}

/**
 * Signs a card for `record` with the demo hospital's key and renders its QR code.
 *
 * @param patient - the Patient resource
 * @param record - the record the card carries
 * @returns the card, its `shc:/` text and its modules
 * @example
 * ```ts
 * const card = await healthCardFor(patientResource, heartRate)
 * ```
 */
export async function healthCardFor(
  patient: Readonly<Record<string, unknown>>,
  record: Readonly<Record<string, unknown>>,
): Promise<HealthCardView> {
  const { jws } = await issueHealthCard(await demoIssuer(), {
    resources: [patient as FhirResourceJson, record as FhirResourceJson],
  })
  const qr = await renderHealthCardQr(jws)
  return { jws, text: qr.text, modules: qr.modules }
}

/**
 * Verifies cards against the directory: the issuer must be in it, and its JWKS is served from it (any other URL is
 * fetched from the network, e.g. a revocation list).
 *
 * @param directory - the trusted issuers
 * @returns a verifier of one card
 * @example
 * ```ts
 * const verify = cardVerifier(await issuerDirectory())
 * const card = await verify(jws) // card.issuer.iss, card.patient, card.resources
 * ```
 */
export function cardVerifier(
  directory: readonly TrustedIssuer[],
): (jws: string) => Promise<VerifyHealthCardReturnType & { readonly issuerName: string }> {
  const cache = createShcKeyCache()
  const byJwksUrl = new Map(directory.map((i) => [`${i.iss}/.well-known/jwks.json`, i]))
  const fetchVia = async (url: string, init?: RequestInit) => {
    const entry = byJwksUrl.get(url)
    if (entry) return new Response(JSON.stringify(entry.jwks), { headers: { 'content-type': 'application/json' } })
    return fetch(url, init)
  }
  return async (jws) => {
    const card = await verifyHealthCard(
      { fetch: fetchVia, cache, trustedIssuers: directory.map((i) => i.iss) },
      { card: jws },
    )
    const issuerName = directory.find((i) => i.iss === card.issuer.iss)?.name ?? card.issuer.iss
    return { ...card, issuerName }
  }
}

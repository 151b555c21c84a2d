/**
 * docs/spec/fhir-canonical.md: the vector file in packages/fhir/test/vectors/fhir-canonical/ is what
 * canonicalizeResource / hashResource produce, the hashes are SHA-256 and CIDv1 of the canonical bytes (computed here
 * with WebCrypto, not medseal), the `jcs` column is what plain RFC 8785 gives, and the spec's worked example is one
 * of the vectors.
 */
import canonicalizeJcs from 'canonicalize'
import { describe, expect, it } from 'vitest'
import spec from '../../../docs/spec/fhir-canonical.md?raw'
import file from '../test/vectors/fhir-canonical/vectors.json'
import { canonicalizeResource } from './canonicalizeResource.js'
import { hashResource } from './hashResource.js'

type Vector = {
  name: string
  note: string
  options?: Record<string, unknown>
  input: string
  canonical: string
  sha256: string
  cid: string
  jcs?: string
}
const vectors = (file as { vectors: Vector[] }).vectors

const hex = (b: ArrayBuffer) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('')

describe('fhir-canonical/1 vectors', () => {
  it('has the vectors the spec names', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(12)
    for (const v of vectors) expect(spec).toContain(`\`${v.name}\``)
  })

  for (const v of vectors) {
    it(`${v.name}: canonical text, SHA-256 and CID`, async () => {
      const canonical = canonicalizeResource(v.input, v.options as never)
      expect(canonical).toBe(v.canonical)
      const bytes = new TextEncoder().encode(v.canonical)
      expect(hex(await crypto.subtle.digest('SHA-256', bytes))).toBe(v.sha256)
      const { contentId, canonical: hashed } = hashResource(v.input, v.options as never)
      expect(hashed).toEqual(bytes)
      expect(contentId.toString()).toBe(v.cid)
      // the canonical form is a fixed point, and key order / whitespace of the input do not matter
      expect(canonicalizeResource(v.canonical, v.options as never)).toBe(v.canonical)
      // `jcs` is what plain RFC 8785 over JSON.parse gives, present exactly when it differs
      const jcs = canonicalizeJcs(JSON.parse(v.input))
      if (v.jcs === undefined) expect(jcs).toBe(v.canonical)
      else {
        expect(jcs).toBe(v.jcs)
        expect(jcs).not.toBe(v.canonical)
      }
    })
  }

  it('the worked example in the spec is the decimal-precision vector', () => {
    const v = vectors.find((x) => x.name === 'decimal-precision') as Vector
    for (const s of [v.input, v.canonical, v.sha256, v.cid, v.jcs as string]) expect(spec).toContain(s)
  })
})

import { bytesToUtf8, contentIdOf, InvalidArgumentError, parseContentId, verifyContentId } from '@medseal/core'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { exampleFiles } from './_testData.js'
import { canonicalizeResource } from './canonicalizeResource.js'
import { FhirValidationError } from './errors.js'
import { hashResource } from './hashResource.js'

describe('hashResource', () => {
  it('canonical bytes + CIDv1(json, sha2-256) of them', () => {
    const text = exampleFiles['Patient-example.json'] as string
    const { canonical, contentId } = hashResource(text)
    expect(contentId.version).toBe(1)
    expect(contentId.code).toBe(0x0200)
    expect(contentId.multihash.code).toBe(0x12)
    expect(contentId.multihash.digest).toEqual(sha256(canonical))
    expect(verifyContentId(contentId, canonical)).toBe(true)
    expect(parseContentId(contentId.toString()).equals(contentId)).toBe(true)
    expect(bytesToUtf8(canonical)).toBe(canonicalizeResource(text))
  })
  it('whitespace and key order do not change the id; decimal precision does', () => {
    const a = hashResource('{"resourceType":"Observation","valueQuantity":{"value":1.50,"unit":"mg"}}')
    const b = hashResource('{ "valueQuantity": { "unit": "mg", "value": 1.50 }, "resourceType": "Observation" }')
    const c = hashResource('{"resourceType":"Observation","valueQuantity":{"value":1.5,"unit":"mg"}}')
    expect(a.contentId.equals(b.contentId)).toBe(true)
    expect(a.contentId.equals(c.contentId)).toBe(false)
  })
  it('object input without decimals matches core contentIdOf (plain JCS)', () => {
    const obs = { resourceType: 'Observation', status: 'final', valueQuantity: { value: 1.5 } }
    expect(hashResource(obs).contentId.equals(contentIdOf(obs))).toBe(true)
  })
  it('server meta does not change the id by default', () => {
    const p = { resourceType: 'Patient', id: 'p1' }
    const moved = { ...p, meta: { versionId: '9', lastUpdated: '2025-01-01T00:00:00Z' } }
    expect(hashResource(moved).contentId.equals(hashResource(p).contentId)).toBe(true)
    expect(hashResource(moved, { meta: true }).contentId.equals(hashResource(p).contentId)).toBe(false)
  })
  it('errors are those of canonicalizeResource', () => {
    expect(() => hashResource('{')).toThrow(InvalidArgumentError)
    expect(() => hashResource('{')).toThrow(expect.objectContaining({ code: 'INVALID_JSON' }))
    expect(() => hashResource({ a: 1 } as never)).toThrow(FhirValidationError)
  })
})

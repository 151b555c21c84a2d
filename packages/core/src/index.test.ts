import { describe, expect, it } from 'vitest'
import * as core from './index.js'
import * as testing from './testing/index.js'

// Adding or removing a public export shows up here, in review (STYLE rule 41).
describe('@medseal/core exports', () => {
  it('the root entry', () => {
    expect(Object.keys(core).sort()).toMatchSnapshot()
  })
  it('the ./testing entry', () => {
    expect(Object.keys(testing).sort()).toMatchSnapshot()
  })
  it('exports the RFC 9162 operations external checks call', () => {
    for (const name of [
      'leafHash',
      'merkleRoot',
      'inclusionProof',
      'consistencyProof',
      'verifyInclusion',
      'verifyConsistency',
      'canonicalize',
    ])
      expect(typeof (core as Record<string, unknown>)[name], name).toBe('function')
  })
})

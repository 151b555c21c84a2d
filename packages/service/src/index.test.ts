import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as service from './index.js'
import * as node from './node.js'

// Adding or removing a public export shows up here, in review (STYLE rule 41).
describe('@medseal/service exports', () => {
  it('the root entry', () => {
    expect(Object.keys(service).sort()).toEqual([
      'ServiceError',
      'createCustodianClient',
      'createCustodianHandler',
      'createEmergencyAccess',
      'createRecoveryCache',
      'createRemoteLedger',
      'createReviewRequest',
      'openApiDocument',
      'reviewRequestTypes',
      'verifyReviewRequest',
    ])
  })
  it('the ./node entry', () => {
    expect(Object.keys(node).sort()).toEqual(['serve', 'serveCluster', 'toNodeListener'])
  })
  it('the root entry imports no Node built-ins (it runs in browsers, Deno, Bun and Workers)', () => {
    for (const file of [
      'index.ts',
      'createCustodianHandler.ts',
      'createCustodianClient.ts',
      'createRemoteLedger.ts',
      '_body.ts',
      '_problem.ts',
      '_rateLimit.ts',
      '_relay.ts',
      '_reviews.ts',
      '_wire.ts',
      '_errors.ts',
      'openApiDocument.ts',
      'reviewRequest.ts',
      'createEmergencyAccess.ts',
      'createRecoveryCache.ts',
      '_direct.ts',
      '_known.ts',
      'serviceError.ts',
    ]) {
      const text = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8')
      expect(text, file).not.toMatch(/from 'node:|require\(|\bBuffer\b|process\./)
    }
  })
  it('ServiceError carries the code and the docs URL', () => {
    const err = new service.ServiceError('RATE_LIMITED', 'Too many requests: retry later.')
    expect(err.name).toBe('ServiceError')
    expect(err.code).toBe('RATE_LIMITED')
    expect(err.message).toContain('https://medseal.dev/docs/errors/rate-limited')
  })
})

import { describe, expect, it } from 'vitest'
import spec from '../../../../docs/spec/consent.md?raw'
import { emergencyAccessTypes } from '../breakGlass/createBreakGlass.js'
import { breakGlassTypes } from '../breakGlass/emergencyPolicy.js'
import { keyRequestTypes } from '../custodian/keyRequest.js'
import { encodeType } from '../eip712/hashTypedData.js'
import { PURPOSE_OF_USE_CODES } from './purposeOfUse.js'
import { consentTypes } from './types.js'

/** docs/spec/consent.md is normative: its encodeType strings must be exactly what the code signs. */
describe('docs/spec/consent.md', () => {
  const all = { ...consentTypes, ...breakGlassTypes, ...keyRequestTypes, ...emergencyAccessTypes }
  for (const primaryType of Object.keys(all)) {
    it(`states the encodeType of ${primaryType}`, () => {
      const line = encodeType({ types: all, primaryType })
      expect(spec.split('\n').map((l) => l.trim())).toContain(line)
    })
  }

  it('names the 59 PurposeOfUse codes and every reason code authorize returns', () => {
    expect(spec).toContain(`all ${PURPOSE_OF_USE_CODES.length}`)
    for (const code of [
      'CONSENT_MALFORMED',
      'CONSENT_SIGNATURE_INVALID',
      'CONSENT_WRONG_DOMAIN',
      'CONSENT_NOT_FOUND',
      'CONSENT_REPLAYED',
      'CONSENT_NOT_YET_VALID',
      'CONSENT_EXPIRED',
      'CONSENT_REVOKED',
      'CONSENT_GRANTEE',
      'CONSENT_ACTION',
      'CONSENT_PURPOSE',
      'CONSENT_SCOPE',
      'CONSENT_EXCLUDED',
      'DELEGATION_INVALID',
      'BREAK_GLASS_INVALID',
      'RECORD_SHREDDED',
    ])
      expect(spec).toContain(`\`${code}\``)
  })
})

/** Gap 3 of issue 16: a `|` inside a table cell must be escaped, or the row splits into extra columns. */
describe('docs/spec/consent.md tables', () => {
  it('every table row has as many cells as its header', () => {
    const cells = (line: string) => line.replace(/\\\|/g, '').split('|').length
    const lines = spec.split('\n')
    let columns = 0
    for (const line of lines) {
      if (!line.startsWith('|')) {
        columns = 0
        continue
      }
      if (columns === 0) columns = cells(line)
      else expect(cells(line), line).toBe(columns)
    }
    expect(spec).toContain('`r \\|\\| s \\|\\| v`')
  })
})

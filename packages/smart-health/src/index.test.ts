import { describe, expect, it } from 'vitest'
import * as smartHealth from './index.js'
import * as testing from './testing/index.js'

describe('@medseal/smart-health exports', () => {
  it('match the snapshot (adding or removing an export shows in review)', () => {
    expect(Object.keys(smartHealth).sort()).toMatchSnapshot()
  })
  it('the ./testing entry: the ShlStore conformance suite', () => {
    expect(Object.keys(testing)).toEqual(['describeShlStoreConformance'])
  })
})

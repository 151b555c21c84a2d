import { describe, expect, it } from 'vitest'
import * as smartHealth from './index.js'

describe('@medseal/smart-health exports', () => {
  it('match the snapshot (adding or removing an export shows in review)', () => {
    expect(Object.keys(smartHealth).sort()).toMatchSnapshot()
  })
})

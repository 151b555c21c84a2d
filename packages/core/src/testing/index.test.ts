import { describe, expect, it } from 'vitest'
import { assertBytes, isBytes } from '../bytes/index.js'
import { isSdkError } from '../errors/base.js'
import * as testing from './index.js'

describe('@medseal/core/testing', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(testing).sort()).toMatchInlineSnapshot(`
      [
        "badBytesInputs",
        "createReleaseFixture",
        "depositAndGrant",
        "describeHpkeConformance",
        "describeLedgerConformance",
        "describeSecp256k1RecoveryConformance",
        "describeStoreConformance",
        "grantReadConsent",
        "readConsent",
        "runConsentStory",
      ]
    `)
  })

  it('badBytesInputs: fresh values, none a Uint8Array, each rejected by assertBytes with INVALID_TYPE', () => {
    expect(Object.isFrozen(testing.badBytesInputs)).toBe(true)
    expect(testing.badBytesInputs.length).toBeGreaterThanOrEqual(20)
    for (const { label, make } of testing.badBytesInputs) {
      const a = make()
      expect(isBytes(a), label).toBe(false)
      if (typeof a === 'object' && a !== null) expect(make(), label).not.toBe(a)
      let caught: unknown
      try {
        assertBytes(a, { length: 32, name: 'root' })
      } catch (e) {
        caught = e
      }
      expect(isSdkError(caught, 'INVALID_TYPE'), label).toBe(true)
    }
  })

  it('badBytesInputs covers numbers, strings, null, other typed arrays, ArrayBuffer, DataView and fakes', () => {
    const values = testing.badBytesInputs.map((b) => b.make())
    expect(values.some((v) => typeof v === 'number')).toBe(true)
    expect(values.some((v) => typeof v === 'string')).toBe(true)
    expect(values).toContain(null)
    expect(values.some((v) => v instanceof Uint16Array)).toBe(true)
    expect(values.some((v) => v instanceof Uint8ClampedArray)).toBe(true)
    expect(values.some((v) => v instanceof ArrayBuffer)).toBe(true)
    expect(values.some((v) => v instanceof DataView)).toBe(true)
    expect(testing.badBytesInputs.filter((b) => b.label.startsWith('fake Uint8Array')).length).toBeGreaterThanOrEqual(3)
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isSdkError } from '../errors/base.js'
import { deflateBytes, inflateBytes } from './compression.js'
import { utf8ToBytes } from './index.js'

describe('deflateBytes / inflateBytes', () => {
  it('round-trips any bytes in both formats (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 4096 }),
        fc.constantFrom('deflate', 'deflate-raw'),
        async (bytes, format) => {
          const packed = await deflateBytes({ bytes, format })
          expect(await inflateBytes({ bytes: packed, format, maxBytes: bytes.length })).toEqual(bytes)
        },
      ),
      { numRuns: 50 },
    )
  })

  it('INPUT_TOO_LARGE: inflation stops at maxBytes (a zip bomb is refused)', async () => {
    const bomb = await deflateBytes({ bytes: new Uint8Array(1 << 20), format: 'deflate-raw' })
    expect(bomb.length).toBeLessThan(2048)
    const err = await inflateBytes({ bytes: bomb, format: 'deflate-raw', maxBytes: 1000 }).catch((e: unknown) => e)
    expect(isSdkError(err, 'INPUT_TOO_LARGE')).toBe(true)
  })

  it('INVALID_ENCODING: data that is not of the format', async () => {
    const raw = await deflateBytes({ bytes: utf8ToBytes('hello hello hello'), format: 'deflate-raw' })
    const err = await inflateBytes({ bytes: raw, format: 'deflate', maxBytes: 100 }).catch((e: unknown) => e)
    expect(isSdkError(err, 'INVALID_ENCODING')).toBe(true)
    const junk = await inflateBytes({ bytes: utf8ToBytes('not deflate'), format: 'deflate-raw', maxBytes: 100 }).catch(
      (e: unknown) => e,
    )
    expect(isSdkError(junk, 'INVALID_ENCODING')).toBe(true)
  })
})

import { decodeQR } from 'qr/decode.js'
import { describe, expect, it } from 'vitest'
import { examples } from './_testVectors.js'
import { encodeHealthCardQr } from './healthCardQr.js'
import { renderHealthCardQr } from './renderHealthCardQr.js'

/** Draws modules as an RGBA image, 4 pixels a module, with the 4-module quiet zone. */
function rasterize(modules: readonly (readonly boolean[])[]) {
  const scale = 4
  const quiet = 4
  const n = modules.length + 2 * quiet
  const width = n * scale
  const data = new Uint8Array(width * width * 4).fill(255)
  for (const [r, row] of modules.entries())
    for (const [c, dark] of row.entries()) {
      if (!dark) continue
      for (let y = 0; y < scale; y++)
        for (let x = 0; x < scale; x++) {
          const o = (((r + quiet) * scale + y) * width + (c + quiet) * scale + x) * 4
          data[o] = data[o + 1] = data[o + 2] = 0
        }
    }
  return { width, height: width, data }
}

describe('renderHealthCardQr', () => {
  for (const ex of examples.filter((e) => e.jws.length <= 1195)) {
    it(`${ex.name}: the image decodes (independent decoder, qr 0.7.0) to the card's shc:/ text`, async () => {
      const { text, version, modules, svg } = await renderHealthCardQr(ex.jws)
      expect(text).toBe(encodeHealthCardQr(ex.jws))
      expect(version).toBeLessThanOrEqual(22)
      expect(modules.length).toBe(17 + 4 * version)
      expect(svg).toContain('<svg')
      expect(decodeQR(rasterize(modules))).toBe(text)
    })
  }

  it('refuses a card above version 22 (INPUT_TOO_LARGE)', async () => {
    const jws = `${'a'.repeat(700)}.${'b'.repeat(700)}.${'c'.repeat(86)}`
    await expect(renderHealthCardQr(jws)).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE' })
  })
})

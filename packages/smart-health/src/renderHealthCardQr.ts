/**
 * The QR image of a card: two segments (`shc:/` in byte mode, the digits in numeric mode), error correction L, at
 * most version 22 (SMART Health Cards §Encoding Chunks as QR codes), drawn as SVG by `qrcode` (which supports mixed
 * segments, as the specification needs).
 * @module
 */
import { InvalidArgumentError, utf8ToBytes } from '@medseal/core'
import QRCode from 'qrcode'
import { encodeHealthCardQr } from './healthCardQr.js'

/** The largest QR version a card may use. */
export const HEALTH_CARD_QR_MAX_VERSION = 22

/** What {@link renderHealthCardQr} returns. */
export type RenderHealthCardQrReturnType = {
  /** The `shc:/` text the code holds. */
  readonly text: string
  /** The QR version chosen (1..22). */
  readonly version: number
  /** An SVG document of the code. */
  readonly svg: string
  /** The code's modules, row by row (`true` is dark), without the quiet zone: for drawing it on a canvas. */
  readonly modules: readonly (readonly boolean[])[]
}

/** Everything {@link renderHealthCardQr} can throw. */
export type RenderHealthCardQrErrorType = InvalidArgumentError

/**
 * Renders a card as a QR code (SVG).
 *
 * @param jws - the card
 * @param options - `margin` in modules (default 4), `width` in pixels
 * @returns `{ text, version, svg, modules }`
 * @throws {@link @medseal/core!InvalidArgumentError} `INPUT_TOO_LARGE` when the card needs a QR version above 22 (at most 1,195
 *   JWS characters); {@link SmartHealthError} `SHC_MALFORMED` for a bad JWS
 * @example
 * ```ts
 * import { renderHealthCardQr } from '@medseal/smart-health'
 * const { svg, version } = await renderHealthCardQr(jws)
 * document.querySelector('#card')!.innerHTML = svg
 * ```
 */
export async function renderHealthCardQr(
  jws: string,
  options: { readonly margin?: number; readonly width?: number } = {},
): Promise<RenderHealthCardQrReturnType> {
  const text = encodeHealthCardQr(jws)
  const segments: QRCode.QRCodeSegment[] = [
    { data: utf8ToBytes('shc:/'), mode: 'byte' },
    { data: text.slice(5), mode: 'numeric' },
  ]
  let version: number
  let modules: boolean[][]
  try {
    const code = QRCode.create(segments, { errorCorrectionLevel: 'L' })
    version = code.version
    const size = code.modules.size
    modules = Array.from({ length: size }, (_, r) =>
      Array.from({ length: size }, (_, c) => code.modules.get(r, c) === 1),
    )
  } catch (cause) {
    throw new InvalidArgumentError('INPUT_TOO_LARGE', 'The card does not fit in a QR code.', { cause })
  }
  if (version > HEALTH_CARD_QR_MAX_VERSION)
    throw new InvalidArgumentError(
      'INPUT_TOO_LARGE',
      `The card needs QR version ${version}; at most ${HEALTH_CARD_QR_MAX_VERSION} is allowed (1,195 JWS characters).`,
    )
  const svg = await QRCode.toString(segments, {
    type: 'svg',
    errorCorrectionLevel: 'L',
    version,
    margin: options.margin ?? 4,
    ...(options.width === undefined ? {} : { width: options.width }),
  })
  return Object.freeze({ text, version, svg, modules })
}

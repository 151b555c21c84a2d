/**
 * The passcode of a SMART Health Link as the patient's app sends and signs it, and as the link server stores it:
 * PBKDF2-SHA-256 over the passcode, salted with the link id (256 random bits: a salt of its own per link), with the
 * iterations the app chose (the server refuses fewer than its minimum). The passcode itself never leaves the patient's
 * device and is never signed in the clear: a registration signature kept for audit must not let anyone who reads it
 * test guesses faster than the stored hash allows.
 * @module
 */
import { bytesToHex0x, type Hex, toArrayBufferBacked, utf8ToBytes } from '@medseal/core'
import { subtle } from './_webcrypto.js'

/** The PBKDF2 salt of a link's passcode: `"medseal/shl/passcode/v1:" ‖ id` (UTF-8). @internal */
export function shlPasscodeSalt(id: string): Uint8Array {
  return utf8ToBytes(`medseal/shl/passcode/v1:${id}`)
}

/** PBKDF2-SHA-256, 32 bytes (WebCrypto). @internal */
export async function pbkdf2Sha256(passcode: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await subtle().importKey('raw', utf8ToBytes(passcode), 'PBKDF2', false, ['deriveBits'])
  return new Uint8Array(
    await subtle().deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt: toArrayBufferBacked(salt), iterations },
      key,
      256,
    ),
  )
}

/**
 * The hash of a link's passcode that the registration carries and signs (`passcodeHash`).
 *
 * @param params - the link id, the passcode, the PBKDF2 iterations (a positive integer)
 * @returns PBKDF2-SHA-256(passcode, salt `"medseal/shl/passcode/v1:" ‖ id` in UTF-8, iterations) as `0x` hex (32 bytes)
 * @example
 * ```ts
 * import { hashShlPasscode } from '@medseal/smart-health'
 * const passcodeHash = await hashShlPasscode({ id, passcode: '4711', iterations: 210_000 })
 * ```
 */
export async function hashShlPasscode(params: {
  readonly id: string
  readonly passcode: string
  readonly iterations: number
}): Promise<Hex> {
  return bytesToHex0x(await pbkdf2Sha256(params.passcode, shlPasscodeSalt(params.id), params.iterations))
}

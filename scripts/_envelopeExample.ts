/**
 * What the worked examples of docs/spec/envelope.md (`envelope-example-v2.ts`, `envelope-example-v3.ts`) share: the
 * documented randomness (bytes 0, 1, 2, … in order), the recipients (one vault, one HPKE key pair), the sealed
 * Observation, the lines every version prints for its recipients, and the `name = value` layout.
 */

import { encodeHeader, wrapAad } from '../packages/core/src/envelope/_internal.js'
import { dhkemX25519HkdfSha256 } from '../packages/core/src/hpke/kem.js'
import { bytesToHex, createVaultKey, type Envelope, seal } from '../packages/core/src/index.js'

/** One printed line: name, value. */
export type ExampleLine = [string, string]

/** Seals the example Observation for a vault key and an HPKE key, in `version`, with the documented randomness. */
export async function sealExample(version: 2 | 3) {
  let next = 0
  const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => next++ & 0xff)
  const recipient = dhkemX25519HkdfSha256.deriveKeyPair(new Uint8Array(32).fill(0xa5))
  const vaultSecret = new Uint8Array(32).fill(0x5a)
  const vault = createVaultKey({ secret: vaultSecret })
  const value = {
    resourceType: 'Observation',
    id: 'example',
    status: 'final',
    valueQuantity: { value: 72, unit: '/min' },
  }
  const sealed = await seal(value, {
    recipients: [vault, { encryptionPublicKey: recipient.publicKey }],
    version,
    randomBytes,
  })
  return { ...sealed, value, vault, vaultSecret, recipient, header: encodeHeader(sealed.envelope) }
}

/** The lines of each recipient entry: type, key id, wrap salt or HPKE `enc`, wrap AAD, wrapped key. */
export function recipientLines(envelope: Envelope, header: Uint8Array): ExampleLine[] {
  return envelope.recipients.flatMap((r, i): ExampleLine[] => {
    const p = `entry${i}`
    return [
      [`${p}_type`, r.type === 'vault' ? '02 (vault)' : '01 (hpke)'],
      [`${p}_key_id`, bytesToHex(r.keyId)],
      [r.type === 'vault' ? `${p}_wrap_salt` : `${p}_enc`, bytesToHex(r.enc)],
      [`${p}_wrap_aad`, bytesToHex(wrapAad(header, r.keyId))],
      [`${p}_wrapped_key`, bytesToHex(r.wrappedKey)],
    ]
  })
}

/** `name = value` lines, the names padded to one width. */
export function formatExample(lines: readonly ExampleLine[]): string {
  const width = Math.max(...lines.map(([k]) => k.length))
  return lines.map(([k, v]) => `${k.padEnd(width)} = ${v}`).join('\n')
}

/** Prints `example()` when the script is run directly (`pnpm exec tsx scripts/…`), not when a test imports it. */
export async function printWhenRun(url: string, example: () => Promise<string>): Promise<void> {
  const argv1 = (globalThis as { process?: { argv: string[] } }).process?.argv[1]
  if (argv1 && url === `file://${argv1}`) console.log(await example())
}

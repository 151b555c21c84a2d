/**
 * `pnpm exec tsx scripts/envelope-example-v2.ts`: prints the worked example of docs/spec/envelope.md §13 (envelope
 * version 2, one vault recipient and one HPKE recipient) from the real code, with the documented randomness.
 * `envelope.example.test.ts` checks that the spec's block is exactly this output.
 */

import { deriveVault, encodeHeader, wrapAad } from '../packages/core/src/envelope/_internal.js'
import { dhkemX25519HkdfSha256 } from '../packages/core/src/hpke/kem.js'
import { bytesToHex, canonicalize, createVaultKey, encodeEnvelope, seal } from '../packages/core/src/index.js'

export async function envelopeExampleV2(): Promise<string> {
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
  const { envelope, commitment, contentId } = await seal(value, {
    recipients: [vault, { encryptionPublicKey: recipient.publicKey }],
    version: 2,
    randomBytes,
  })
  const header = encodeHeader(envelope)
  const lines: [string, string][] = [
    ['vault_secret', bytesToHex(vaultSecret)],
    ['vault_prk', bytesToHex(deriveVault(vaultSecret).prk)],
    ['recipient_sk', bytesToHex(recipient.secretKey)],
    ['recipient_pk', bytesToHex(recipient.publicKey)],
    ['canonical', canonicalize(value)],
    ['header', bytesToHex(header)],
  ]
  envelope.recipients.forEach((r, i) => {
    const p = `entry${i}`
    lines.push([`${p}_type`, r.type === 'vault' ? '02 (vault)' : '01 (hpke)'])
    lines.push([`${p}_key_id`, bytesToHex(r.keyId)])
    lines.push([r.type === 'vault' ? `${p}_wrap_salt` : `${p}_enc`, bytesToHex(r.enc)])
    lines.push([`${p}_wrap_aad`, bytesToHex(wrapAad(header, r.keyId))])
    lines.push([`${p}_wrapped_key`, bytesToHex(r.wrappedKey)])
  })
  lines.push(['ciphertext', bytesToHex(envelope.ciphertext)])
  lines.push(['commitment', bytesToHex(commitment)])
  lines.push(['content_id', contentId.toString()])
  lines.push(['envelope', bytesToHex(encodeEnvelope(envelope))])
  const width = Math.max(...lines.map(([k]) => k.length))
  return lines.map(([k, v]) => `${k.padEnd(width)} = ${v}`).join('\n')
}

const argv1 = (globalThis as { process?: { argv: string[] } }).process?.argv[1]
if (argv1 && import.meta.url === `file://${argv1}`) console.log(await envelopeExampleV2())

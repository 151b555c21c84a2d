/**
 * `pnpm exec tsx scripts/envelope-example-v2.ts`: prints the worked example of docs/spec/envelope.md §13 (envelope
 * version 2, one vault recipient and one HPKE recipient) from the real code, with the documented randomness.
 * `envelope.example.test.ts` checks that the spec's block is exactly this output.
 */

import { deriveVault } from '../packages/core/src/envelope/_internal.js'
import { bytesToHex, canonicalize, encodeEnvelope } from '../packages/core/src/index.js'
import { formatExample, printWhenRun, recipientLines, sealExample } from './_envelopeExample.js'

export async function envelopeExampleV2(): Promise<string> {
  const { envelope, commitment, contentId, value, vaultSecret, recipient, header } = await sealExample(2)
  return formatExample([
    ['vault_secret', bytesToHex(vaultSecret)],
    ['vault_prk', bytesToHex(deriveVault(vaultSecret).prk)],
    ['recipient_sk', bytesToHex(recipient.secretKey)],
    ['recipient_pk', bytesToHex(recipient.publicKey)],
    ['canonical', canonicalize(value)],
    ['header', bytesToHex(header)],
    ...recipientLines(envelope, header),
    ['ciphertext', bytesToHex(envelope.ciphertext)],
    ['commitment', bytesToHex(commitment)],
    ['content_id', contentId.toString()],
    ['envelope', bytesToHex(encodeEnvelope(envelope))],
  ])
}

await printWhenRun(import.meta.url, envelopeExampleV2)

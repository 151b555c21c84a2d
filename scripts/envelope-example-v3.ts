/**
 * `pnpm exec tsx scripts/envelope-example-v3.ts`: prints the worked example of docs/spec/envelope.md §16 (envelope
 * version 3, one vault recipient and one HPKE recipient: the salt derived from the data key, the payload the
 * canonical bytes alone, the commitment over their SHA-256 digest) from the real code, with the documented
 * randomness (the first 32 bytes drawn are the data key, printed as `data_key`). `envelope.example.test.ts` checks that the spec's block is exactly this output.
 */

import {
  bytesToHex,
  canonicalize,
  canonicalizeToBytes,
  encodeEnvelope,
  openCanonical,
  utf8ToBytes,
} from '../packages/core/src/index.js'
import { formatExample, printWhenRun, recipientLines, sealExample } from './_envelopeExample.js'

export async function envelopeExampleV3(): Promise<string> {
  const { envelope, commitment, contentId, value, vault, vaultSecret, recipient, header } = await sealExample(3)
  const opened = await openCanonical(envelope, vault)
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', canonicalizeToBytes(value)))
  return formatExample([
    ['vault_secret', bytesToHex(vaultSecret)],
    ['recipient_sk', bytesToHex(recipient.secretKey)],
    ['recipient_pk', bytesToHex(recipient.publicKey)],
    ['canonical', canonicalize(value)],
    ['data_key', bytesToHex(Uint8Array.from({ length: 32 }, (_, i) => i))],
    ['envelope_id', bytesToHex(envelope.id)],
    ['nonce', bytesToHex(envelope.nonce)],
    ['key_commitment', bytesToHex(envelope.keyCommitment)],
    ['salt', bytesToHex(opened.salt)],
    ['header', bytesToHex(header)],
    ...recipientLines(envelope, header),
    ['ciphertext', bytesToHex(envelope.ciphertext)],
    ['digest', bytesToHex(digest)],
    ['commitment_key', bytesToHex(new Uint8Array([...opened.salt, ...utf8ToBytes('medseal/envelope/v3/commitment')]))],
    ['commitment', bytesToHex(commitment)],
    ['content_id', contentId.toString()],
    ['envelope', bytesToHex(encodeEnvelope(envelope))],
  ])
}

await printWhenRun(import.meta.url, envelopeExampleV3)

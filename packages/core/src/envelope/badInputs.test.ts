import { describe, expect, it } from 'vitest'
import { isSdkError } from '../errors/base.js'
import { badBytesInputs } from '../testing/badInputs.js'
import { testParty } from './_testParties.js'
import { computeCommitment } from './computeCommitment.js'
import { decodeEnvelope } from './decodeEnvelope.js'
import { getRecipientKeyId } from './getRecipientKeyId.js'
import { openWithDataKey } from './openWithDataKey.js'
import { removeRecipient } from './removeRecipient.js'
import { seal, sealCanonical } from './seal.js'
import { wrapDataKey } from './wrapDataKey.js'

async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn()
  } catch (e) {
    return isSdkError(e) ? e.code : `foreign: ${String(e)}`
  }
  return undefined
}

describe('envelope functions reject every non-Uint8Array with INVALID_TYPE', async () => {
  const alice = testParty()
  const { envelope } = await seal({ a: 1 }, { recipients: [alice] })
  const calls: [string, (bad: unknown) => unknown][] = [
    ['computeCommitment(salt)', (b) => computeCommitment(b as Uint8Array, new Uint8Array(1))],
    ['computeCommitment(bytes)', (b) => computeCommitment(new Uint8Array(32), b as Uint8Array)],
    ['getRecipientKeyId', (b) => getRecipientKeyId(b as Uint8Array)],
    ['getRecipientKeyId({ encryptionPublicKey })', (b) => getRecipientKeyId({ encryptionPublicKey: b as Uint8Array })],
    ['decodeEnvelope', (b) => decodeEnvelope(b as Uint8Array)],
    ['sealCanonical', (b) => sealCanonical(b as Uint8Array, { recipients: [alice] })],
    ['seal recipient key', (b) => seal(1, { recipients: [{ encryptionPublicKey: b as Uint8Array }] })],
    ['openWithDataKey', (b) => openWithDataKey(envelope, b as Uint8Array)],
    ['wrapDataKey', (b) => wrapDataKey(envelope, b as Uint8Array, alice)],
    ['removeRecipient', (b) => removeRecipient(envelope, b as Uint8Array)],
  ]
  for (const [name, call] of calls) {
    it.each(badBytesInputs)(`${name}: $label`, async ({ label, make }) => {
      const code = await codeOf(() => call(make()))
      // removeRecipient also takes a party object: a value without `encryptionPublicKey` bytes is INVALID_TYPE too
      expect(code, label).toBe('INVALID_TYPE')
    })
  }
})

// Chromium only: the note verifier uses the browser's own WebCrypto Ed25519 here (no Node built-ins), and a
// checkpoint made in the page verifies with a key string alone.
import vectorNote from '@vectors/c2sp/signed-note-example.txt?raw'
import { describe, expect, it } from 'vitest'
import { createParty } from '../identity/createParty.js'
import { emptyRoot } from '../merkle/hash.js'
import { _ed25519Backend } from './_ed25519.js'
import { createCheckpoint, verifyCheckpoint } from './checkpoint.js'
import { verifyNote } from './signedNote.js'
import { encodeVerifierKey } from './verifierKey.js'

describe('C2SP formats in Chromium', () => {
  it('verifies with WebCrypto Ed25519', async () => {
    expect(typeof (globalThis as { process?: { versions?: unknown } }).process?.versions).not.toBe('object')
    expect(await _ed25519Backend()).toBe('webcrypto')
    const vkey = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'
    expect((await verifyNote(vectorNote, { verifiers: [vkey] })).verifiedBy).toHaveLength(1)
    const party = createParty()
    const origin = 'browser.example/log'
    const note = createCheckpoint({ origin, treeSize: 0, rootHash: emptyRoot(), extensions: [], signer: party })
    const logKeys = [encodeVerifierKey({ name: origin, publicKey: party.notePublicKey })]
    expect((await verifyCheckpoint(note, { origin, logKeys })).treeSize).toBe(0)
  })
})

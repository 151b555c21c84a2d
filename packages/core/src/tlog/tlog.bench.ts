/**
 * C2SP formats: checkpoint signing and verification, tlog-proof verification (a 2^20-entry log: 20 proof hashes),
 * with peers in the same process: raw Ed25519 signing with @noble/curves (the floor of a checkpoint signature) and
 * raw Ed25519 verification with WebCrypto (import + verify, and verify with an imported key) and with noble (the
 * floor of a checkpoint verification).
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { defineBench } from '../../../../scripts/bench/harness.js'
import { toArrayBufferBacked, utf8ToBytes } from '../bytes/index.js'
import { createParty } from '../identity/createParty.js'
import { leafHash } from '../merkle/hash.js'
import { createMerkleLog } from '../merkle/merkleLog.js'
import { createCheckpoint, verifyCheckpoint } from './checkpoint.js'
import { createTlogProof, verifyTlogProof } from './tlogProof.js'
import { encodeVerifierKey } from './verifierKey.js'

defineBench('tlog (C2SP checkpoints, tlog-proof)', async (ctx) => {
  const operator = createParty({ seed: new Uint8Array(32).fill(5) })
  const origin = 'clinic.example/access-log'
  const logKey = encodeVerifierKey({ name: origin, publicKey: operator.notePublicKey })
  const n = 1 << 20
  const log = createMerkleLog()
  const leaf = new Uint8Array(32)
  for (let i = 0; i < n; i++) {
    new DataView(leaf.buffer).setUint32(0, i)
    log.append(leafHash(leaf))
  }
  const rootHash = log.root()
  const checkpoint = createCheckpoint({ origin, treeSize: n, rootHash, extensions: [], signer: operator })
  const text = utf8ToBytes(checkpoint.slice(0, checkpoint.lastIndexOf('\n\n') + 1))

  await ctx.ops('createCheckpoint (sign), Ed25519', () =>
    createCheckpoint({ origin, treeSize: n, rootHash, extensions: [], signer: operator }),
  )
  const secret = new Uint8Array(32).fill(9)
  await ctx.ops('raw Ed25519 sign of the checkpoint text', () => ed25519.sign(text, secret), {
    peer: '@noble/curves@2.4.0',
  })

  await ctx.ops('verifyCheckpoint (decode + log signature)', () =>
    verifyCheckpoint(checkpoint, { origin, logKeys: [logKey] }),
  )
  const pub = operator.notePublicKey
  const sig = operator.signNote(text)
  const key = await crypto.subtle.importKey('raw', toArrayBufferBacked(pub), { name: 'Ed25519' }, false, ['verify'])
  await ctx.ops(
    'raw WebCrypto Ed25519 verify (key imported once)',
    () => crypto.subtle.verify({ name: 'Ed25519' }, key, toArrayBufferBacked(sig), toArrayBufferBacked(text)),
    {
      peer: 'WebCrypto (Node)',
    },
  )
  await ctx.ops(
    'raw WebCrypto Ed25519 import + verify',
    async () => {
      const k = await crypto.subtle.importKey('raw', toArrayBufferBacked(pub), { name: 'Ed25519' }, false, ['verify'])
      return crypto.subtle.verify({ name: 'Ed25519' }, k, toArrayBufferBacked(sig), toArrayBufferBacked(text))
    },
    { peer: 'WebCrypto (Node)' },
  )
  await ctx.ops('raw noble Ed25519 verify', () => ed25519.verify(sig, text, pub, { zip215: false }), {
    peer: '@noble/curves@2.4.0',
  })

  const index = 777_777
  new DataView(leaf.buffer).setUint32(0, index)
  const entryHash = leafHash(leaf)
  const file = createTlogProof({ index, inclusionProof: log.inclusionProof(index), checkpoint })
  await ctx.ops('verifyTlogProof (2^20 entries, 20 hashes)', () =>
    verifyTlogProof(file, { leafHash: entryHash, origin, logKeys: [logKey] }),
  )
})

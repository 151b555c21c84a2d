// The worked examples of docs/spec/checkpoint.md, tlog-proof.md and tiles.md, reproduced byte for byte (Node and
// Chromium).
import { describe, expect, it } from 'vitest'
import checkpointSpec from '../../../../docs/spec/checkpoint.md?raw'
import tilesSpec from '../../../../docs/spec/tiles.md?raw'
import proofSpec from '../../../../docs/spec/tlog-proof.md?raw'
import { bytesToHex, utf8ToBytes } from '../bytes/index.js'
import { createParty } from '../identity/createParty.js'
import { leafHash } from '../merkle/hash.js'
import { inclusionProof, merkleRoot } from '../merkle/tree.js'
import { createCheckpoint, verifyCheckpoint } from './checkpoint.js'
import { buildTlogTiles } from './tiles.js'
import { createTlogProof, decodeTlogProof, verifyTlogProof } from './tlogProof.js'
import { encodeVerifierKey } from './verifierKey.js'

function block(doc: string, name: string): string {
  const m = new RegExp(`\`\`\`text ${name}\\n([\\s\\S]*?)\`\`\``).exec(doc)
  if (m === null) throw new Error(`no ${name} block`)
  return m[1] as string
}

const party = createParty({ seed: Uint8Array.from({ length: 32 }, (_, i) => i) })
const origin = 'example.com/medseal-log'
const data = [0, 1, 2, 3, 4].map((i) => utf8ToBytes(`entry ${i}`))

describe('docs/spec worked examples', () => {
  it('checkpoint.md: verifier key and checkpoint', async () => {
    const vkey = encodeVerifierKey({ name: origin, publicKey: party.notePublicKey })
    expect(block(checkpointSpec, 'vkey-example')).toBe(`${vkey}\n`)
    const checkpoint = createCheckpoint({
      origin,
      treeSize: 5,
      rootHash: merkleRoot(data),
      extensions: [],
      signer: party,
    })
    expect(block(checkpointSpec, 'checkpoint-example')).toBe(checkpoint)
    expect((await verifyCheckpoint(checkpoint, { origin, logKeys: [vkey] })).treeSize).toBe(5)
  })

  it('tlog-proof.md: the proof of entry 2', async () => {
    const checkpoint = createCheckpoint({
      origin,
      treeSize: 5,
      rootHash: merkleRoot(data),
      extensions: [],
      signer: party,
    })
    const file = createTlogProof({ index: 2, inclusionProof: inclusionProof(data, 2), checkpoint })
    expect(block(proofSpec, 'tlog-proof-example')).toBe(file)
    const vkey = encodeVerifierKey({ name: origin, publicKey: party.notePublicKey })
    await verifyTlogProof(file, { leafHash: leafHash(data[2]!), origin, logKeys: [vkey] })
    const path = decodeTlogProof(file).inclusionProof
    expect(path[0]).toEqual(leafHash(data[3]!))
    expect(path[1]).toEqual(merkleRoot(data.slice(0, 2)))
    expect(path[2]).toEqual(leafHash(data[4]!))
  })

  it('tiles.md: the resources of the five-entry log', () => {
    const checkpoint = createCheckpoint({
      origin,
      treeSize: 5,
      rootHash: merkleRoot(data),
      extensions: [],
      signer: party,
    })
    const files = buildTlogTiles({ checkpoint, entries: data })
    expect([...files.keys()].sort()).toEqual(['checkpoint', 'tile/0/000.p/5', 'tile/entries/000.p/5'])
    const lines = block(tilesSpec, 'tiles-example').trimEnd().split('\n')
    for (const line of lines) {
      const [path, hex] = line.split(' ') as [string, string]
      expect(bytesToHex(files.get(path)!)).toBe(hex)
    }
    expect(bytesToHex(files.get('tile/0/000.p/5')!).slice(0, 64)).toBe(bytesToHex(leafHash(data[0]!)))
  })
})

// Independent checks, written from the C2SP texts (/work/shared/vectors/c2sp) and docs/spec/identity.md alone, over
// node:crypto — not medseal's parsers or crypto. medseal only produces the artifacts here.
import { Buffer } from 'node:buffer'
import {
  createECDH,
  createHash,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto'
import { createMemoryLedger as createMemoryLedgerUntyped } from '@medseal/adapter-memory'
import { getAddress, keccak256 } from 'viem'
import { describe, expect, it } from 'vitest'
import identitySpec from '../../../../docs/spec/identity.md?raw'
import { createAccessLog } from '../accessLog/createAccessLog.js'
import { encodeAccessEvent } from '../accessLog/event.js'
import { bytesToHex, bytesToHex0x } from '../bytes/index.js'
import { createParty } from '../identity/createParty.js'
import type { LedgerAdapter } from '../ledger/types.js'
import { leafHash } from '../merkle/hash.js'
import { createAccessLogCheckpoint, createAccessLogProof } from './accessLogCheckpoint.js'
import { buildTlogTiles } from './tiles.js'
import { encodeVerifierKey } from './verifierKey.js'

// ---- the independent verifier (c2sp.org/signed-note, tlog-checkpoint, tlog-proof; RFC 6962 §2.1.1) ----
const sha256 = (...parts: (Buffer | string | Uint8Array)[]) =>
  createHash('sha256')
    .update(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)))))
    .digest()
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex')
type Vkey = { name: string; id: number; pub: Buffer }
function parseVkey(vkey: string): Vkey {
  const [name, id, key] = [vkey.split('+')[0]!, vkey.split('+')[1]!, vkey.split('+').slice(2).join('+')]
  const raw = Buffer.from(key, 'base64')
  if (raw[0] !== 0x01 || raw.length !== 33) throw new Error('not an Ed25519 vkey')
  const pub = raw.subarray(1)
  if (sha256(name, '\n', Buffer.of(1), pub).subarray(0, 4).toString('hex') !== id) throw new Error('key ID')
  return { name, id: Number.parseInt(id, 16), pub }
}
/** Returns the note text when a signature by `key` verifies; throws otherwise. */
function openNote(note: string, key: Vkey): string {
  const split = note.lastIndexOf('\n\n')
  const text = note.slice(0, split + 1)
  const lines = note.slice(split + 2).split('\n')
  if (lines.pop() !== '') throw new Error('no final newline')
  for (const line of lines) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line)
    if (!m) throw new Error('bad signature line')
    const sig = Buffer.from(m[2]!, 'base64')
    if (m[1] !== key.name || sig.readUInt32BE(0) !== key.id) continue // unknown key: ignored
    const pub = createPublicKey({ key: Buffer.concat([ED25519_SPKI, key.pub]), format: 'der', type: 'spki' })
    if (!nodeVerify(null, Buffer.from(text), pub, sig.subarray(4))) throw new Error('bad signature')
    return text
  }
  throw new Error('no signature by the key')
}
function parseCheckpoint(text: string) {
  const [origin, size, root] = text.split('\n')
  if (!/^(0|[1-9]\d*)$/.test(size!)) throw new Error('size')
  const rootHash = Buffer.from(root!, 'base64')
  if (rootHash.length !== 32) throw new Error('root')
  return { origin: origin!, size: BigInt(size!), rootHash }
}
/** RFC 9162 §2.1.3.2. */
function rootFromPath(leaf: Buffer, index: bigint, size: bigint, path: Buffer[]): Buffer {
  if (index >= size) throw new Error('index')
  let fn = index
  let sn = size - 1n
  let r = leaf
  for (const p of path) {
    if (sn === 0n) throw new Error('path too long')
    if (fn % 2n === 1n || fn === sn) {
      r = sha256(Buffer.of(1), p, r)
      while (fn % 2n === 0n && fn !== 0n) {
        fn >>= 1n
        sn >>= 1n
      }
    } else r = sha256(Buffer.of(1), r, p)
    fn >>= 1n
    sn >>= 1n
  }
  if (sn !== 0n) throw new Error('path too short')
  return r
}
function verifyProofFile(file: string, vkey: string, origin: string, leaf: Buffer): bigint {
  const blank = file.indexOf('\n\n')
  const head = file.slice(0, blank).split('\n')
  if (head.shift() !== 'c2sp.org/tlog-proof@v1') throw new Error('header')
  if (head[0]?.startsWith('extra ')) head.shift()
  const m = /^index (0|[1-9]\d*)$/.exec(head.shift() ?? '')
  if (!m) throw new Error('index')
  const cp = parseCheckpoint(openNote(file.slice(blank + 2), parseVkey(vkey)))
  if (cp.origin !== origin) throw new Error('origin')
  const root = rootFromPath(
    leaf,
    BigInt(m[1]!),
    cp.size,
    head.map((h) => Buffer.from(h, 'base64')),
  )
  if (!root.equals(cp.rootHash)) throw new Error('inclusion')
  return BigInt(m[1]!)
}
// ---- end of the independent verifier ----

const T0 = 1_700_000_000
const createMemoryLedger = createMemoryLedgerUntyped as (params: { id?: string; now?: () => number }) => LedgerAdapter

describe('medseal checkpoints and tlog-proofs verify with a verifier written from the C2SP text', () => {
  it('access-log checkpoint, event tlog-proofs and tiles', async () => {
    const operator = createParty({ seed: new Uint8Array(32).fill(3) })
    const ledger = createMemoryLedger({ id: 'independent', now: () => T0 })
    const log = await createAccessLog({ operator, ledger, name: 'clinic/access' })
    const events = Array.from({ length: 13 }, (_, i) => ({
      actor: operator.address,
      action: 'read',
      commitment: bytesToHex0x(leafHash(Uint8Array.of(i))),
      at: T0 + i,
      purpose: 'TREAT',
      outcome: 'permit' as const,
    }))
    for (const e of events) await log.append(e)
    const origin = 'clinic.example/access-log'
    const vkey = encodeVerifierKey({ name: origin, publicKey: operator.notePublicKey })
    const head = await log.publishHead()
    const checkpoint = await createAccessLogCheckpoint({ head, operator, origin })
    const cp = parseCheckpoint(openNote(checkpoint, parseVkey(vkey)))
    expect(cp).toEqual({ origin, size: 13n, rootHash: Buffer.from(head.head.root.slice(2), 'hex') })
    for (let i = 0; i < events.length; i++) {
      const file = await createAccessLogProof({ log, index: i, checkpoint })
      const leaf = sha256(Buffer.of(0), encodeAccessEvent(events[i]!))
      expect(verifyProofFile(file, vkey, origin, leaf)).toBe(BigInt(i))
      expect(() => verifyProofFile(file, vkey, origin, sha256('other'))).toThrow('inclusion')
      expect(() => verifyProofFile(file, vkey, 'other.example/log', leaf)).toThrow('origin')
    }
    const forged = checkpoint.replace('\n13\n', '\n12\n')
    expect(() => openNote(forged, parseVkey(vkey))).toThrow('bad signature')
    // The tiles' level-0 hashes are the RFC 6962 leaf hashes of the entries, the entry bundles uint16-prefixed.
    const files = buildTlogTiles({ checkpoint, entries: events.map((e) => encodeAccessEvent(e)) })
    const tile = Buffer.from(files.get('tile/0/000.p/13')!)
    const bundle = Buffer.from(files.get('tile/entries/000.p/13')!)
    let o = 0
    for (let i = 0; i < 13; i++) {
      const len = bundle.readUInt16BE(o)
      const entry = bundle.subarray(o + 2, o + 2 + len)
      o += 2 + len
      expect(tile.subarray(i * 32, i * 32 + 32).equals(sha256(Buffer.of(0), entry))).toBe(true)
    }
    expect(o).toBe(bundle.length)
  })
})

describe('docs/spec/identity.md worked example', () => {
  const row = (label: string) => {
    for (const line of identitySpec.split('\n')) {
      const m = /^\|\s*(.+?)\s*\|\s*`([^`]+)`\s*\|$/.exec(line)
      if (m && m[1] === label) return m[2]!
    }
    throw new Error(`row ${label} missing`)
  }

  it('every key recomputes from the seed with node:crypto and matches createParty', () => {
    const seed = Buffer.from(row('seed'), 'hex')
    const salt = Buffer.from('medseal/v1/party')
    const hkdf = (info: string, len: number) => Buffer.from(hkdfSync('sha256', seed, salt, Buffer.from(info), len))
    const okm = hkdf('medseal/v1/secp256k1', 48)
    expect(okm.toString('hex')).toBe(row('HKDF okm, `medseal/v1/secp256k1`, 48 bytes'))
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
    const sk = ((BigInt(`0x${okm.toString('hex')}`) % (n - 1n)) + 1n).toString(16).padStart(64, '0')
    expect(sk).toBe(row('secp256k1 secret key'))
    const ecdh = createECDH('secp256k1')
    ecdh.setPrivateKey(Buffer.from(sk, 'hex'))
    const compressed = ecdh.getPublicKey('hex', 'compressed')
    expect(compressed).toBe(row('secp256k1 public key (compressed)'))
    const uncompressed = ecdh.getPublicKey()
    const address = getAddress(`0x${keccak256(uncompressed.subarray(1)).slice(-40)}`)
    expect(address).toBe(row('address'))
    expect(`did:key:z${base58(Buffer.concat([Buffer.of(0xe7, 0x01), Buffer.from(compressed, 'hex')]))}`).toBe(
      row('did:key'),
    )
    const xs = hkdf('medseal/v1/x25519', 32)
    expect(xs.toString('hex')).toBe(row('X25519 secret key'))
    const xPub = rawPublic(xs, '302e020100300506032b656e04220420')
    expect(xPub).toBe(row('X25519 public key'))
    const es = hkdf('medseal/v1/ed25519-note', 32)
    expect(es.toString('hex')).toBe(row('Ed25519 secret key (RFC 8032 seed)'))
    const ePub = rawPublic(es, '302e020100300506032b657004220420')
    expect(ePub).toBe(row('Ed25519 public key'))
    const name = 'example.com/party'
    const id = sha256(name, '\n', Buffer.of(1), Buffer.from(ePub, 'hex')).subarray(0, 4).toString('hex')
    const vkey = `${name}+${id}+${Buffer.concat([Buffer.of(1), Buffer.from(ePub, 'hex')]).toString('base64')}`
    expect(vkey).toBe(row('verifier key for the name `example.com/party`'))

    const party = createParty({ seed: new Uint8Array(seed) })
    expect(bytesToHex(party.signingPublicKey)).toBe(compressed)
    expect(party.address).toBe(address)
    expect(party.did).toBe(row('did:key'))
    expect(bytesToHex(party.encryptionPublicKey)).toBe(xPub)
    expect(bytesToHex(party.notePublicKey)).toBe(ePub)
    expect(encodeVerifierKey({ name, publicKey: party.notePublicKey })).toBe(vkey)
    // The party's note signature is the RFC 8032 signature node:crypto makes with the derived secret key.
    const text = Buffer.from('medseal.example/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n')
    const priv = createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), es]),
      format: 'der',
      type: 'pkcs8',
    })
    expect(Buffer.from(party.signNote(text)).equals(nodeSign(null, text, priv))).toBe(true)
  })
})

function rawPublic(secret: Buffer, pkcs8Prefix: string): string {
  const priv = createPrivateKey({
    key: Buffer.concat([Buffer.from(pkcs8Prefix, 'hex'), secret]),
    format: 'der',
    type: 'pkcs8',
  })
  const jwk = createPublicKey(priv).export({ format: 'jwk' }) as { x: string }
  return Buffer.from(jwk.x, 'base64url').toString('hex')
}
function base58(bytes: Buffer): string {
  const A = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
  let n = BigInt(`0x${bytes.toString('hex')}`)
  let out = ''
  while (n > 0n) {
    out = A[Number(n % 58n)]! + out
    n /= 58n
  }
  for (const b of bytes) {
    if (b !== 0) break
    out = `1${out}`
  }
  return out
}

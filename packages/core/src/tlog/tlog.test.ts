// Runs in Node and in Chromium (the browser project includes packages/core/src/**/*.test.ts).
import { createMemoryLedger as createMemoryLedgerUntyped } from '@medseal/adapter-memory'
import { ed25519 } from '@noble/curves/ed25519.js'
import vectorNote from '@vectors/c2sp/signed-note-example.txt?raw'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createAccessLog } from '../accessLog/createAccessLog.js'
import { encodeAccessEvent } from '../accessLog/event.js'
import { bytesToHex0x, utf8ToBytes } from '../bytes/index.js'
import { InvalidArgumentError, VerificationError } from '../errors/base.js'
import { createParty } from '../identity/createParty.js'
import type { LedgerAdapter } from '../ledger/types.js'
import { leafHash } from '../merkle/hash.js'
import { buildMerkleBatch, inclusionProof, merkleRoot } from '../merkle/tree.js'
import { _base64ToBytes, _bytesToBase64 } from './_base64.js'
import { _ed25519Backend, _verifyEd25519 } from './_ed25519.js'
import {
  createAccessLogCheckpoint,
  createAccessLogProof,
  createRecordTlogProof,
  recordLeafHash,
} from './accessLogCheckpoint.js'
import { createCheckpoint, decodeCheckpoint, encodeCheckpoint, verifyCheckpoint } from './checkpoint.js'
import { _cosignedMessage, decodeNote, encodeNote, signNote, verifyNote } from './signedNote.js'
import { buildTlogTiles, createTlogTileClient, parseTilePath, type TileFetch, tilePath } from './tiles.js'
import { createTlogProof, decodeTlogProof, encodeTlogProof, verifyTlogProof } from './tlogProof.js'
import {
  computeNoteKeyId,
  createNoteVerifier,
  decodeVerifierKey,
  encodeVerifierKey,
  NOTE_SIGNATURE_COSIGNATURE_V1,
} from './verifierKey.js'

const VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'
const ORIGIN = 'medseal.example/test-log'
const log = createParty({ seed: new Uint8Array(32).fill(7) })
const logKey = encodeVerifierKey({ name: ORIGIN, publicKey: log.notePublicKey })

async function expectCode(p: Promise<unknown> | (() => unknown), cls: new (...a: never[]) => Error, code: string) {
  let err: unknown
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (e) {
    err = e
  }
  expect(err, code).toBeInstanceOf(cls)
  expect((err as { code: string }).code).toBe(code)
}

/** A witness key made outside medseal (noble), and its cosignature/v1 line over a checkpoint note. */
function witness(name: string, fill: number) {
  const secret = new Uint8Array(32).fill(fill)
  const publicKey = ed25519.getPublicKey(secret)
  const verifier = createNoteVerifier({ name, publicKey, type: NOTE_SIGNATURE_COSIGNATURE_V1 })
  const cosign = (note: string, timestamp = 1_700_000_000n) => {
    const { text, signatures } = decodeNote(note)
    const sig = new Uint8Array(72)
    new DataView(sig.buffer).setBigUint64(0, timestamp)
    sig.set(ed25519.sign(_cosignedMessage(timestamp, text), secret), 8)
    return encodeNote({ text, signatures: [...signatures, { name, keyId: verifier.keyId, signature: sig }] })
  }
  return { verifier, vkey: encodeVerifierKey({ name, publicKey, type: NOTE_SIGNATURE_COSIGNATURE_V1 }), cosign }
}

function entries(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => utf8ToBytes(`entry ${i}`))
}

function checkpointOf(data: readonly Uint8Array[], signer = log, origin = ORIGIN): string {
  return createCheckpoint({ origin, treeSize: data.length, rootHash: merkleRoot(data), extensions: [], signer })
}

describe('C2SP signed notes', () => {
  it('the signed-note known-answer vector verifies (WebCrypto and noble)', async () => {
    const v = decodeVerifierKey(VKEY)
    expect(v.keyId).toBe(0x530d903a)
    expect(v.name).toBe('example.com/foo')
    expect(encodeVerifierKey({ name: v.name, publicKey: v.publicKey })).toBe(VKEY)
    const verified = await verifyNote(vectorNote, { verifiers: [VKEY] })
    expect(verified.text).toBe('This is an example message.\n')
    expect(verified.verifiedBy.map((k) => k.name)).toEqual(['example.com/foo'])
    const sig = decodeNote(vectorNote).signatures[0]!.signature
    const text = utf8ToBytes(verified.text)
    expect(await _verifyEd25519(v.publicKey, text, sig, { backend: 'noble' })).toBe(true)
    expect(await _verifyEd25519(v.publicKey, text, sig, { backend: 'webcrypto' })).toBe(true)
    expect(['webcrypto', 'noble']).toContain(await _ed25519Backend())
    const tampered = vectorNote.replace('example message', 'exampel message')
    await expectCode(verifyNote(tampered, { verifiers: [VKEY] }), VerificationError, 'NOTE_SIGNATURE_INVALID')
    expect(encodeNote(decodeNote(vectorNote))).toBe(vectorNote)
  })

  it('a party signs notes with its seed-derived Ed25519 key', async () => {
    const note = signNote({ text: 'hello\n\nworld\n', signers: [{ name: 'example.com/log', signer: log }] })
    const v = createNoteVerifier({ name: 'example.com/log', publicKey: log.notePublicKey })
    expect((await verifyNote(note, { verifiers: [v] })).text).toBe('hello\n\nworld\n')
    expect(v.keyId).toBe(computeNoteKeyId({ name: 'example.com/log', publicKey: log.notePublicKey }))
    expect(createParty({ seed: log.exportSeed() }).notePublicKey).toEqual(log.notePublicKey)
    expect(JSON.stringify(log)).not.toContain('note')
  })

  it('ignores unknown keys, rejects a failing known key, and needs enough known keys', async () => {
    const other = createParty({ seed: new Uint8Array(32).fill(8) })
    const third = createParty({ seed: new Uint8Array(32).fill(9) })
    const signers = [
      { name: 'a.example', signer: log },
      { name: 'b.example', signer: other },
    ]
    const note = signNote({ text: 'x\n', signers })
    const a = createNoteVerifier({ name: 'a.example', publicKey: log.notePublicKey })
    const b = createNoteVerifier({ name: 'b.example', publicKey: other.notePublicKey })
    // Same name as a known key but another key ID: ignored (not a failure).
    const impostor = createNoteVerifier({ name: 'b.example', publicKey: third.notePublicKey })
    expect((await verifyNote(note, { verifiers: [a, impostor] })).verifiedBy).toEqual([a])
    expect((await verifyNote(note, { verifiers: [a, b], minimum: 2 })).verifiedBy).toHaveLength(2)
    await expectCode(verifyNote(note, { verifiers: [impostor] }), VerificationError, 'NOTE_UNTRUSTED')
    await expectCode(verifyNote(note, { verifiers: [a, impostor], minimum: 2 }), VerificationError, 'NOTE_UNTRUSTED')
    // A known key (same name and ID) whose signature fails rejects the whole note.
    const { text, signatures } = decodeNote(note)
    const broken = signatures.map((s, i) =>
      i === 1 ? { ...s, signature: s.signature.map((x, j) => (j === 0 ? x ^ 1 : x)) } : s,
    )
    await expectCode(
      verifyNote(encodeNote({ text, signatures: broken }), { verifiers: [a, b] }),
      VerificationError,
      'NOTE_SIGNATURE_INVALID',
    )
    await expectCode(verifyNote(note, { verifiers: [a, a] }), InvalidArgumentError, 'INVALID_ARGUMENT')
    await expectCode(verifyNote(note, { verifiers: [a], minimum: 2 }), InvalidArgumentError, 'OUT_OF_RANGE')
    await expectCode(() => decodeNote(42 as unknown as string), InvalidArgumentError, 'INVALID_TYPE')
  })

  it('accepts 16 signatures and refuses more than the limit', async () => {
    const parties = Array.from({ length: 16 }, (_, i) => createParty({ seed: new Uint8Array(32).fill(20 + i) }))
    const note = signNote({ text: 'many\n', signers: parties.map((p, i) => ({ name: `w${i}.example`, signer: p })) })
    const verifiers = parties.map((p, i) => createNoteVerifier({ name: `w${i}.example`, publicKey: p.notePublicKey }))
    expect((await verifyNote(note, { verifiers, minimum: 16 })).verifiedBy).toHaveLength(16)
    const line = note.split('\n').at(-2)!
    const body = Array.from({ length: 65 }, (_, i) => line.replace('w15.example', `z${i}.example`)).join('\n')
    await expectCode(() => decodeNote(`many\n\n${body}\n`), VerificationError, 'NOTE_MALFORMED')
  })

  it('refuses malformed notes with NOTE_MALFORMED', async () => {
    const good = signNote({ text: 'x\n', signers: [{ name: 'k.example', signer: log }] })
    const sigLine = good.split('\n')[2]!
    const bads = [
      'x\n', // no signatures
      `x\n\n${sigLine}`, // no final newline
      `x\n\n${sigLine}\n\n`, // trailing blank line
      `x\n\n${sigLine}\ntrailing\n`, // trailing junk
      `x\r\n\n${sigLine}\n`, // control character
      `x\n\n${sigLine}\n${sigLine}\n`, // duplicate signature
      `x\n\n${sigLine.replace('\u2014 ', '- ')}\n`, // not an em dash
      `x\n\n${sigLine.replace('k.example', 'k+example')}\n`, // plus in a name
      `x\n\n${sigLine.replace(/ (\S+)$/, ' AAAA')}\n`, // too short
      `x\n\n${sigLine.replace(/=$/, '')}\n`, // not canonical base64
      `x\n\n${sigLine} extra\n`, // extra field
    ]
    for (const bad of bads) await expectCode(() => decodeNote(bad), VerificationError, 'NOTE_MALFORMED')
    await expectCode(() => decodeNote(Uint8Array.of(0xff, 0x0a, 0x0a)), VerificationError, 'NOTE_MALFORMED')
    await expectCode(
      () => signNote({ text: 'no newline', signers: [{ name: 'k', signer: log }] }),
      VerificationError,
      'NOTE_MALFORMED',
    )
  })

  it('refuses malformed verifier keys with NOTE_KEY_MALFORMED', async () => {
    const bads = [
      'example.com/foo+530d903a',
      `${VKEY}+x`, // not base64
      'example.com/foo+530d903a+',
      VKEY.replace('530d903a', '530D903A'),
      VKEY.replace('530d903a', '530d903b'), // wrong key ID
      VKEY.replace('+Aeky', '+Aiky'), // unknown signature type 0x02
      'example.com/foo+530d903a+AQ==',
      'exa mple+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k',
    ]
    for (const bad of bads) await expectCode(() => decodeVerifierKey(bad), VerificationError, 'NOTE_KEY_MALFORMED')
    await expectCode(() => decodeVerifierKey(1 as unknown as string), InvalidArgumentError, 'INVALID_TYPE')
    await expectCode(
      () => computeNoteKeyId({ name: '', publicKey: new Uint8Array(32) }),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
  })

  it('base64 is strict and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        const text = _bytesToBase64(bytes)
        expect(_base64ToBytes(text)).toEqual(bytes)
      }),
    )
    for (const bad of ['A', 'AB==', 'AA=A', 'AAA', 'A===', 'AB=C', '-_==']) expect(_base64ToBytes(bad)).toBeUndefined()
  })
})

describe('C2SP checkpoints', () => {
  it('encode, decode and verify; origin and extension lines', async () => {
    const data = entries(5)
    const text = encodeCheckpoint({ origin: ORIGIN, treeSize: 5, rootHash: merkleRoot(data), extensions: ['ext one'] })
    expect(decodeCheckpoint(text)).toEqual({
      origin: ORIGIN,
      treeSize: 5,
      rootHash: merkleRoot(data),
      extensions: ['ext one'],
    })
    const note = createCheckpoint({
      origin: ORIGIN,
      treeSize: 5,
      rootHash: merkleRoot(data),
      extensions: [],
      signer: log,
    })
    const cp = await verifyCheckpoint(note, { origin: ORIGIN, logKeys: [logKey] })
    expect(cp.treeSize).toBe(5)
    expect(cp.rootHash).toEqual(merkleRoot(data))
    expect(cp.note).toBe(note)
    await expectCode(
      verifyCheckpoint(note, { origin: 'other.example/log', logKeys: [logKey] }),
      VerificationError,
      'CHECKPOINT_ORIGIN_MISMATCH',
    )
    const stranger = encodeVerifierKey({ name: ORIGIN, publicKey: createParty().notePublicKey })
    await expectCode(
      verifyCheckpoint(note, { origin: ORIGIN, logKeys: [stranger] }),
      VerificationError,
      'NOTE_UNTRUSTED',
    )
  })

  it('refuses malformed checkpoints with CHECKPOINT_MALFORMED', async () => {
    const root = _bytesToBase64(new Uint8Array(32))
    const bads = [
      `o\n1\n`,
      `o\n01\n${root}\n`,
      `o\n-1\n${root}\n`,
      `o\n1\n${root.slice(4)}\n`,
      `o\n1\n${root}\n\n`,
      `\n1\n${root}\n`,
      `o\n1\n${root}`,
      `o\n9007199254740992\n${root}\n`,
    ]
    for (const bad of bads) await expectCode(() => decodeCheckpoint(bad), VerificationError, 'CHECKPOINT_MALFORMED')
    const note = signNote({ text: 'o\n01\nAA==\n', signers: [{ name: ORIGIN, signer: log }] })
    await expectCode(
      verifyCheckpoint(note, { origin: 'o', logKeys: [logKey] }),
      VerificationError,
      'CHECKPOINT_MALFORMED',
    )
  })

  it('applies the witness policy: known cosignatures counted, unknown ignored, failing rejected', async () => {
    const w1 = witness('w1.example', 1)
    const w2 = witness('w2.example', 2)
    const w3 = witness('w3.example', 3)
    const stranger = witness('stranger.example', 4)
    const data = entries(3)
    let note = checkpointOf(data)
    note = stranger.cosign(w2.cosign(w1.cosign(note)))
    const params = { origin: ORIGIN, logKeys: [logKey], witnesses: [w1.vkey, w2.vkey, w3.vkey] }
    const cp = await verifyCheckpoint(note, { ...params, witnessMinimum: 2 })
    expect(cp.witnessVerifiedBy.map((w) => w.name)).toEqual(['w1.example', 'w2.example'])
    await expectCode(verifyCheckpoint(note, { ...params, witnessMinimum: 3 }), VerificationError, 'NOTE_UNTRUSTED')
    // A cosignature whose timestamp was changed no longer verifies.
    const { text, signatures } = decodeNote(note)
    const moved = signatures.map((s) =>
      s.name === 'w1.example' ? { ...s, signature: s.signature.map((x, i) => (i === 7 ? x ^ 1 : x)) } : s,
    )
    await expectCode(
      verifyCheckpoint(encodeNote({ text, signatures: moved }), params),
      VerificationError,
      'NOTE_SIGNATURE_INVALID',
    )
    // The log's own signature is still required.
    const onlyWitnesses = encodeNote({ text, signatures: signatures.filter((s) => s.name !== ORIGIN) })
    await expectCode(verifyCheckpoint(onlyWitnesses, params), VerificationError, 'NOTE_UNTRUSTED')
    await expectCode(
      verifyCheckpoint(note, { ...params, witnesses: [logKey] }),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
  })
})

describe('tlog-proof@v1', () => {
  it('create, decode and verify offline; property over tree sizes and indexes', async () => {
    const all = entries(41)
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 41 }), fc.nat(), async (size, i) => {
        const data = all.slice(0, size)
        const index = i % size
        const file = createTlogProof({
          index,
          inclusionProof: inclusionProof(data, index),
          checkpoint: checkpointOf(data),
        })
        const ok = await verifyTlogProof(file, { leafHash: leafHash(data[index]!), origin: ORIGIN, logKeys: [logKey] })
        expect(ok.index).toBe(index)
        expect(ok.checkpoint.treeSize).toBe(size)
        const other = leafHash(utf8ToBytes('not logged'))
        await expectCode(
          verifyTlogProof(file, { leafHash: other, origin: ORIGIN, logKeys: [logKey] }),
          VerificationError,
          'TLOG_PROOF_INVALID',
        )
      }),
      { numRuns: 25 },
    )
  })

  it('keeps extra data and round-trips exactly', () => {
    const data = entries(3)
    const proof = {
      extra: utf8ToBytes('context'),
      index: 2,
      inclusionProof: inclusionProof(data, 2),
      checkpoint: checkpointOf(data),
    }
    const file = encodeTlogProof(proof)
    expect(file.split('\n').slice(0, 3)).toEqual([
      'c2sp.org/tlog-proof@v1',
      `extra ${_bytesToBase64(utf8ToBytes('context'))}`,
      'index 2',
    ])
    expect(decodeTlogProof(file)).toEqual(proof)
    expect(decodeTlogProof(utf8ToBytes(file))).toEqual(proof)
  })

  it('refuses malformed files with TLOG_PROOF_MALFORMED', async () => {
    const data = entries(3)
    const file = encodeTlogProof({ index: 1, inclusionProof: inclusionProof(data, 1), checkpoint: checkpointOf(data) })
    const bads = [
      file.replace('tlog-proof@v1', 'tlog-proof@v2'),
      file.replace('index 1', 'index 01'),
      file.replace('index 1', 'index 1\nindex 1'),
      file.replace('index 1', 'extra AA==\nextra AA==\nindex 1'),
      file.replace('index 1', 'extra \nindex 1'),
      file.replace('index 1\n', 'index 1\nAAAA\n'),
      `${file}junk\n`,
      file.replace('\n\n', '\n'),
      `${file.split('\n\n')[0]}\n\n`,
    ]
    for (const bad of bads) await expectCode(() => decodeTlogProof(bad), VerificationError, 'TLOG_PROOF_MALFORMED')
    await expectCode(() => decodeTlogProof(Uint8Array.of(0xc0)), VerificationError, 'TLOG_PROOF_MALFORMED')
    await expectCode(() => decodeTlogProof(null as unknown as string), InvalidArgumentError, 'INVALID_TYPE')
  })
})

const T0 = 1_700_000_000
const createMemoryLedger = createMemoryLedgerUntyped as (params: { id?: string; now?: () => number }) => LedgerAdapter

describe('access logs and anchored records in C2SP formats', () => {
  it('an access-log head as a checkpoint (same size and root as the EIP-712 head) and an event tlog-proof', async () => {
    const operator = createParty({ seed: new Uint8Array(32).fill(1) })
    const ledger = createMemoryLedger({ id: 'c2sp', now: () => T0 })
    const accessLog = await createAccessLog({ operator, ledger, name: 'clinic/access' })
    const events = Array.from({ length: 6 }, (_, i) => ({
      actor: operator.address,
      action: 'read' as const,
      commitment: bytesToHex0x(leafHash(Uint8Array.of(i))),
      at: T0 + i,
      purpose: 'TREAT' as const,
      outcome: 'permit' as const,
    }))
    for (const e of events) await accessLog.append(e)
    const origin = 'clinic.example/access-log'
    const head = await accessLog.publishHead()
    const checkpoint = await createAccessLogCheckpoint({ head, operator, origin })
    expect(await createAccessLogCheckpoint({ head: accessLog, operator, origin })).toBe(checkpoint)
    const key = encodeVerifierKey({ name: origin, publicKey: operator.notePublicKey })
    const cp = await verifyCheckpoint(checkpoint, { origin, logKeys: [key] })
    expect(cp.treeSize).toBe(head.head.treeSize)
    expect(bytesToHex0x(cp.rootHash)).toBe(head.head.root)
    const file = await createAccessLogProof({ log: accessLog, index: 4, checkpoint })
    const ok = await verifyTlogProof(file, {
      leafHash: leafHash(encodeAccessEvent(events[4]!)),
      origin,
      logKeys: [key],
    })
    expect(ok.index).toBe(4)
    await expectCode(
      createAccessLogCheckpoint({ head, operator: log, origin }),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
    await expectCode(
      () => createAccessLogProof({ log: accessLog, index: 6, checkpoint }),
      InvalidArgumentError,
      'OUT_OF_RANGE',
    )
  })

  it('a tlog-proof for a record of an anchored batch', async () => {
    const commitments = Array.from({ length: 5 }, (_, i) => leafHash(Uint8Array.of(100 + i)))
    const batch = buildMerkleBatch(commitments.map((c) => leafHash(c)))
    const receipt = {
      commitment: bytesToHex0x(commitments[3]!),
      leafIndex: 3,
      treeSize: 5,
      root: bytesToHex0x(batch.root),
      proof: batch.proofs[3]!.map(bytesToHex0x),
    }
    const origin = `clinic.example/anchor/${receipt.root.slice(2, 18)}`
    const file = createRecordTlogProof({ receipt, signer: log, origin })
    const key = encodeVerifierKey({ name: origin, publicKey: log.notePublicKey })
    await verifyTlogProof(file, { leafHash: recordLeafHash(receipt.commitment), origin, logKeys: [key] })
    await expectCode(
      verifyTlogProof(file, { leafHash: recordLeafHash(bytesToHex0x(commitments[2]!)), origin, logKeys: [key] }),
      VerificationError,
      'TLOG_PROOF_INVALID',
    )
  })
})

function mapFetch(files: Map<string, Uint8Array>, prefix: string, log: string[] = []): TileFetch {
  return async (url) => {
    log.push(url)
    const body = files.get(url.slice(prefix.length + 1))
    return {
      ok: body !== undefined,
      status: body === undefined ? 404 : 200,
      arrayBuffer: async () => (body ?? new Uint8Array(0)).slice().buffer,
    }
  }
}

describe('tlog-tiles', () => {
  it('paths as the spec writes them', () => {
    expect(tilePath({ level: 0, index: 1234067 })).toBe('tile/0/x001/x234/067')
    expect(tilePath({ level: 1, index: 0, width: 17 })).toBe('tile/1/000.p/17')
    expect(tilePath({ level: 'entries', index: 1000 })).toBe('tile/entries/x001/000')
    expect(parseTilePath('tile/0/x001/x234/067')).toEqual({ level: 0, index: 1234067 })
    expect(parseTilePath('tile/entries/000.p/3')).toEqual({ level: 'entries', index: 0, width: 3 })
    for (const bad of [
      'tile/0/1',
      'tile/64/000',
      'tile/0/x000/001',
      'tile/0/000.p/256',
      'tile/0/000.p/0',
      'tile/00/000',
    ])
      expect(() => parseTilePath(bad), bad).toThrow(VerificationError)
    expect(() => tilePath({ level: 64, index: 0 })).toThrow(InvalidArgumentError)
  })

  it('the resources of a tree of 70,000 match the spec example', () => {
    const data = Array.from({ length: 70_000 }, (_, i) => Uint8Array.of(i & 0xff, (i >> 8) & 0xff, i >> 16))
    const files = buildTlogTiles({ checkpoint: checkpointOf(data), entries: data })
    const level = (l: number) => [...files.keys()].filter((k) => k.startsWith(`tile/${l}/`))
    expect(level(0).filter((k) => !k.includes('.p/'))).toHaveLength(273)
    expect(level(0).filter((k) => k.includes('.p/'))).toEqual(['tile/0/273.p/112'])
    expect(level(1)).toEqual(['tile/1/000', 'tile/1/001.p/17'])
    expect(level(2)).toEqual(['tile/2/000.p/1'])
    expect(level(3)).toEqual([])
    expect(files.get('tile/0/000')).toHaveLength(8192)
  })

  it('a client fetches, verifies and proves through an injected fetch', async () => {
    const data = entries(700)
    const prefix = 'https://clinic.example/access-log'
    const files = buildTlogTiles({ checkpoint: checkpointOf(data), entries: data })
    const client = createTlogTileClient({ prefix, fetch: mapFetch(files, prefix), origin: ORIGIN, logKeys: [logKey] })
    const cp = await client.checkpoint()
    for (const i of [0, 255, 256, 511, 512, 699]) {
      expect(await client.inclusionProof(i, cp)).toEqual(inclusionProof(data, i))
      expect(await client.entry(i, cp)).toEqual(data[i])
    }
    await expectCode(client.entry(700, cp), InvalidArgumentError, 'OUT_OF_RANGE')
  })

  it('falls back to the full tile when a partial one is gone; refuses bad tiles', async () => {
    const data = entries(512)
    const prefix = 'https://log.example'
    const old = data.slice(0, 300)
    const files = new Map([
      ...buildTlogTiles({ checkpoint: checkpointOf(old), entries: old }),
      ...buildTlogTiles({ checkpoint: checkpointOf(data), entries: data }),
    ])
    files.set('checkpoint', utf8ToBytes(checkpointOf(old)))
    files.delete('tile/0/001.p/44')
    files.delete('tile/entries/001.p/44')
    const client = createTlogTileClient({ prefix, fetch: mapFetch(files, prefix), origin: ORIGIN, logKeys: [logKey] })
    const cp = await client.checkpoint()
    expect(cp.treeSize).toBe(300)
    expect(await client.entry(299, cp)).toEqual(data[299])

    const tampered = new Map(files)
    const t = tampered.get('tile/0/000')!.slice()
    t[5]! ^= 1
    tampered.set('tile/0/000', t)
    const bad = createTlogTileClient({ prefix, fetch: mapFetch(tampered, prefix), origin: ORIGIN, logKeys: [logKey] })
    await expectCode(bad.inclusionProof(3, cp), VerificationError, 'TLOG_PROOF_INVALID')
    const short = new Map(files)
    short.set('tile/0/000', files.get('tile/0/000')!.slice(1))
    const shortClient = createTlogTileClient({
      prefix,
      fetch: mapFetch(short, prefix),
      origin: ORIGIN,
      logKeys: [logKey],
    })
    await expectCode(shortClient.inclusionProof(3, cp), VerificationError, 'TILE_MALFORMED')
    const badBundle = new Map(files)
    badBundle.set('tile/entries/000', Uint8Array.of(0, 5, 1))
    const bundleClient = createTlogTileClient({
      prefix,
      fetch: mapFetch(badBundle, prefix),
      origin: ORIGIN,
      logKeys: [logKey],
    })
    await expectCode(bundleClient.entry(0, cp), VerificationError, 'TILE_MALFORMED')
    const gone = new Map(files)
    gone.delete('tile/0/000')
    const goneClient = createTlogTileClient({
      prefix,
      fetch: mapFetch(gone, prefix),
      origin: ORIGIN,
      logKeys: [logKey],
    })
    await expectCode(goneClient.inclusionProof(3, cp), VerificationError, 'TILE_FETCH_FAILED')
    const failing = createTlogTileClient({
      prefix,
      fetch: async () => {
        throw new TypeError('network down')
      },
      origin: ORIGIN,
      logKeys: [logKey],
    })
    await expectCode(failing.checkpoint(), VerificationError, 'TILE_FETCH_FAILED')
    await expectCode(
      () => buildTlogTiles({ checkpoint: checkpointOf(old), entries: data }),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
    await expectCode(
      () => buildTlogTiles({ checkpoint: checkpointOf([new Uint8Array(70_000)]), entries: [new Uint8Array(70_000)] }),
      InvalidArgumentError,
      'INPUT_TOO_LARGE',
    )
  })
})

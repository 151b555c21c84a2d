import { fc, test } from '@fast-check/vitest'
import { base58btc } from 'multiformats/bases/base58'
import { CID } from 'multiformats/cid'
import * as json from 'multiformats/codecs/json'
import * as raw from 'multiformats/codecs/raw'
import { identity } from 'multiformats/hashes/identity'
import { sha256 as mfSha256, sha512 as mfSha512 } from 'multiformats/hashes/sha2'
import { describe, expect, it } from 'vitest'
import { utf8ToBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import type { ErrorCode } from '../errors/codes.js'
import { canonicalizeToBytes } from './canonicalize.js'
import { contentIdOf, createContentId, JSON_CODEC, parseContentId, verifyContentId } from './contentId.js'

function expectInvalid(fn: () => unknown, code: ErrorCode): void {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidArgumentError)
    expect((err as InvalidArgumentError).code).toBe(code)
    return
  }
  throw new Error(`expected ${code}`)
}

describe('createContentId', () => {
  it('is CIDv1 + json (0x0200) + sha2-256, base32 string form', () => {
    const bytes = canonicalizeToBytes({ resourceType: 'Patient', id: 'p1' })
    const cid = createContentId(bytes)
    expect(cid.version).toBe(1)
    expect(cid.code).toBe(JSON_CODEC)
    expect(cid.code).toBe(json.code)
    expect(cid.multihash.code).toBe(0x12)
    expect(cid.toString()).toBe('bagaaieraoowplr5wnq5hgpsxj262mbpihxgopiiz2xlqas5jawxi4cengj6a')
  })

  test.prop([fc.jsonValue()])('matches multiformats’ own (async) sha256 hasher', async (value) => {
    const bytes = canonicalizeToBytes(value)
    const expected = CID.create(1, json.code, await mfSha256.digest(bytes))
    const ours = createContentId(bytes)
    expect(ours.equals(expected)).toBe(true)
    expect(ours.toString()).toBe(expected.toString())
    expect(contentIdOf(value).equals(expected)).toBe(true)
    expect(verifyContentId(ours.toString(), bytes)).toBe(true)
  })

  it('is independent of key order and whitespace through contentIdOf', () => {
    expect(contentIdOf(JSON.parse('{ "b": 1, "a": [1, 2] }')).toString()).toBe(
      contentIdOf({ a: [1, 2], b: 1 }).toString(),
    )
  })

  it('rejects non-bytes', () => {
    expectInvalid(() => createContentId('{}' as never), 'INVALID_TYPE')
  })
})

describe('parseContentId', () => {
  it('round-trips strings and CIDs (base32 and base58btc forms)', () => {
    const cid = contentIdOf({ hello: 'world' })
    expect(parseContentId(cid.toString()).equals(cid)).toBe(true)
    expect(parseContentId(cid).equals(cid)).toBe(true)
    expect(parseContentId(cid.toString(base58btc)).equals(cid)).toBe(true)
  })

  it('rejects other CIDs and garbage', async () => {
    const bytes = utf8ToBytes('{}')
    const rawCid = CID.create(1, raw.code, await mfSha256.digest(bytes))
    const sha512Cid = CID.create(1, json.code, await mfSha512.digest(bytes))
    const identityCid = CID.create(1, json.code, identity.digest(bytes))
    const v0 = CID.createV0(await mfSha256.digest(bytes))
    for (const c of [rawCid, sha512Cid, identityCid, v0]) {
      expectInvalid(() => parseContentId(c.toString()), 'INVALID_ARGUMENT')
      expectInvalid(() => parseContentId(c), 'INVALID_ARGUMENT')
    }
    for (const s of ['', 'not a cid', 'b', `b${'a'.repeat(200)}`, 'bagaaieraxxxx'])
      expectInvalid(() => parseContentId(s), 'INVALID_ENCODING')
    expectInvalid(() => parseContentId(42 as never), 'INVALID_TYPE')
    expectInvalid(() => parseContentId({} as never), 'INVALID_TYPE')
  })

  it('verifyContentId is false for other bytes', () => {
    const cid = contentIdOf({ a: 1 })
    expect(verifyContentId(cid, canonicalizeToBytes({ a: 1 }))).toBe(true)
    expect(verifyContentId(cid, canonicalizeToBytes({ a: 2 }))).toBe(false)
    expectInvalid(() => verifyContentId(cid, 'x' as never), 'INVALID_TYPE')
  })
})

import { fc, test } from '@fast-check/vitest'
import { mapHashToField } from '@noble/curves/abstract/modular.js'
import { x25519 } from '@noble/curves/ed25519.js'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { getAddress, recoverAddress as viemRecoverAddress } from 'viem'
import { privateKeyToAccount, sign as viemSign } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { bytesToBase64url, bytesToHex, bytesToHex0x, hexToBytes, utf8ToBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import type { ErrorCode } from '../errors/codes.js'
import type { Hex } from '../types.js'
import { isAddress, publicKeyToAddress, toChecksumAddress } from './address.js'
import { createParty } from './createParty.js'
import { parseDid, toDidKey, toDidPkh } from './did.js'
import { exportIdentity, importIdentity } from './identityJson.js'
import { recoverAddress, recoverPublicKey, signDigest, verifyDigest } from './signature.js'

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

const seed1 = new Uint8Array(32).fill(1)
const digest = sha256(utf8ToBytes('medseal test digest'))

describe('createParty', () => {
  it('derives both keys from the seed as documented (HKDF-SHA256, versioned labels)', () => {
    const party = createParty({ seed: seed1 })
    const salt = utf8ToBytes('medseal/v1/party')
    const sk = mapHashToField(
      hkdf(sha256, seed1, salt, utf8ToBytes('medseal/v1/secp256k1'), 48),
      secp256k1.Point.CURVE().n,
    )
    const xsk = hkdf(sha256, seed1, salt, utf8ToBytes('medseal/v1/x25519'), 32)
    expect(party.address).toBe(privateKeyToAccount(bytesToHex0x(sk)).address)
    expect(party.signingPublicKey).toEqual(secp256k1.getPublicKey(sk, true))
    expect(party.encryptionPublicKey).toEqual(x25519.getPublicKey(xsk))
    expect(party.encryptionSecretKey).toEqual(xsk)
    // pinned: a change here changes every party's keys
    expect(party.address).toBe('0xFb338b3965EA92cF3561af0F4767A71dbB9c0552')
    expect(party.did).toBe('did:key:zQ3shrLpnUrDt1ZwHwXLoSwqMDNQWZ1oF552G4SBpQGqp378K')
    expect(bytesToHex(party.encryptionPublicKey)).toBe(
      '10d43cb4e77ca8b25bb8f2bf9889b595552743e5937bc4998ed5f1b5d2115822',
    )
  })

  it('is deterministic per seed, random without one, and uses an injected randomBytes', () => {
    expect(createParty({ seed: seed1 }).address).toBe(createParty({ seed: seed1 }).address)
    expect(createParty().address).not.toBe(createParty().address)
    const p = createParty({ randomBytes: (n) => new Uint8Array(n).fill(1) })
    expect(p.address).toBe(createParty({ seed: seed1 }).address)
    expect(p.exportSeed()).toEqual(seed1)
  })

  it('copies the seed in and out, and returns copies of keys', () => {
    const seed = seed1.slice()
    const party = createParty({ seed })
    seed.fill(9)
    expect(party.exportSeed()).toEqual(seed1)
    party.exportSeed().fill(0)
    expect(party.exportSeed()).toEqual(seed1)
    party.signingPublicKey.fill(0)
    party.encryptionSecretKey.fill(0)
    expect(party.signingPublicKey[0]).not.toBe(0)
    expect(party.encryptionSecretKey).not.toEqual(new Uint8Array(32))
  })

  it('is frozen', () => {
    const party = createParty()
    expect(Object.isFrozen(party)).toBe(true)
    expect(() => {
      ;(party as { did: string }).did = 'x'
    }).toThrow(TypeError)
  })

  it('never shows secrets in JSON, String, spread or keys', () => {
    const party = createParty({ seed: seed1 })
    const secretHex = [bytesToHex(party.exportSeed()), bytesToHex(party.encryptionSecretKey)]
    const secretB64 = [bytesToBase64url(party.exportSeed()), bytesToBase64url(party.encryptionSecretKey)]
    const json = JSON.stringify(party)
    expect(JSON.parse(json)).toEqual(exportIdentity(party))
    const shown = [json, String(party), `${party}`, JSON.stringify({ ...party }), Object.keys(party).join()]
    for (const text of shown) {
      for (const s of [...secretHex, ...secretB64]) expect(text).not.toContain(s)
      expect(text).not.toContain('encryptionSecretKey')
    }
    expect(String(party)).toBe(`Party(${party.did})`)
    expect(Object.keys({ ...party })).not.toContain('encryptionSecretKey')
  })

  it('toPublic gives only public fields', () => {
    const party = createParty()
    const pub = party.toPublic()
    expect(Object.keys(pub).sort()).toEqual(['address', 'did', 'encryptionPublicKey', 'signingPublicKey'])
    expect(Object.isFrozen(pub)).toBe(true)
  })

  it('rejects bad parameters', () => {
    expectInvalid(() => createParty({ seed: new Uint8Array(31) }), 'INVALID_LENGTH')
    expectInvalid(() => createParty({ seed: 'seed' as never }), 'INVALID_TYPE')
    expectInvalid(() => createParty({ randomBytes: () => new Uint8Array(16) }), 'INVALID_LENGTH')
    expectInvalid(() => createParty({ randomBytes: 5 as never }), 'INVALID_TYPE')
    expectInvalid(() => createParty(null as never), 'INVALID_TYPE')
  })

  test.prop([fc.uint8Array({ minLength: 32, maxLength: 32 })])('every seed gives a valid key pair', (seed) => {
    const p = createParty({ seed })
    expect(secp256k1.utils.isValidPublicKey(p.signingPublicKey, true)).toBe(true)
    expect(parseDid(p.did)).toMatchObject({ method: 'key', address: p.address })
  })
})

describe('digest signatures', () => {
  const party = createParty({ seed: seed1 })

  it('signs in Ethereum form (low-s, v 27/28), matching viem', async () => {
    const sig = party.signDigest(digest)
    expect(sig).toHaveLength(65)
    expect([27, 28]).toContain(sig[64])
    expect(BigInt(bytesToHex0x(sig.subarray(32, 64))) <= secp256k1.Point.CURVE().n / 2n).toBe(true)
    expect(signDigest(party, digest)).toEqual(sig)
    expect(recoverAddress(digest, sig)).toBe(party.address)
    expect(recoverAddress(digest, bytesToHex0x(sig))).toBe(party.address)
    expect(recoverPublicKey(digest, sig)).toEqual(party.signingPublicKey)
    expect(await viemRecoverAddress({ hash: bytesToHex0x(digest), signature: bytesToHex0x(sig) })).toBe(party.address)
  })

  it('verifies viem signatures', async () => {
    const key = bytesToHex0x(secp256k1.utils.randomSecretKey())
    const account = privateKeyToAccount(key)
    const sig = await viemSign({ hash: bytesToHex0x(digest), privateKey: key, to: 'hex' })
    expect(recoverAddress(digest, sig)).toBe(account.address)
    expect(verifyDigest(account.address, digest, sig)).toBe(true)
  })

  it('verifyDigest: true for the signer (address or key), false for others', () => {
    const sig = party.signDigest(digest)
    const other = createParty()
    expect(verifyDigest(party.address, digest, sig)).toBe(true)
    expect(verifyDigest(party.address.toLowerCase() as Hex, digest, sig)).toBe(true)
    expect(verifyDigest(party.signingPublicKey, digest, sig)).toBe(true)
    expect(verifyDigest(secp256k1.Point.fromBytes(party.signingPublicKey).toBytes(false), digest, sig)).toBe(true)
    expect(verifyDigest(other.address, digest, sig)).toBe(false)
    expect(verifyDigest(other.signingPublicKey, digest, sig)).toBe(false)
    expect(verifyDigest(party.address, sha256(digest), sig)).toBe(false)
    const flipped = sig.slice()
    flipped[64] = flipped[64] === 27 ? 28 : 27
    expect(verifyDigest(party.address, digest, flipped)).toBe(false)
  })

  it('rejects malformed signatures with INVALID_SIGNATURE', () => {
    const sig = party.signDigest(digest)
    const n = secp256k1.Point.CURVE().n
    const s = BigInt(bytesToHex0x(sig.subarray(32, 64)))
    const high = sig.slice()
    high.set(hexToBytes((n - s).toString(16).padStart(64, '0')), 32)
    high[64] = sig[64] === 27 ? 28 : 27
    const bad: Uint8Array[] = [high, sig.subarray(0, 64), new Uint8Array(65)]
    for (const v of [0, 1, 29, 35]) {
      const b = sig.slice()
      b[64] = v
      bad.push(b)
    }
    const rTooBig = sig.slice()
    rTooBig.set(hexToBytes(n.toString(16)), 0)
    bad.push(rTooBig)
    for (const b of bad) {
      expectInvalid(() => recoverAddress(digest, b), 'INVALID_SIGNATURE')
      expectInvalid(() => verifyDigest(party.address, digest, b), 'INVALID_SIGNATURE')
    }
    expectInvalid(() => recoverAddress(digest, '0x1234'), 'INVALID_SIGNATURE')
    expectInvalid(() => recoverAddress(digest, 42 as never), 'INVALID_TYPE')
  })

  it('checks digests, signers and parties', () => {
    const sig = party.signDigest(digest)
    expectInvalid(() => party.signDigest(new Uint8Array(31)), 'INVALID_LENGTH')
    expectInvalid(() => recoverAddress(new Uint8Array(33), sig), 'INVALID_LENGTH')
    expectInvalid(() => verifyDigest('0x12' as Hex, digest, sig), 'INVALID_ARGUMENT')
    expectInvalid(() => verifyDigest(new Uint8Array(33), digest, sig), 'INVALID_KEY')
    expectInvalid(() => signDigest({} as never, digest), 'INVALID_TYPE')
  })
})

describe('addresses', () => {
  it('EIP-55 test vectors', () => {
    for (const a of [
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
      '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
      '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
      '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
      '0x52908400098527886E0F7030069857D2E4169EE7',
      '0xde709f2102306220921060314715629080e2fb77',
    ]) {
      expect(toChecksumAddress(a.toLowerCase())).toBe(a)
      expect(isAddress(a)).toBe(true)
    }
  })

  test.prop([fc.uint8Array({ minLength: 20, maxLength: 20 })])('agrees with viem getAddress', (bytes) => {
    const lower = bytesToHex0x(bytes)
    expect(toChecksumAddress(lower)).toBe(getAddress(lower))
  })

  it('rejects bad addresses', () => {
    expect(isAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD')).toBe(false)
    expect(isAddress('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae')).toBe(false)
    expect(isAddress(42)).toBe(false)
    expectInvalid(() => toChecksumAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD'), 'INVALID_ARGUMENT')
    expectInvalid(() => toChecksumAddress(1 as never), 'INVALID_TYPE')
    expectInvalid(() => publicKeyToAddress(new Uint8Array(33)), 'INVALID_KEY')
  })
})

describe('DIDs', () => {
  it('did:key of a secp256k1 key (did:key spec vector)', () => {
    const pub = hexToBytes('03874c15c7fda20e539c6e5ba573c139884c351188799f5458b4b41f7924f235cd')
    const did = 'did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme'
    expect(toDidKey(pub)).toBe(did)
    expect(toDidKey(secp256k1.Point.fromBytes(pub).toBytes(false))).toBe(did)
    expectInvalid(() => toDidKey(new Uint8Array(33)), 'INVALID_KEY')
    expectInvalid(() => toDidKey('02ab' as never), 'INVALID_TYPE')
    const parsed = parseDid(did)
    expect(parsed.method).toBe('key')
    if (parsed.method === 'key') {
      expect(parsed.publicKey).toEqual(pub)
      expect(parsed.address).toBe(publicKeyToAddress(pub))
    }
  })

  it('did:pkh:eip155', () => {
    const party = createParty({ seed: seed1 })
    const did = toDidPkh({ address: party.address.toLowerCase() as Hex, chainId: 1 })
    expect(did).toBe(`did:pkh:eip155:1:${party.address}`)
    expect(parseDid(did)).toEqual({ method: 'pkh', namespace: 'eip155', chainId: 1, address: party.address })
    expectInvalid(() => toDidPkh({ address: party.address, chainId: 0 }), 'OUT_OF_RANGE')
    expectInvalid(() => toDidPkh({ address: '0x12' as Hex, chainId: 1 }), 'INVALID_ARGUMENT')
  })

  it('parseDid rejects anything malformed with INVALID_DID', () => {
    const party = createParty({ seed: seed1 })
    const bad = [
      '',
      'did:web:example.com',
      'did:key:',
      'did:key:z',
      'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp', // ed25519
      'did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBm0', // '0' is not base58
      'did:key:mQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme', // not base58btc
      `${party.did}#key-1`,
      `${party.did}x`,
      'did:pkh:eip155:0:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
      'did:pkh:eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', // bad checksum
      'did:pkh:eip155:1:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae',
      'did:pkh:bip122:000000000019d6689c085ae165831e93:128Lkh3S7CkDTBZ8W7BbpsN3YYizJMp8p6',
      `did:key:${'z'.repeat(300)}`,
      42,
    ]
    for (const d of bad) expectInvalid(() => parseDid(d as string), 'INVALID_DID')
    // a valid encoding of a point that is not on the curve
    const offCurve = new Uint8Array(33).fill(0)
    offCurve[0] = 2
    offCurve[32] = 5
    const bytes = new Uint8Array([0xe7, 0x01, ...offCurve])
    expectInvalid(() => parseDid(`did:key:z${base58(bytes)}`), 'INVALID_DID')
  })
})

describe('identity JSON', () => {
  const party = createParty({ seed: seed1 })

  it('round-trips, also through JSON text', () => {
    const json = exportIdentity(party)
    expect(json).toEqual({
      type: 'medseal-identity',
      version: 1,
      did: party.did,
      address: party.address,
      signingPublicKey: bytesToBase64url(party.signingPublicKey),
      encryptionPublicKey: bytesToBase64url(party.encryptionPublicKey),
    })
    expect(importIdentity(json)).toEqual(party.toPublic())
    expect(importIdentity(JSON.stringify(json))).toEqual(party.toPublic())
    expect(importIdentity({ ...json, address: json.address.toLowerCase() }).address).toBe(party.address)
  })

  it('validates every field', () => {
    const json = exportIdentity(party)
    const other = exportIdentity(createParty())
    const zeroKey = bytesToBase64url(new Uint8Array(32))
    const lowOrder = bytesToBase64url(hexToBytes('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800'))
    const cases: [unknown, ErrorCode][] = [
      ['{', 'INVALID_JSON'],
      [`"${'x'.repeat(5000)}"`, 'INPUT_TOO_LARGE'],
      [null, 'INVALID_TYPE'],
      [[], 'INVALID_TYPE'],
      [{ ...json, extra: 1 }, 'INVALID_ARGUMENT'],
      [{ ...json, type: 'other' }, 'INVALID_ARGUMENT'],
      [{ ...json, version: 2 }, 'INVALID_ARGUMENT'],
      [{ ...json, did: other.did }, 'INVALID_ARGUMENT'],
      [{ ...json, address: other.address }, 'INVALID_ARGUMENT'],
      [{ ...json, encryptionPublicKey: bytesToBase64url(new Uint8Array(31)) }, 'INVALID_LENGTH'],
      [{ ...json, encryptionPublicKey: zeroKey }, 'INVALID_KEY'],
      [{ ...json, encryptionPublicKey: lowOrder }, 'INVALID_KEY'],
      [{ ...json, signingPublicKey: bytesToBase64url(new Uint8Array(33)) }, 'INVALID_KEY'],
      [{ ...json, signingPublicKey: bytesToBase64url(new Uint8Array(65)) }, 'INVALID_LENGTH'],
      [{ ...json, signingPublicKey: `${json.signingPublicKey}=` }, 'INVALID_ENCODING'],
      [{ ...json, signingPublicKey: 5 }, 'INVALID_TYPE'],
    ]
    for (const [value, code] of cases) expectInvalid(() => importIdentity(value), code)
    const { did: _omit, ...missing } = json
    expectInvalid(() => importIdentity(missing), 'INVALID_ARGUMENT')
  })
})

/** base58btc without the multibase prefix, for building a malformed did:key in the test only. */
function base58(bytes: Uint8Array): string {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
  let n = BigInt(bytesToHex0x(bytes))
  let out = ''
  while (n > 0n) {
    out = alphabet[Number(n % 58n)] + out
    n /= 58n
  }
  for (const b of bytes) {
    if (b !== 0) break
    out = `1${out}`
  }
  return out
}

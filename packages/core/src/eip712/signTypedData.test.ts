import { secp256k1 } from '@noble/curves/secp256k1.js'
import mailText from '@vectors/eip712/eip712-mail-example.json?raw'
import ethersText from '@vectors/eip712/ethers-typed-data.json?raw'
import { verifyTypedData as viemVerifyTypedData } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { bytesToHex0x, hexToBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import type { ErrorCode } from '../errors/codes.js'
import { publicKeyToAddress } from '../identity/address.js'
import { signDigestWithKey } from '../identity/signature.js'
import type { Hex } from '../types.js'
import { recoverTypedDataAddress, signTypedData, verifyTypedData } from './signTypedData.js'
import type { TypedData } from './types.js'

const ethersCases: unknown = JSON.parse(ethersText)
// biome-ignore lint/suspicious/noExplicitAny: vector JSON
const mail: any = JSON.parse(mailText)

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

/** A signer from a raw key (createParty derives keys from a seed; here the vectors give keys). */
function keyParty(secretKeyHex: Hex) {
  const sk = hexToBytes(secretKeyHex)
  return {
    address: publicKeyToAddress(secp256k1.getPublicKey(sk, true)),
    signDigest: (digest: Uint8Array) => signDigestWithKey(sk, digest),
  }
}

const td = mail.typedData as unknown as TypedData
const cow = keyParty(mail.privateKey as Hex)
const N = secp256k1.Point.CURVE().n

describe('signTypedData', () => {
  it('reproduces the EIP-712 Mail signature (RFC 6979, low-s, v = 28)', () => {
    expect(cow.address).toBe(mail.address)
    const sig = signTypedData(cow, td)
    expect(sig).toBe(mail.signature.serialized)
    expect(recoverTypedDataAddress(td, sig)).toBe(mail.address)
    expect(verifyTypedData({ ...td, address: mail.address as Hex, signature: sig })).toBe(true)
  })

  it('reproduces the ethers vector signature', () => {
    const c = (ethersCases as unknown as Record<string, unknown>[]).find((x) => typeof x.privateKey === 'string')!
    const p = keyParty(c.privateKey as Hex)
    const data = { domain: c.domain, types: c.types, primaryType: c.primaryType, message: c.data } as TypedData
    expect(signTypedData(p, data)).toBe(c.signature)
  })

  it('interoperates with viem both ways', async () => {
    const key = bytesToHex0x(secp256k1.utils.randomSecretKey())
    const account = privateKeyToAccount(key)
    const ours = keyParty(key)
    expect(ours.address).toBe(account.address)
    const viemSig = await account.signTypedData(td as never)
    expect(recoverTypedDataAddress(td, viemSig)).toBe(account.address)
    expect(verifyTypedData({ ...td, address: account.address, signature: viemSig })).toBe(true)
    const ourSig = signTypedData(ours, td)
    expect(ourSig).toBe(viemSig)
    expect(await viemVerifyTypedData({ ...td, address: account.address, signature: ourSig } as never)).toBe(true)
  })

  it('rejects a party without signDigest', () => {
    expectInvalid(() => signTypedData({} as never, td), 'INVALID_TYPE')
  })
})

describe('verifyTypedData / recoverTypedDataAddress', () => {
  const sig = mail.signature.serialized as Hex

  it('is false for a different signer or a different message', () => {
    expect(verifyTypedData({ ...td, address: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB', signature: sig })).toBe(
      false,
    )
    const other = { ...td, message: { ...td.message, contents: 'Hello, Alice!' } }
    expect(verifyTypedData({ ...other, address: mail.address as Hex, signature: sig })).toBe(false)
    // flipping v recovers someone else: still well-formed, so false
    const flipped = `${sig.slice(0, -2)}1b` as Hex
    expect(verifyTypedData({ ...td, address: mail.address as Hex, signature: flipped })).toBe(false)
  })

  it('rejects high-s, bad v and wrong lengths with INVALID_SIGNATURE', () => {
    const bytes = hexToBytes(sig)
    const s = BigInt(`0x${sig.slice(66, 130)}`)
    const highS = (N - s).toString(16).padStart(64, '0')
    const v = bytes[64] === 27 ? '1c' : '1b'
    const malleable = `${sig.slice(0, 66)}${highS}${v}` as Hex
    expectInvalid(() => recoverTypedDataAddress(td, malleable), 'INVALID_SIGNATURE')
    expectInvalid(
      () => verifyTypedData({ ...td, address: mail.address as Hex, signature: malleable }),
      'INVALID_SIGNATURE',
    )
    expectInvalid(() => recoverTypedDataAddress(td, `${sig.slice(0, -2)}01` as Hex), 'INVALID_SIGNATURE')
    expectInvalid(() => recoverTypedDataAddress(td, `${sig.slice(0, -2)}00` as Hex), 'INVALID_SIGNATURE')
    expectInvalid(() => recoverTypedDataAddress(td, sig.slice(0, -2) as Hex), 'INVALID_SIGNATURE')
    expectInvalid(() => recoverTypedDataAddress(td, `0x${'00'.repeat(64)}1b`), 'INVALID_SIGNATURE')
    expectInvalid(() => recoverTypedDataAddress(td, 'nothex' as Hex), 'INVALID_SIGNATURE')
  })

  it('rejects a malformed address', () => {
    expectInvalid(() => verifyTypedData({ ...td, address: '0x12' as Hex, signature: sig }), 'INVALID_ARGUMENT')
    expectInvalid(() => verifyTypedData({ ...td, address: 5 as never, signature: sig }), 'INVALID_TYPE')
  })
})

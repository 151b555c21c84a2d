import { fc, test } from '@fast-check/vitest'
import mailText from '@vectors/eip712/eip712-mail-example.json?raw'
import ethersText from '@vectors/eip712/ethers-typed-data.json?raw'
import walletCoreText from '@vectors/eip712/typed-data-vectors.json?raw'
import { hashTypedData as viemHashTypedData } from 'viem'
import { describe, expect, it } from 'vitest'
import { bytesToHex0x, utf8ToBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import type { ErrorCode } from '../errors/codes.js'
import { encodeData, encodeType, getDomainFields, hashDomain, hashStruct, hashTypedData } from './hashTypedData.js'
import type { TypedData, TypedDataTypes } from './types.js'

const ethersCases: unknown = JSON.parse(ethersText)
// biome-ignore lint/suspicious/noExplicitAny: vector JSON
const mail: any = JSON.parse(mailText)
const walletCoreCases: unknown = JSON.parse(walletCoreText)

type EthersCase = {
  name: string
  domain: Record<string, unknown>
  primaryType: string
  types: TypedDataTypes
  data: Record<string, unknown>
  encoded: string
  digest: string
}

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

describe('ethers.js typed-data vectors', () => {
  const cases = ethersCases as unknown as EthersCase[]
  it('has the cases', () => expect(cases.length).toBeGreaterThan(50))
  for (const c of cases) {
    it(`${c.name}: encodeData and digest`, () => {
      expect(bytesToHex0x(encodeData({ types: c.types, primaryType: c.primaryType, data: c.data }))).toBe(c.encoded)
      const typedData = { domain: c.domain, types: c.types, primaryType: c.primaryType, message: c.data } as TypedData
      expect(bytesToHex0x(hashTypedData(typedData))).toBe(c.digest)
    })
  }
})

describe('wallet-core eth_signTypedData_v4 vectors', () => {
  for (const c of walletCoreCases as unknown as {
    name: string
    typedData: TypedData & { types: TypedDataTypes }
    encodeType: string
    typeHash: string
    hashStruct: string
    domainSeparator: string
    digest: string
  }[]) {
    it(c.name, () => {
      const { typedData } = c
      expect(encodeType({ types: typedData.types, primaryType: typedData.primaryType })).toBe(c.encodeType)
      expect(
        bytesToHex0x(
          hashStruct({ types: typedData.types, primaryType: typedData.primaryType, data: typedData.message }),
        ),
      ).toBe(c.hashStruct)
      expect(bytesToHex0x(hashDomain(typedData.domain, typedData.types))).toBe(c.domainSeparator)
      expect(bytesToHex0x(hashTypedData(typedData))).toBe(c.digest)
    })
  }
})

describe('EIP-712 Mail example', () => {
  const td = mail.typedData as unknown as TypedData
  it('encodeType, encodeData, hashStruct, domain separator, digest', () => {
    for (const [name, s] of Object.entries(mail.encodeType)) {
      if (name === 'EIP712Domain') continue
      expect(encodeType({ types: td.types, primaryType: name })).toBe(s)
    }
    expect(bytesToHex0x(encodeData({ types: td.types, primaryType: 'Mail', data: td.message }))).toBe(
      mail.encodeData.Mail,
    )
    expect(bytesToHex0x(hashStruct({ types: td.types, primaryType: 'Mail', data: td.message }))).toBe(
      mail.hashStruct['message (Mail)'],
    )
    expect(bytesToHex0x(hashDomain(td.domain))).toBe(mail.domainSeparator)
    expect(bytesToHex0x(hashDomain(td.domain, td.types))).toBe(mail.domainSeparator)
    expect(bytesToHex0x(hashTypedData(td))).toBe(mail.digest)
    const { EIP712Domain: _, ...withoutDomainType } = td.types
    expect(bytesToHex0x(hashTypedData({ ...td, types: withoutDomainType }))).toBe(mail.digest)
  })
})

describe('domain type', () => {
  it('derives EIP712Domain from present fields in canonical order', () => {
    expect(
      getDomainFields({ salt: `0x${'11'.repeat(32)}`, name: 'n', chainId: 1, verifyingContract: undefined }).map(
        (f) => f.name,
      ),
    ).toEqual(['name', 'chainId', 'salt'])
    expect(getDomainFields({})).toEqual([])
  })

  it('matches viem for primaryType EIP712Domain and an empty domain', () => {
    const domain = { name: 'medseal', version: '1', chainId: 31337n }
    expect(bytesToHex0x(hashTypedData({ domain, types: {}, primaryType: 'EIP712Domain', message: {} }))).toBe(
      viemHashTypedData({ domain, types: {}, primaryType: 'EIP712Domain' }),
    )
  })
})

describe('agrees with viem on random messages', () => {
  const types = {
    Person: [
      { name: 'name', type: 'string' },
      { name: 'wallets', type: 'address[]' },
      { name: 'age', type: 'uint8' },
    ],
    Mail: [
      { name: 'from', type: 'Person' },
      { name: 'to', type: 'Person[]' },
      { name: 'contents', type: 'string' },
      { name: 'delta', type: 'int72' },
      { name: 'flags', type: 'bool[2]' },
      { name: 'tag', type: 'bytes5' },
      { name: 'blob', type: 'bytes' },
      { name: 'grid', type: 'uint16[][]' },
    ],
  } as const
  const hex = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => bytesToHex0x(b))
  const person = fc.record({
    name: fc.string(),
    wallets: fc.array(hex(20), { maxLength: 3 }),
    age: fc.integer({ min: 0, max: 255 }),
  })
  const mailArb = fc.record({
    from: person,
    to: fc.array(person, { maxLength: 3 }),
    contents: fc.string({ unit: 'grapheme' }),
    delta: fc.bigInt({ min: -(1n << 71n), max: (1n << 71n) - 1n }),
    flags: fc.tuple(fc.boolean(), fc.boolean()),
    tag: hex(5),
    blob: fc.uint8Array({ maxLength: 80 }).map((b) => bytesToHex0x(b)),
    grid: fc.array(fc.array(fc.integer({ min: 0, max: 65535 }), { maxLength: 3 }), { maxLength: 3 }),
  })
  test.prop([mailArb, fc.integer({ min: 1, max: 2 ** 40 }), hex(20)])('hashTypedData', (message, chainId, vc) => {
    const domain = { name: 'medseal', version: '1', chainId, verifyingContract: vc as `0x${string}` }
    const ours = hashTypedData({ domain, types, primaryType: 'Mail', message })
    expect(bytesToHex0x(ours)).toBe(
      viemHashTypedData({ domain, types, primaryType: 'Mail', message: message as never }),
    )
  })
})

describe('malformed typed data is InvalidArgumentError', () => {
  const types = { T: [{ name: 'v', type: 'uint8' }] }
  const td = (t: TypedDataTypes, message: Record<string, unknown>, primaryType = 'T'): TypedData => ({
    domain: { name: 'x' },
    types: t,
    primaryType,
    message,
  })

  it('integers: range and form', () => {
    expectInvalid(() => hashTypedData(td(types, { v: 256 })), 'OUT_OF_RANGE')
    expectInvalid(() => hashTypedData(td(types, { v: -1 })), 'OUT_OF_RANGE')
    expectInvalid(() => hashTypedData(td(types, { v: 1.5 })), 'INVALID_TYPE')
    expectInvalid(() => hashTypedData(td(types, { v: 2 ** 60 })), 'OUT_OF_RANGE')
    expectInvalid(() => hashTypedData(td(types, { v: '1e3' })), 'INVALID_ENCODING')
    expectInvalid(() => hashTypedData(td(types, { v: true })), 'INVALID_TYPE')
    const i8 = { T: [{ name: 'v', type: 'int8' }] }
    expect(() => hashTypedData(td(i8, { v: -128 }))).not.toThrow()
    expectInvalid(() => hashTypedData(td(i8, { v: -129 })), 'OUT_OF_RANGE')
    expectInvalid(() => hashTypedData(td(i8, { v: 128n })), 'OUT_OF_RANGE')
    expect(hashTypedData(td(types, { v: '0xff' }))).toEqual(hashTypedData(td(types, { v: 255n })))
  })

  it('bytesN, bytes, bool, string, address', () => {
    const t = (type: string) => ({ T: [{ name: 'v', type }] })
    expectInvalid(() => hashTypedData(td(t('bytes4'), { v: '0x0102' })), 'INVALID_LENGTH')
    expectInvalid(() => hashTypedData(td(t('bytes4'), { v: '0x0102030' })), 'INVALID_ENCODING')
    expectInvalid(() => hashTypedData(td(t('bytes'), { v: 12 })), 'INVALID_TYPE')
    expect(hashTypedData(td(t('bytes'), { v: new Uint8Array([1, 2]) }))).toEqual(
      hashTypedData(td(t('bytes'), { v: '0x0102' })),
    )
    expectInvalid(() => hashTypedData(td(t('bool'), { v: 1 })), 'INVALID_TYPE')
    expectInvalid(() => hashTypedData(td(t('string'), { v: 1 })), 'INVALID_TYPE')
    expectInvalid(() => hashTypedData(td(t('string'), { v: 'a\ud800' })), 'INVALID_ENCODING')
    expectInvalid(() => hashTypedData(td(t('address'), { v: '0x1234' })), 'INVALID_ARGUMENT')
    // mixed case with a broken EIP-55 checksum
    expectInvalid(
      () => hashTypedData(td(t('address'), { v: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD827' })),
      'INVALID_ARGUMENT',
    )
    expectInvalid(() => hashTypedData(td(t('address'), { v: null })), 'INVALID_TYPE')
  })

  it('arrays and structs', () => {
    expectInvalid(() => hashTypedData(td({ T: [{ name: 'v', type: 'uint8[2]' }] }, { v: [1] })), 'INVALID_LENGTH')
    expectInvalid(() => hashTypedData(td({ T: [{ name: 'v', type: 'uint8[]' }] }, { v: 1 })), 'INVALID_TYPE')
    expectInvalid(() => hashTypedData(td(types, {})), 'INVALID_ARGUMENT')
    expectInvalid(() => hashTypedData(td(types, { v: 1, extra: 2 })), 'INVALID_ARGUMENT')
    expectInvalid(() => hashTypedData(td(types, { v: 1 }, 'Nope')), 'INVALID_ARGUMENT')
    expectInvalid(() => hashTypedData(td({ T: [{ name: 'v', type: 'U' }] }, { v: {} })), 'INVALID_ARGUMENT')
    expectInvalid(() => hashTypedData(td({ T: [{ name: 'v', type: 'uint7' }] }, { v: 1 })), 'INVALID_ARGUMENT')
    expectInvalid(() => hashTypedData(td({ T: [{ name: 'v', type: 'bytes33' }] }, { v: '0x' })), 'INVALID_ARGUMENT')
    expectInvalid(() => hashTypedData(td({ T: [{ name: 'v', type: 'uint' }] }, { v: 1 })), 'INVALID_ARGUMENT')
    expectInvalid(
      () =>
        hashTypedData(
          td(
            {
              T: [
                { name: 'v', type: 'uint8' },
                { name: 'v', type: 'uint8' },
              ],
            },
            { v: 1 },
          ),
        ),
      'INVALID_ARGUMENT',
    )
    expectInvalid(() => hashTypedData(td({ T: [{ name: 1, type: 'uint8' }] } as never, { v: 1 })), 'INVALID_TYPE')
    expectInvalid(() => hashTypedData(td({ T: 'x' } as never, { v: 1 })), 'INVALID_TYPE')
    expectInvalid(() => hashTypedData(td(types, new Date() as never)), 'INVALID_TYPE')
  })

  it('recursive types are bounded', () => {
    const t = { Node: [{ name: 'next', type: 'Node[]' }] }
    let v: Record<string, unknown> = { next: [] }
    for (let i = 0; i < 100; i++) v = { next: [v] }
    expectInvalid(() => hashTypedData(td(t, v, 'Node')), 'INPUT_TOO_DEEP')
    const shallow = { next: [{ next: [] }, { next: [] }] }
    expect(bytesToHex0x(hashTypedData(td(t, shallow, 'Node')))).toBe(
      viemHashTypedData({ domain: { name: 'x' }, types: t, primaryType: 'Node', message: shallow }),
    )
  })

  it('domain: unknown fields and wrong values', () => {
    expectInvalid(() => hashDomain({ name: 'x', foo: 1 } as never), 'INVALID_ARGUMENT')
    expectInvalid(() => hashDomain({ chainId: -1 }), 'OUT_OF_RANGE')
    expectInvalid(() => hashDomain({ salt: '0x01' }), 'INVALID_LENGTH')
    expectInvalid(() => hashDomain(null as never), 'INVALID_TYPE')
    expectInvalid(() => hashTypedData(null as never), 'INVALID_TYPE')
    expect(bytesToHex0x(hashDomain({ chainId: '0x1' }))).toBe(bytesToHex0x(hashDomain({ chainId: 1 })))
  })

  it('never leaks a raw TypeError on garbage', () => {
    const garbage: unknown[] = [
      undefined,
      1,
      'x',
      [],
      { types: null },
      { types: {}, domain: 1 },
      { domain: {}, types: {} },
    ]
    for (const g of garbage) {
      try {
        hashTypedData(g as TypedData)
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidArgumentError)
      }
    }
  })
})

it('hashes string members as keccak256 of UTF-8', () => {
  const a = hashStruct({ types: { S: [{ name: 's', type: 'string' }] }, primaryType: 'S', data: { s: 'é😀' } })
  const b = hashStruct({
    types: { S: [{ name: 's', type: 'bytes' }] },
    primaryType: 'S',
    data: { s: utf8ToBytes('é😀') },
  })
  // same member encoding (keccak of the bytes), different type hash
  expect(a).not.toEqual(b)
  expect(
    encodeData({ types: { S: [{ name: 's', type: 'string' }] }, primaryType: 'S', data: { s: 'é😀' } }).slice(32),
  ).toEqual(
    encodeData({
      types: { S: [{ name: 's', type: 'bytes' }] },
      primaryType: 'S',
      data: { s: utf8ToBytes('é😀') },
    }).slice(32),
  )
})

/**
 * The memos of hashTypedData.ts (type hashes by type string, domain separators by domain): hits, misses, bounds, and
 * never a wrong answer (each result beside viem's and beside the path that remembers nothing).
 */
import { fc, test } from '@fast-check/vitest'
import { hashTypedData as viemHashTypedData } from 'viem'
import { describe, expect, it } from 'vitest'
import { bytesToHex0x, hexToBytes } from '../bytes/index.js'
import { isSdkError } from '../errors/base.js'
import type { Hex } from '../types.js'
import { getDomainFields, hashDomain, hashStruct, hashTypedData } from './hashTypedData.js'
import type { TypedDataDomain } from './types.js'

const PERSON = { Person: [{ name: 'name', type: 'string' }] }

/** The separator through an explicit `EIP712Domain` type: the path that remembers nothing. */
const unremembered = (domain: TypedDataDomain) =>
  bytesToHex0x(hashDomain(domain, { EIP712Domain: getDomainFields(domain) }))

const domains = fc.record(
  {
    name: fc.string({ maxLength: 12 }),
    version: fc.constantFrom('1', '2'),
    chainId: fc.oneof(fc.integer({ min: 1, max: 2 ** 40 }), fc.bigInt({ min: 1n, max: 2n ** 70n })),
    verifyingContract: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => bytesToHex0x(b)),
    salt: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex0x(b)),
  },
  { requiredKeys: ['name'] },
)

describe('the domain separator memo', () => {
  test.prop([domains, fc.string({ maxLength: 8 })])(
    'a remembered separator is the one computed afresh and the one viem signs over',
    (domain, name) => {
      const first = bytesToHex0x(hashDomain(domain))
      expect(bytesToHex0x(hashDomain(domain))).toBe(first)
      expect(unremembered(domain)).toBe(first)
      const typedData = { domain, types: PERSON, primaryType: 'Person', message: { name } } as const
      // biome-ignore lint/suspicious/noExplicitAny: viem's generic typed-data types
      const viem = viemHashTypedData(typedData as any)
      expect(bytesToHex0x(hashTypedData(typedData))).toBe(viem)
      expect(bytesToHex0x(hashTypedData(typedData))).toBe(viem)
    },
  )

  it('a number and a bigint of the same value, hex and bytes of the same salt give one separator', () => {
    const salt = `0x${'ab'.repeat(32)}` as const
    const a = bytesToHex0x(hashDomain({ name: 'm', chainId: 5, salt }))
    // the type says hex; bytes are taken at run time too (JavaScript callers) and must not make another separator
    const bytesSalt = hexToBytes(salt) as unknown as Hex
    expect(bytesToHex0x(hashDomain({ name: 'm', chainId: 5n, salt: bytesSalt }))).toBe(a)
    expect(bytesToHex0x(hashDomain({ name: 'm', chainId: 6, salt }))).not.toBe(a)
  })

  it('hands out a copy: changing the returned bytes changes no later answer', () => {
    const domain = { name: 'medseal', version: '1', salt: `0x${'11'.repeat(32)}` } as const
    const first = hashDomain(domain)
    const hex = bytesToHex0x(first)
    first.fill(0)
    expect(bytesToHex0x(hashDomain(domain))).toBe(hex)
    expect(bytesToHex0x(hashDomain(domain))).toBe(unremembered(domain))
  })

  it('stays right past its bound (more domains than it holds, then the first ones again)', () => {
    const made = Array.from({ length: 100 }, (_, i) => ({ name: `d${i}`, chainId: i + 1 }))
    const expected = made.map(unremembered)
    for (const round of [0, 1])
      for (const [i, d] of made.entries()) expect(bytesToHex0x(hashDomain(d)), `${round}`).toBe(expected[i])
  })

  it('a bad domain fails every time (nothing remembered)', () => {
    const bad = { name: 'm', verifyingContract: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD827' } // wrong checksum
    const unknown = { name: 'm', colour: 'red' } as unknown as TypedDataDomain
    for (let round = 0; round < 2; round++) {
      for (const [domain, code] of [
        [bad, 'INVALID_ARGUMENT'],
        [unknown, 'INVALID_ARGUMENT'],
        [{ name: 'm', chainId: 2 ** 60 }, 'OUT_OF_RANGE'],
      ] as const) {
        try {
          hashDomain(domain as TypedDataDomain)
          expect.unreachable()
        } catch (err) {
          expect(isSdkError(err, code)).toBe(true)
        }
      }
    }
  })
})

describe('the type hash memo', () => {
  it('stays right past its bound: 300 distinct struct types, twice, each ≡ viem', () => {
    const cases = Array.from({ length: 300 }, (_, i) => ({
      domain: { name: 'm' },
      types: { [`T${i}`]: [{ name: `f${i % 7}`, type: 'uint64' }] },
      primaryType: `T${i}`,
      message: { [`f${i % 7}`]: i },
    }))
    // biome-ignore lint/suspicious/noExplicitAny: viem's generic typed-data types
    const expected = cases.map((c) => viemHashTypedData(c as any))
    for (const round of [0, 1])
      for (const [i, c] of cases.entries()) expect(bytesToHex0x(hashTypedData(c)), `${round}`).toBe(expected[i])
  })

  it('two types of one name but other fields never share a hash', () => {
    const a = hashStruct({ types: { T: [{ name: 'x', type: 'uint8' }] }, primaryType: 'T', data: { x: 1 } })
    const b = hashStruct({ types: { T: [{ name: 'x', type: 'uint16' }] }, primaryType: 'T', data: { x: 1 } })
    expect(bytesToHex0x(a)).not.toBe(bytesToHex0x(b))
  })
})

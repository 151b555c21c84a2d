import { fc, test } from '@fast-check/vitest'
import { encodeAbiParameters, getAddress, keccak256 } from 'viem'
import { expect, it } from 'vitest'
import { bytesToHex0x } from '../bytes/index.js'
import type { Address, Hex } from '../types.js'
import { TOMBSTONE_KEYS_MAX, tombstoneKey } from './rules.js'

const reference = (c: Hex, owner: Address) =>
  keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'address' }], [c, owner]))
const commitment = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex0x(b) as Hex)
const owner = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => getAddress(bytesToHex0x(b)))

test.prop([commitment, owner, fc.boolean(), fc.boolean()])(
  'remembered or not, in any letter case, the key is keccak256(abi.encode(bytes32, address))',
  (c, o, upperC, lowerO) => {
    const cIn = (upperC ? `0x${c.slice(2).toUpperCase()}` : c) as Hex
    const oIn = (lowerO ? o.toLowerCase() : o) as Address
    expect(tombstoneKey(cIn, oIn)).toBe(reference(c, o)) // a miss
    expect(tombstoneKey(cIn, oIn)).toBe(reference(c, o)) // a hit
    expect(tombstoneKey(c, o)).toBe(reference(c, o))
  },
)

it('stays right past its bound (the first key again after TOMBSTONE_KEYS_MAX others)', () => {
  const o = getAddress(`0x${'ab'.repeat(20)}`)
  const c = (i: number) => `0x${i.toString(16).padStart(64, '0')}` as Hex
  const first = tombstoneKey(c(0), o)
  for (let i = 1; i <= TOMBSTONE_KEYS_MAX + 1; i++) tombstoneKey(c(i), o)
  expect(tombstoneKey(c(0), o)).toBe(first)
  expect(first).toBe(reference(c(0), o))
  expect(tombstoneKey(c(TOMBSTONE_KEYS_MAX), o)).toBe(reference(c(TOMBSTONE_KEYS_MAX), o))
})

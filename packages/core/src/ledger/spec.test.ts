import { encodeAbiParameters, keccak256 } from 'viem'
import { describe, expect, it } from 'vitest'
import spec from '../../../../docs/spec/consent.md?raw'
import { consentKey } from './consentKey.js'
import { anchorKey, tombstoneKey } from './rules.js'

/** docs/spec/consent.md §2.3: the worked examples of the ledger keys, checked against the code and viem. */
describe('docs/spec/consent.md §2.3 ledger keys', () => {
  const grantor = '0xFb338b3965EA92cF3561af0F4767A71dbB9c0552'
  const examples = {
    consent: '0xd4d0e352526a7d43b02212bbd78e6cc83ff292baf8852ee37283bf8a1c8d81bd',
    tombstone: '0x6d339851fa63530412cc6660b06968a9e26884e9afc36035815cb8f9cbceef97',
    anchor: '0x529b1cdfe4c85ddaddbfd4238cc511c621d83a47ad6fd3908ce2b988b124dba3',
  } as const

  it('states the worked examples', () => {
    expect(spec).toContain(grantor)
    for (const value of Object.values(examples)) expect(spec).toContain(value)
  })

  it('consentKey = keccak256(abi.encode(address grantor, bytes32 id))', () => {
    const id = `0x${'ab'.repeat(32)}` as const
    expect(consentKey(grantor, id)).toBe(examples.consent)
    expect(keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'bytes32' }], [grantor, id]))).toBe(
      examples.consent,
    )
  })

  it('tombstoneKey = keccak256(abi.encode(bytes32 commitment, address owner))', () => {
    const commitment = `0x${'33'.repeat(32)}` as const
    expect(tombstoneKey(commitment, grantor)).toBe(examples.tombstone)
    expect(keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'address' }], [commitment, grantor]))).toBe(
      examples.tombstone,
    )
  })

  it('anchorKey = keccak256(abi.encode(bytes32 root, uint64 treeSize, uint8 kindCode))', () => {
    expect(anchorKey({ root: new Uint8Array(32).fill(0x11), treeSize: 8, kind: 'records' })).toBe(examples.anchor)
    expect(
      keccak256(
        encodeAbiParameters(
          [{ type: 'bytes32' }, { type: 'uint64' }, { type: 'uint8' }],
          [`0x${'11'.repeat(32)}`, 8n, 1],
        ),
      ),
    ).toBe(examples.anchor)
  })
})

/**
 * The contract itself, called directly (no adapter): its EIP-712 hashing agrees with viem's and `@medseal/core`'s for
 * arbitrary consents (any UTF-8 strings, empty and long arrays), core-signed structures verify on chain, and any
 * single-byte change of a signature is refused.
 */
import { fc, test } from '@fast-check/vitest'
import {
  anchorKey,
  consentKey,
  consentTypes,
  createEvmDomain,
  createParty,
  type Hex,
  signConsent,
  signTombstone,
  signTreeHead,
} from '@medseal/core'
import { encodePacked, getAddress, hashStruct, hexToBytes, keccak256, toHex } from 'viem'
import { beforeAll, describe, expect } from 'vitest'
import { getRegistryErrorName } from './_errors.js'
import { useChainbed } from './_testSetup.js'
import { medsealRegistryAbi as abi } from './artifacts/MedsealRegistry.js'

const bed = useChainbed()
let address: Hex
beforeAll(async () => {
  address = await bed.deploy()
})

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toHex(b))
const addr = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => toHex(b))
const strings = fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }), { maxLength: 8 })
const chainConsentArb = fc.record({
  id: bytes32,
  grantor: addr,
  grantee: addr,
  parent: bytes32,
  resourceTypes: strings,
  commitments: fc.array(bytes32, { maxLength: 20 }),
  exclude: strings,
  actions: strings,
  purposes: strings,
  notBefore: fc.bigInt({ min: 0n, max: 2n ** 64n - 2n }),
  expiresAt: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  delegationDepth: fc.integer({ min: 0, max: 255 }),
})

describe('MedsealRegistry EIP-712 hashing', () => {
  test.prop([chainConsentArb], { numRuns: 40 })(
    'hashConsent on chain equals viem hashStruct for any consent (UTF-8 strings, arrays of any length)',
    async (c) => {
      const onChain = await bed.publicClient.readContract({ address, abi, functionName: 'hashConsent', args: [c] })
      expect(onChain).toBe(hashStruct({ types: consentTypes, primaryType: 'Consent', data: c }))
    },
  )
})

describe('MedsealRegistry keys (docs/spec/consent.md §2.3)', () => {
  test.prop([addr, bytes32, fc.integer({ min: 1, max: 2 ** 53 - 1 }), fc.integer({ min: 1, max: 3 })], {
    numRuns: 20,
  })('consentKey and anchorKey on chain equal core consentKey and anchorKey', async (grantor, h, size, code) => {
    const kind = (['records', 'export', 'events'] as const)[code - 1]!
    const onChainConsent = await bed.publicClient.readContract({
      address,
      abi,
      functionName: 'consentKey',
      args: [grantor, h],
    })
    expect(onChainConsent).toBe(consentKey(getAddress(grantor), h))
    const onChainAnchor = await bed.publicClient.readContract({
      address,
      abi,
      functionName: 'anchorKey',
      args: [h, BigInt(size), code],
    })
    expect(onChainAnchor).toBe(anchorKey({ root: hexToBytes(h), treeSize: size, kind }))
  })
})

describe('MedsealRegistry signature checks', () => {
  const patient = createParty({ seed: new Uint8Array(32).fill(3) })
  const clinician = createParty({ seed: new Uint8Array(32).fill(4) })
  const consentArb = fc.record({
    id: bytes32,
    resourceTypes: fc.subarray(['Observation', 'Condition', 'MedicationRequest', 'AllergyIntolerance'], {
      minLength: 1,
    }),
    commitments: fc.array(bytes32, { maxLength: 5 }),
    purposes: fc.subarray(['TREAT', 'ETREAT', 'HPAYMT', 'HRESCH'], { minLength: 1 }),
    notBefore: fc.integer({ min: 0, max: 2 ** 40 }),
    window: fc.integer({ min: 1, max: 2 ** 40 }),
    flip: fc.nat({ max: 64 }),
    bit: fc.integer({ min: 0, max: 7 }),
  })

  test.prop([consentArb], { numRuns: 25 })(
    'a core-signed consent verifies on chain; flipping any bit of its signature is refused',
    async (x) => {
      const domain = createEvmDomain({ chainId: 31337, verifyingContract: address })
      const signed = signConsent(patient, domain, {
        id: x.id,
        grantor: patient.address,
        grantee: clinician.address,
        parent: `0x${'00'.repeat(32)}`,
        resourceTypes: x.resourceTypes,
        commitments: x.commitments,
        exclude: [],
        actions: ['read'],
        purposes: x.purposes,
        notBefore: x.notBefore,
        expiresAt: x.notBefore + x.window,
        delegationDepth: 0,
      })
      const c = signed.consent
      const args = {
        ...c,
        resourceTypes: [...c.resourceTypes],
        commitments: [...c.commitments],
        exclude: [...c.exclude],
        actions: [...c.actions],
        purposes: [...c.purposes],
        notBefore: BigInt(c.notBefore),
        expiresAt: BigInt(c.expiresAt),
      }
      const call = (signature: Hex) =>
        bed.publicClient.simulateContract({
          address,
          abi,
          functionName: 'registerConsent',
          args: [args, signature],
          account: bed.wallet(0).account,
        })
      await call(signed.signature)
      const sig = hexToBytes(signed.signature)
      sig[x.flip] = (sig[x.flip] as number) ^ (1 << x.bit)
      const e = await call(toHex(sig)).then(
        () => undefined,
        (err: unknown) => err,
      )
      expect(getRegistryErrorName(e)).toBe('InvalidSignature')
    },
  )

  test.prop([bytes32, fc.integer({ min: 0, max: 2 ** 48 })], { numRuns: 15 })(
    'core-signed tombstones and tree heads verify on chain',
    async (h, size) => {
      const domain = createEvmDomain({ chainId: 31337, verifyingContract: address })
      const t = signTombstone(patient, domain, { commitment: h, owner: patient.address })
      await bed.publicClient.simulateContract({
        address,
        abi,
        functionName: 'recordTombstone',
        args: [{ ...t.tombstone }, t.signature],
        account: bed.wallet(0).account,
      })
      const nameHash = h
      const head = signTreeHead(patient, domain, {
        logId: keccak256(encodePacked(['address', 'bytes32'], [patient.address, nameHash])),
        operator: patient.address,
        nameHash,
        treeSize: size,
        root: h,
        timestamp: size,
      })
      await bed.publicClient.simulateContract({
        address,
        abi,
        functionName: 'recordTreeHead',
        args: [{ ...head.head, treeSize: BigInt(size), timestamp: BigInt(size) }, head.signature],
        account: bed.wallet(0).account,
      })
    },
  )
})

import { encodeAbiParameters, encodePacked, keccak256 } from 'viem'
import { describe, expect, it } from 'vitest'
import { computeLogId, computeLogNameHash } from '../accessLog/logId.js'
import { bytesToHex0x } from '../bytes/index.js'
import { createSaltedDomain, signConsent, signRevocation, signTombstone, signTreeHead } from '../eip712/structures.js'
import { createParty } from '../identity/createParty.js'
import type { Hex } from '../types.js'
import { consentKey } from './consentKey.js'
import {
  anchorKey,
  assertAnchorInput,
  assertHex32,
  assertLogIdOf,
  assertSameConsent,
  assertSameTreeHead,
  checkListedConsent,
  copyConsent,
  isLogIdOf,
  tombstoneKey,
  verifyConsentWrite,
  verifyRevocationWrite,
  verifyTombstoneWrite,
  verifyTreeHeadWrite,
} from './rules.js'

const seed = (n: number) => Uint8Array.from({ length: 32 }, (_, i) => (n * 31 + i * 7 + 1) & 0xff)
const alice = createParty({ seed: seed(1) })
const mallory = createParty({ seed: seed(2) })
const domain = createSaltedDomain('memory:rules')
const root = new Uint8Array(32).fill(7)
const h32 = (b: number): Hex => `0x${b.toString(16).padStart(2, '0').repeat(32)}`

const consent = {
  id: h32(1),
  grantor: alice.address,
  grantee: mallory.address,
  parent: h32(0),
  resourceTypes: ['Observation'],
  commitments: [],
  exclude: [],
  actions: ['read' as const],
  purposes: ['TREAT'],
  notBefore: 1_700_000_000,
  expiresAt: 1_800_000_000,
  delegationDepth: 0,
}

describe('ledger rules', () => {
  it('anchorKey is keccak256(abi.encode(bytes32, uint64, uint8)) and differs per treeSize and kind', () => {
    const expected = keccak256(
      encodeAbiParameters([{ type: 'bytes32' }, { type: 'uint64' }, { type: 'uint8' }], [bytesToHex0x(root), 5n, 3]),
    )
    expect(anchorKey({ root, treeSize: 5, kind: 'events' })).toBe(expected)
    expect(anchorKey({ root, treeSize: 5, kind: 'records' })).not.toBe(expected)
    expect(anchorKey({ root, treeSize: 6, kind: 'events' })).not.toBe(expected)
  })

  it('copyConsent copies the known fields and their lists, and drops unknown fields', () => {
    const given = { ...consent, commitments: [h32(9)], extra: 'dropped' }
    const copy = copyConsent(given)
    expect(copy).toEqual({ ...consent, commitments: [h32(9)] })
    expect('extra' in copy).toBe(false)
    for (const k of ['resourceTypes', 'commitments', 'exclude', 'actions', 'purposes'] as const)
      expect(copy[k]).not.toBe(given[k])
  })

  it('assertAnchorInput copies and rejects bad inputs', () => {
    const input = assertAnchorInput({ root, treeSize: 1, kind: 'records', extra: 1 })
    expect(input).toEqual({ root, treeSize: 1, kind: 'records' })
    expect(input.root).not.toBe(root)
    expect(() => assertAnchorInput({ root, treeSize: 0, kind: 'records' })).toThrow(/treeSize/)
    expect(() => assertAnchorInput({ root, treeSize: 1, kind: 'other' })).toThrow(/kind/)
    expect(() => assertAnchorInput(null)).toThrow(/object/)
  })

  it('tombstoneKey is keccak256(abi.encode(bytes32, address)) and differs per owner', () => {
    const c = h32(9)
    expect(tombstoneKey(c, alice.address)).toBe(
      keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'address' }], [c, alice.address])),
    )
    expect(tombstoneKey(c, alice.address)).not.toBe(tombstoneKey(c, mallory.address))
  })

  it('review #2: the log id must be keccak256(operator ‖ nameHash) of the head itself', () => {
    const nameHash = computeLogNameHash('a/log')
    expect(nameHash).toBe(keccak256(new TextEncoder().encode('a/log')))
    const logId = computeLogId(alice.address, 'a/log')
    expect(logId).toBe(keccak256(encodePacked(['address', 'bytes32'], [alice.address, nameHash])))
    expect(isLogIdOf({ logId, operator: alice.address, nameHash })).toBe(true)
    expect(isLogIdOf({ logId, operator: mallory.address, nameHash })).toBe(false)
    expect(isLogIdOf({ logId, operator: alice.address, nameHash: computeLogNameHash('b') })).toBe(false)
    expect(isLogIdOf({ logId: 'nope', operator: alice.address, nameHash } as never)).toBe(false)
    expect(() => assertLogIdOf({ logId, operator: mallory.address, nameHash })).toThrow(
      expect.objectContaining({ name: 'LedgerError', code: 'LEDGER_REJECTED' }),
    )
    const head = { logId, operator: mallory.address, nameHash, treeSize: 1, root: h32(3), timestamp: 1 }
    expect(() => verifyTreeHeadWrite(domain, signTreeHead(mallory, domain, head))).toThrow(
      expect.objectContaining({ code: 'LEDGER_REJECTED' }),
    )
    const own = { ...head, operator: alice.address }
    const value = verifyTreeHeadWrite(domain, signTreeHead(alice, domain, own))
    expect(value.head).toEqual({ ...own, logId: logId.toLowerCase() })
    expect(assertSameTreeHead(value.head, own)).toBe(true)
    expect(() => assertSameTreeHead(value.head, { ...own, root: h32(4) })).toThrow(
      expect.objectContaining({ code: 'LEDGER_CONFLICT' }),
    )
  })

  it('verifyConsentWrite keys by (grantor, id); assertSameConsent refuses other content', () => {
    const signed = signConsent(alice, domain, consent)
    const checked = verifyConsentWrite(domain, {
      ...signed,
      signature: `0x${signed.signature.slice(2).toUpperCase()}` as Hex,
    })
    expect(checked.key).toBe(consentKey(alice.address, consent.id))
    expect(checked.signed.signature).toBe(signed.signature.toLowerCase())
    expect(assertSameConsent(checked.signed.consent, consent)).toBe(true)
    expect(() => assertSameConsent(checked.signed.consent, { ...consent, expiresAt: 1_900_000_000 })).toThrow(
      expect.objectContaining({ code: 'CONSENT_REPLAYED' }),
    )
  })

  it('verifyRevocationWrite and verifyTombstoneWrite return the keys of their signers', () => {
    const r = verifyRevocationWrite(
      domain,
      signRevocation(alice, domain, { consentId: h32(1), grantor: alice.address }),
    )
    expect(r.key).toBe(consentKey(alice.address, h32(1)))
    const t = verifyTombstoneWrite(domain, signTombstone(alice, domain, { commitment: h32(5), owner: alice.address }))
    expect(t.key).toBe(tombstoneKey(h32(5), alice.address))
  })

  it('checkListedConsent reports instead of throwing', () => {
    const signed = signConsent(alice, domain, consent)
    const ok = checkListedConsent(domain, signed, consentKey(alice.address, consent.id))
    expect(ok.ok).toBe(true)
    expect(checkListedConsent(domain, signed, consentKey(mallory.address, consent.id))).toEqual({
      ok: false,
      code: 'LEDGER_MISMATCH',
    })
    expect(checkListedConsent(createSaltedDomain('memory:other'), signed)).toEqual({
      ok: false,
      code: 'CONSENT_SIGNATURE_INVALID',
    })
    expect(checkListedConsent(domain, { ...signed, consent: { ...consent, actions: ['fly'] } } as never)).toEqual({
      ok: false,
      code: 'CONSENT_MALFORMED',
    })
  })

  it('assertHex32 lower-cases and names the argument', () => {
    expect(assertHex32(`0x${'AB'.repeat(32)}`, 'x')).toBe(`0x${'ab'.repeat(32)}`)
    expect(() => assertHex32(1, 'x')).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }))
    expect(() => assertHex32('0x12', 'x')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })
})

/** COSE receipts in Chromium: made and verified by medseal, and verified by cbor-x + noble (no medseal code). */
import { describe, expect, it } from 'vitest'
import type { Receipt } from '../anchor/receipt.js'
import { bytesToHex0x } from '../bytes/index.js'
import { createParty } from '../identity/createParty.js'
import { leafHash } from '../merkle/hash.js'
import { buildMerkleBatch, consistencyProof, merkleRoot } from '../merkle/tree.js'
import { independentVerify, independentVerifySignature } from './_testIndependentVerifier.js'
import { createCoseConsistencyReceipt } from './createCoseConsistencyReceipt.js'
import { createCoseReceipt } from './createCoseReceipt.js'
import { verifyCoseConsistencyReceipt } from './verifyCoseConsistencyReceipt.js'
import { verifyCoseReceipt } from './verifyCoseReceipt.js'

describe('COSE receipts in the browser', () => {
  it('inclusion: medseal and cbor-x + noble agree; a wrong entry fails both', () => {
    expect(typeof window).toBe('object')
    const party = createParty()
    const leaves = Array.from({ length: 11 }, (_, i) => new Uint8Array(32).fill(i + 1))
    const batch = buildMerkleBatch(leaves.map(leafHash))
    for (let i = 0; i < leaves.length; i++) {
      const receipt: Receipt = {
        v: 2,
        kind: 'records',
        commitment: bytesToHex0x(leaves[i] as Uint8Array),
        leafIndex: i,
        treeSize: leaves.length,
        root: bytesToHex0x(batch.root),
        proof: (batch.proofs[i] as Uint8Array[]).map(bytesToHex0x),
        ledger: { ledger: 'memory:browser', tx: 'memory:1', block: 1, timestamp: 1_700_000_000 },
      }
      const cose = createCoseReceipt({ party, receipt })
      expect(verifyCoseReceipt({ receipt: cose, commitment: leaves[i] as Uint8Array, signer: party }).receipt).toEqual(
        receipt,
      )
      expect(bytesToHex0x(independentVerify(cose, leaves[i] as Uint8Array, party.signingPublicKey).root)).toBe(
        receipt.root,
      )
      expect(() => independentVerify(cose, new Uint8Array(32), party.signingPublicKey)).toThrow()
      expect(() => verifyCoseReceipt({ receipt: cose, commitment: new Uint8Array(32), signer: party })).toThrow(
        expect.objectContaining({ code: 'COSE_SIGNATURE_INVALID' }),
      )
    }
  })

  it('consistency: verifies in medseal; the signature checks with cbor-x + noble', () => {
    const party = createParty()
    const data = Array.from({ length: 9 }, (_, i) => new Uint8Array([i]))
    const newRoot = merkleRoot(data)
    const cose = createCoseConsistencyReceipt({
      party,
      oldSize: 6,
      newSize: 9,
      newRoot,
      proof: consistencyProof(data, 6),
      subject: 'log:browser',
      issuedAt: 1_700_000_000,
    })
    const out = verifyCoseConsistencyReceipt({
      receipt: cose,
      oldSize: 6,
      oldRoot: merkleRoot(data.slice(0, 6)),
      signer: party,
    })
    expect(out.newRoot).toBe(bytesToHex0x(newRoot))
    expect(independentVerifySignature(cose, newRoot, party.signingPublicKey)).toBe(true)
  })
})

/**
 * COSE receipts (RFC 9942): make and verify per second, beside the JSON receipt of the same record (decode + RFC 9162
 * inclusion check, and verifyReceipt with its memory-ledger read) and cbor-x + noble verifying the same bytes.
 */
import { defineBench } from '../../../../scripts/bench/harness.js'
import { createAnchorer } from '../anchor/createAnchorer.js'
import { decodeReceipt, encodeReceipt } from '../anchor/receipt.js'
import { verifyReceipt } from '../anchor/verifyReceipt.js'
import { hexToBytes, randomBytes } from '../bytes/index.js'
import { createParty } from '../identity/createParty.js'
import type { LedgerAdapter } from '../ledger/types.js'
import { _leafHash } from '../merkle/hash.js'
import { consistencyProof, merkleRoot } from '../merkle/tree.js'
import { verifyInclusion } from '../merkle/verify.js'
import { independentVerify } from './_testIndependentVerifier.js'
import { createCoseConsistencyReceipt } from './createCoseConsistencyReceipt.js'
import { createCoseReceipt } from './createCoseReceipt.js'
import { verifyCoseConsistencyReceipt } from './verifyCoseConsistencyReceipt.js'
import { verifyCoseReceipt } from './verifyCoseReceipt.js'

/** The memory adapter's sources, loaded at run time (core cannot depend on the adapter, which depends on core). */
const memoryAdapterPath = '../../../adapters/memory/src/index.js'

defineBench('cose receipts', async (ctx) => {
  const { createMemoryLedger } = (await import(memoryAdapterPath)) as {
    createMemoryLedger(params: { id: string; now: () => number }): LedgerAdapter
  }
  const party = createParty({ seed: new Uint8Array(32).fill(5) })
  const ledger = createMemoryLedger({ id: 'bench-cose', now: () => 1_700_000_000 })
  const anchorer = createAnchorer(ledger, { maxBatchSize: 1024, maxDelayMs: 3_600_000 })
  const commitments = Array.from({ length: 1024 }, () => randomBytes(32))
  const receipts = await Promise.all(commitments.map((c) => anchorer.add(c)))
  await anchorer.close()
  const coses = receipts.map((receipt) => createCoseReceipt({ party, receipt }))
  const texts = receipts.map((r) => encodeReceipt(r))
  let i = 0
  const next = () => {
    i = (i + 617) % 1024
    return i
  }

  await ctx.ops('createCoseReceipt (batch of 1,024: 10-node path)', () => {
    const k = next()
    return createCoseReceipt({ party, receipt: receipts[k]! })
  })
  await ctx.ops('verifyCoseReceipt (offline: CBOR decode, RFC 9162 root, ES256K verify)', () => {
    const k = next()
    return verifyCoseReceipt({ receipt: coses[k]!, commitment: commitments[k]!, signer: party })
  })
  await ctx.ops(
    'cbor-x + noble verifying the same COSE receipt (test-only verifier)',
    () => {
      const k = next()
      return independentVerify(coses[k]!, commitments[k]!, party.signingPublicKey)
    },
    { peer: 'verifyCoseReceipt' },
  )
  await ctx.ops(
    'JSON receipt offline: decodeReceipt + RFC 9162 inclusion (no signature)',
    () => {
      const k = next()
      const r = decodeReceipt(texts[k]!)
      return verifyInclusion(
        _leafHash(commitments[k]!),
        r.leafIndex,
        r.treeSize,
        r.proof.map(hexToBytes),
        hexToBytes(r.root),
      )
    },
    { peer: 'verifyCoseReceipt' },
  )
  await ctx.ops(
    'JSON receipt: verifyReceipt (memory ledger read)',
    () => {
      const k = next()
      return verifyReceipt(ledger, { receipt: texts[k]!, commitment: commitments[k]! })
    },
    { peer: 'verifyCoseReceipt' },
  )

  const data = Array.from({ length: 1024 }, (_, k) => new Uint8Array([k & 255, k >> 8]))
  const oldRoot = merkleRoot(data.slice(0, 700))
  const consistency = createCoseConsistencyReceipt({
    party,
    oldSize: 700,
    newSize: 1024,
    newRoot: merkleRoot(data),
    proof: consistencyProof(data, 700),
    subject: 'log:bench',
    issuedAt: 1_700_000_000,
  })
  await ctx.ops('verifyCoseConsistencyReceipt (700 -> 1,024 leaves)', () =>
    verifyCoseConsistencyReceipt({ receipt: consistency, oldSize: 700, oldRoot, signer: party }),
  )
})

import { fc, test } from '@fast-check/vitest'
import { createMemoryLedger } from '@medseal/adapter-memory'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { createAnchorer } from '../anchor/createAnchorer.js'
import type { Receipt } from '../anchor/receipt.js'
import { verifyReceipt } from '../anchor/verifyReceipt.js'
import { bytesToHex0x, hexToBytes } from '../bytes/index.js'
import { createParty } from '../identity/createParty.js'
import type { LedgerAdapter } from '../ledger/types.js'
import { leafHash } from '../merkle/hash.js'
import { buildMerkleBatch, consistencyProof, merkleRoot } from '../merkle/tree.js'
import { cborEncode, Tagged } from './_cbor.js'
import { signSign1 } from './_sign1.js'
import {
  decodeWithCborX,
  independentVerify,
  independentVerifySignature,
  rfc9162Root,
} from './_testIndependentVerifier.js'
import { COSE_RECEIPT as C } from './coseReceiptHeaders.js'
import { createCoseConsistencyReceipt } from './createCoseConsistencyReceipt.js'
import { createCoseReceipt } from './createCoseReceipt.js'
import { verifyCoseConsistencyReceipt } from './verifyCoseConsistencyReceipt.js'
import { verifyCoseReceipt } from './verifyCoseReceipt.js'

const anchoring = createParty({ seed: new Uint8Array(32).fill(7) })
const stranger = createParty({ seed: new Uint8Array(32).fill(8) })
const cs = [0x11, 0x22, 0x33].map((b) => new Uint8Array(32).fill(b))

async function anchored() {
  const ledger = createMemoryLedger({ id: 'demo', now: () => 1_700_000_000 }) as unknown as LedgerAdapter
  const anchorer = createAnchorer(ledger, { maxBatchSize: 3 })
  const receipts = await Promise.all(cs.map((c) => anchorer.add(c)))
  await anchorer.close()
  return { ledger, receipts }
}

const code = (fn: () => unknown): string => {
  try {
    fn()
  } catch (e) {
    return `${(e as { name: string }).name}:${(e as { code: string }).code}`
  }
  return 'no error'
}

/** A receipt signed by `party` over `root` with the headers given (to build every kind of bad receipt). */
function craft(opts: {
  party?: typeof anchoring
  root: Uint8Array
  protectedHeader?: Map<unknown, unknown>
  inclusion?: unknown[]
  proofs?: unknown
}) {
  const party = opts.party ?? anchoring
  const protectedHeader =
    opts.protectedHeader ??
    new Map<unknown, unknown>([
      [C.alg, C.algES256K],
      [
        C.cwtClaims,
        new Map<number, unknown>([
          [1, party.did],
          [2, 'memory:demo'],
          [6, 1_700_000_000],
        ]),
      ],
      [C.vds, 1],
      [
        C.medsealAnchor,
        new Map<string, unknown>([
          ['block', 1],
          ['kind', 'records'],
          ['treeSize', 3],
          ['tx', 'memory:1'],
        ]),
      ],
    ])
  const proofs = opts.proofs ?? [cborEncode(opts.inclusion ?? [])]
  return signSign1(party, protectedHeader, new Map([[C.vdp, new Map([[C.inclusionProofs, proofs]])]]), opts.root)
}

describe('COSE receipts of inclusion (RFC 9942)', () => {
  it('every record of an anchored batch gets one; it verifies, converts back to its JSON receipt and on the ledger', async () => {
    const { ledger, receipts } = await anchored()
    for (const [i, r] of receipts.entries()) {
      const cose = createCoseReceipt({ party: anchoring, receipt: r })
      expect(createCoseReceipt({ party: anchoring, receipt: r })).toEqual(cose) // deterministic
      const out = verifyCoseReceipt({ receipt: cose, commitment: cs[i] as Uint8Array, signer: anchoring.toPublic() })
      expect(out).toMatchObject({ root: r.root, treeSize: 3, leafIndex: i, issuer: anchoring.did })
      expect(out.receipt).toEqual(r)
      await verifyReceipt(ledger, { receipt: out.receipt, commitment: cs[i] as Uint8Array })
      // the signer may be given as its public key (compressed or not)
      verifyCoseReceipt({
        receipt: cose,
        commitment: bytesToHex0x(cs[i] as Uint8Array),
        signer: anchoring.signingPublicKey,
      })
    }
  })

  it('decodes and verifies with cbor-x and noble alone (no medseal code), with RFC 8949 deterministic headers', async () => {
    const { receipts } = await anchored()
    for (const [i, r] of receipts.entries()) {
      const cose = createCoseReceipt({ party: anchoring, receipt: r })
      const out = independentVerify(cose, cs[i] as Uint8Array, anchoring.signingPublicKey)
      expect(bytesToHex0x(out.root)).toBe(r.root)
      expect([out.treeSize, out.leafIndex]).toEqual([3, i])
      // core deterministic order: keys sorted by their encoded bytes (0x01 < 0x0f < 0x19018b < 0x6e…)
      expect(out.headerKeys).toEqual([1, 15, 395, 'medseal-anchor'])
      const claims = out.header.get(15) as Map<number, unknown>
      expect([...claims.entries()]).toEqual([
        [1, anchoring.did],
        [2, 'memory:demo'],
        [6, 1_700_000_000],
      ])
      expect(Object.fromEntries(out.header.get('medseal-anchor') as Map<string, unknown>)).toEqual({
        block: 1,
        kind: 'records',
        treeSize: 3,
        tx: 'memory:1',
      })
      expect(() => independentVerify(cose, new Uint8Array(32).fill(0x44), anchoring.signingPublicKey)).toThrow()
    }
  })

  it('verifies with @transmute/cose (an independent RFC 9942 implementation computes the root)', async () => {
    const transmute = await import('@transmute/cose')
    const { receipts } = await anchored()
    for (const [i, r] of receipts.entries()) {
      const cose = createCoseReceipt({ party: anchoring, receipt: r })
      let seenRoot: Uint8Array | undefined
      const verified = await transmute.receipt.inclusion.verify({
        // transmute's `entry` is the RFC 9162 leaf hash HASH(0x00 || entry) (its receipt.leaf computes it from a
        // statement); ours is the commitment, hashed here with noble, not medseal.
        entry: sha256(new Uint8Array([0, ...(cs[i] as Uint8Array)])) as never,
        receipt: cose as never,
        verifier: {
          // transmute checks the tag, vds and proof and recomputes the root; the ES256K signature (secp256k1 is
          // not in WebCrypto) is checked over that root by cbor-x + noble.
          verify: async ({ payload }: { payload: Uint8Array }) => {
            seenRoot = new Uint8Array(payload)
            if (!independentVerifySignature(cose, seenRoot, anchoring.signingPublicKey))
              throw new Error('bad signature')
            return payload
          },
        } as never,
      })
      expect(verified).toBeDefined()
      expect(seenRoot && bytesToHex0x(seenRoot)).toBe(r.root)
    }
  })

  test.prop([fc.integer({ min: 1, max: 70 }), fc.nat(), fc.nat({ max: 10_000 })], { numRuns: 25 })(
    'any leaf of any tree: verifies in medseal and independently; any flipped byte fails',
    (n, k, flip) => {
      const leaves = Array.from({ length: n }, (_, i) => new Uint8Array(32).fill(i + 1))
      const batch = buildMerkleBatch(leaves.map(leafHash))
      const i = k % n
      const receipt: Receipt = {
        v: 2,
        kind: 'export',
        commitment: bytesToHex0x(leaves[i] as Uint8Array),
        leafIndex: i,
        treeSize: n,
        root: bytesToHex0x(batch.root),
        proof: (batch.proofs[i] as Uint8Array[]).map(bytesToHex0x),
        ledger: { ledger: 'memory:demo', tx: 'memory:9', block: 9, timestamp: 1_700_000_009 },
      }
      const cose = createCoseReceipt({ party: anchoring, receipt })
      expect(
        verifyCoseReceipt({ receipt: cose, commitment: leaves[i] as Uint8Array, signer: anchoring }).receipt,
      ).toEqual(receipt)
      independentVerify(cose, leaves[i] as Uint8Array, anchoring.signingPublicKey)
      const bad = cose.slice()
      const at = flip % bad.length
      bad[at] = (bad[at] as number) ^ 0x01
      expect(
        code(() => verifyCoseReceipt({ receipt: bad, commitment: leaves[i] as Uint8Array, signer: anchoring })),
      ).toMatch(
        /^VerificationError:(COSE_MALFORMED|COSE_UNSUPPORTED|COSE_SIGNATURE_INVALID|COSE_ISSUER_MISMATCH|PROOF_INVALID)$/,
      )
    },
  )

  it('a version-1 receipt takes its kind from the caller', async () => {
    const { receipts } = await anchored()
    const { kind: _kind, ...body } = receipts[0] as Receipt & { kind: string }
    const cose = createCoseReceipt({ party: anchoring, receipt: { ...body, v: 1 }, kind: 'events' })
    expect(verifyCoseReceipt({ receipt: cose, commitment: cs[0] as Uint8Array, signer: anchoring }).receipt.kind).toBe(
      'events',
    )
    expect(code(() => createCoseReceipt({ party: anchoring, receipt: receipts[0] as Receipt, kind: 'events' }))).toBe(
      'InvalidArgumentError:INVALID_ARGUMENT',
    )
    expect(code(() => createCoseReceipt({ party: {} as never, receipt: receipts[0] as Receipt }))).toBe(
      'InvalidArgumentError:INVALID_TYPE',
    )
    expect(code(() => createCoseReceipt({ party: anchoring, receipt: { v: 9 } as never }))).toBe(
      'VerificationError:UNSUPPORTED_VERSION',
    )
  })

  it('every named error', async () => {
    const { receipts } = await anchored()
    const r = receipts[2] as Receipt
    const root = hexToBytes(r.root)
    const good = createCoseReceipt({ party: anchoring, receipt: r })
    const commitment = cs[2] as Uint8Array
    const verify = (receipt: unknown, c: unknown = commitment, signer: unknown = anchoring) =>
      code(() => verifyCoseReceipt({ receipt, commitment: c, signer } as never))
    const inclusion = [3, 2, r.proof.map((p) => hexToBytes(p))]

    // COSE_MALFORMED
    expect(verify(new Uint8Array([0xff, 0x00]))).toBe('VerificationError:COSE_MALFORMED')
    expect(verify(cborEncode([1, 2, 3, 4]))).toBe('VerificationError:COSE_MALFORMED') // untagged
    expect(verify(cborEncode(new Tagged(18, [new Uint8Array(0), new Map(), null, new Uint8Array(64)])))).toBe(
      'VerificationError:COSE_MALFORMED',
    )
    const attached = decodeWithCborX(good) as { value: unknown[] }
    expect(verify(cborEncode(new Tagged(18, [attached.value[0], attached.value[1], root, attached.value[3]])))).toBe(
      'VerificationError:COSE_MALFORMED',
    ) // attached payload
    expect(verify(craft({ root, inclusion: [3, 2, [new Uint8Array(31)]] }))).toBe('VerificationError:COSE_MALFORMED')
    expect(verify(craft({ root, inclusion: [3, -1, []] }))).toBe('VerificationError:COSE_MALFORMED')
    expect(verify(craft({ root, proofs: [] }))).toBe('VerificationError:COSE_MALFORMED')
    expect(
      verify(
        craft({
          root,
          inclusion,
          protectedHeader: new Map<unknown, unknown>([
            [1, -47],
            [395, 1],
          ]),
        }),
      ),
    ).toBe('VerificationError:COSE_MALFORMED') // no medseal claims
    expect(verify(new Uint8Array(70_000))).toBe('VerificationError:COSE_MALFORMED')
    // COSE_UNSUPPORTED
    const header = (alg: number, vds: number, extra: [unknown, unknown][] = []) =>
      new Map<unknown, unknown>([[1, alg], [395, vds], ...extra])
    expect(verify(craft({ root, inclusion, protectedHeader: header(-7, 1) }))).toBe(
      'VerificationError:COSE_UNSUPPORTED',
    )
    expect(verify(craft({ root, inclusion, protectedHeader: header(-47, 2) }))).toBe(
      'VerificationError:COSE_UNSUPPORTED',
    )
    expect(verify(craft({ root, inclusion, protectedHeader: header(-47, 1, [[2, [99]]]) }))).toBe(
      'VerificationError:COSE_UNSUPPORTED',
    )
    expect(verify(craft({ root, proofs: [cborEncode(inclusion), cborEncode(inclusion)] }))).toBe(
      'VerificationError:COSE_UNSUPPORTED',
    )
    // PROOF_INVALID: the path does not fit the index and size
    expect(verify(craft({ root, inclusion: [3, 3, []] }))).toBe('VerificationError:PROOF_INVALID')
    // a size other than the signed one: leaf 2's path of the 3-leaf tree also fits a 4-leaf tree (RFC 9162 roots do
    // not commit to their size), so the size is bound in the protected header
    const path0 = (receipts[0] as Receipt).proof.map((p) => hexToBytes(p))
    expect(rfc9162Root(cs[0] as Uint8Array, 0, 4, path0)).toEqual(root)
    expect(verify(craft({ root, inclusion: [3, 0, path0] }), cs[0])).toBe('no error')
    expect(verify(craft({ root, inclusion: [4, 0, path0] }), cs[0])).toBe('VerificationError:PROOF_INVALID')
    expect(verify(craft({ root, inclusion: [3, 2, []] }))).toBe('VerificationError:PROOF_INVALID')
    // COSE_SIGNATURE_INVALID: another entry, another signer, another root signed
    expect(verify(good, new Uint8Array(32).fill(0x44))).toBe('VerificationError:COSE_SIGNATURE_INVALID')
    expect(verify(good, commitment, stranger.toPublic())).toBe('VerificationError:COSE_SIGNATURE_INVALID')
    expect(verify(craft({ root: new Uint8Array(32), inclusion }))).toBe('VerificationError:COSE_SIGNATURE_INVALID')
    // COSE_ISSUER_MISMATCH: signed by the anchoring party, but claims to be the stranger
    const lying = new Map<unknown, unknown>([
      [1, -47],
      [
        15,
        new Map<number, unknown>([
          [1, stranger.did],
          [2, 'memory:demo'],
          [6, 1_700_000_000],
        ]),
      ],
      [395, 1],
      [
        'medseal-anchor',
        new Map<string, unknown>([
          ['block', 1],
          ['kind', 'records'],
          ['treeSize', 3],
          ['tx', 'memory:1'],
        ]),
      ],
    ])
    expect(verify(craft({ root, inclusion, protectedHeader: lying }))).toBe('VerificationError:COSE_ISSUER_MISMATCH')
    // invalid arguments
    expect(verify('x')).toBe('InvalidArgumentError:INVALID_TYPE')
    expect(verify(good, new Uint8Array(31))).toBe('InvalidArgumentError:INVALID_TYPE')
    expect(verify(good, commitment, new Uint8Array(33))).toBe('InvalidArgumentError:INVALID_KEY')
    expect(verify(good, commitment, 'signer')).toBe('InvalidArgumentError:INVALID_TYPE')
    expect(code(() => verifyCoseReceipt(null as never))).toBe('InvalidArgumentError:INVALID_TYPE')
    // the crafted receipt with the medseal headers is itself valid (so the failures above are the changes)
    expect(verify(craft({ root, inclusion }))).toBe('no error')
  })
})

describe('COSE receipts of consistency (RFC 9942)', () => {
  const data = Array.from({ length: 13 }, (_, i) => new Uint8Array([i]))
  const make = (m: number, n: number) =>
    createCoseConsistencyReceipt({
      party: anchoring,
      oldSize: m,
      newSize: n,
      newRoot: merkleRoot(data.slice(0, n)),
      proof: consistencyProof(data.slice(0, n), m),
      subject: 'log:demo',
      issuedAt: 1_700_000_100,
    })

  it('proves every (old, new) pair, in medseal and with cbor-x + noble over the recomputed root', () => {
    for (let n = 1; n <= data.length; n++) {
      for (let m = 1; m <= n; m++) {
        const cose = make(m, n)
        const oldRoot = merkleRoot(data.slice(0, m))
        const out = verifyCoseConsistencyReceipt({ receipt: cose, oldSize: m, oldRoot, signer: anchoring })
        expect(out).toEqual({
          oldSize: m,
          newSize: n,
          newRoot: bytesToHex0x(merkleRoot(data.slice(0, n))),
          issuer: anchoring.did,
          subject: 'log:demo',
          issuedAt: 1_700_000_100,
        })
        expect(independentVerifySignature(cose, merkleRoot(data.slice(0, n)), anchoring.signingPublicKey)).toBe(true)
        const vdp = (decodeWithCborX(cose) as { value: [unknown, Map<number, Map<number, Uint8Array[]>>] }).value[1]
        expect((decodeWithCborX(vdp.get(396)?.get(-2)?.[0] as Uint8Array) as unknown[]).slice(0, 2)).toEqual([m, n])
      }
    }
  })

  it('PROOF_INVALID for another old head; COSE_SIGNATURE_INVALID for another signer; bad arguments', () => {
    const cose = make(5, 13)
    const oldRoot = merkleRoot(data.slice(0, 5))
    const v = (p: Record<string, unknown>) =>
      code(() => verifyCoseConsistencyReceipt({ receipt: cose, oldSize: 5, oldRoot, signer: anchoring, ...p } as never))
    expect(v({})).toBe('no error')
    expect(v({ oldRoot: merkleRoot(data.slice(0, 4)) })).toBe('VerificationError:PROOF_INVALID')
    expect(v({ oldSize: 4, oldRoot: merkleRoot(data.slice(0, 4)) })).toBe('VerificationError:PROOF_INVALID')
    expect(v({ signer: stranger })).toBe('VerificationError:COSE_SIGNATURE_INVALID')
    expect(v({ receipt: createCoseReceipt })).toBe('InvalidArgumentError:INVALID_TYPE')
    // the sizes in the unprotected proof must be the signed ones
    const vdp = (m: number, n: number) =>
      new Map([[C.vdp, new Map([[C.consistencyProofs, [cborEncode([m, n, consistencyProof(data.slice(0, 13), 5)])]]])]])
    const protectedOf = (sizes: unknown) =>
      new Map<unknown, unknown>([
        [1, -47],
        [
          15,
          new Map<number, unknown>([
            [1, anchoring.did],
            [2, 'log:demo'],
            [6, 1],
          ]),
        ],
        [395, 1],
        ...(sizes === undefined ? [] : [['medseal-tree-sizes', sizes] as [string, unknown]]),
      ])
    const newRoot = merkleRoot(data)
    expect(v({ receipt: signSign1(anchoring, protectedOf([5, 13]), vdp(5, 13), newRoot) })).toBe('no error')
    expect(v({ receipt: signSign1(anchoring, protectedOf([5, 12]), vdp(5, 13), newRoot) })).toBe(
      'VerificationError:PROOF_INVALID',
    )
    expect(v({ receipt: signSign1(anchoring, protectedOf(undefined), vdp(5, 13), newRoot) })).toBe(
      'VerificationError:COSE_MALFORMED',
    )
    expect(v({ oldSize: 0 })).toBe('InvalidArgumentError:INVALID_TYPE')
    expect(v({ oldRoot: new Uint8Array(3) })).toBe('InvalidArgumentError:INVALID_TYPE')
    // an inclusion receipt is not a consistency receipt
    expect(v({ receipt: craft({ root: oldRoot, inclusion: [1, 0, []] }) })).toBe('VerificationError:COSE_MALFORMED')
    const make2 = (p: Record<string, unknown>) =>
      code(() =>
        createCoseConsistencyReceipt({
          party: anchoring,
          oldSize: 1,
          newSize: 2,
          newRoot: oldRoot,
          proof: [],
          subject: 's',
          issuedAt: 0,
          ...p,
        } as never),
      )
    expect(make2({})).toBe('no error')
    expect(make2({ oldSize: 3 })).toBe('InvalidArgumentError:OUT_OF_RANGE')
    expect(make2({ newRoot: new Uint8Array(1) })).toBe('InvalidArgumentError:INVALID_TYPE')
    expect(make2({ proof: [new Uint8Array(1)] })).toBe('InvalidArgumentError:INVALID_TYPE')
    expect(make2({ subject: '' })).toBe('InvalidArgumentError:INVALID_TYPE')
    expect(make2({ issuedAt: -1 })).toBe('InvalidArgumentError:OUT_OF_RANGE')
    expect(make2({ party: null })).toBe('InvalidArgumentError:INVALID_TYPE')
  })
})

describe('docs/spec/cose-receipt.md worked example', () => {
  it('is the COSE receipt of receipt.md §5 by the party with seed 0x01…01, and verifies', async () => {
    const spec = (await import('../../../../docs/spec/cose-receipt.md?raw')).default
    const receiptSpec = (await import('../../../../docs/spec/receipt.md?raw')).default
    const { decodeReceipt } = await import('../anchor/receipt.js')
    const { bytesToHex } = await import('../bytes/index.js')
    const party = createParty({ seed: new Uint8Array(32).fill(1) })
    const json = [...receiptSpec.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => decodeReceipt(m[1] as string))
    const receipt = json.find((r) => r.v === 2) as Receipt
    const cose = createCoseReceipt({ party, receipt })
    const printed = spec.match(/The receipt, (\d+) bytes:\n\n```\n([0-9a-f]+)\n```/)
    expect(printed?.[2]).toBe(bytesToHex(cose))
    expect(Number(printed?.[1])).toBe(cose.length)
    expect(spec).toContain(party.did)
    expect(spec).toContain(bytesToHex(party.signingPublicKey))
    const signature = (decodeWithCborX(cose) as { value: Uint8Array[] }).value[3] as Uint8Array
    expect(spec).toContain(`h'${bytesToHex(signature)}'`)
    const out = verifyCoseReceipt({
      receipt: hexToBytes(`0x${printed?.[2]}`),
      commitment: cs[2] as Uint8Array,
      signer: party,
    })
    expect(out.receipt).toEqual(receipt)
    independentVerify(cose, cs[2] as Uint8Array, party.signingPublicKey)
    for (const code of [
      'COSE_MALFORMED',
      'COSE_UNSUPPORTED',
      'PROOF_INVALID',
      'COSE_SIGNATURE_INVALID',
      'COSE_ISSUER_MISMATCH',
    ])
      expect(spec).toContain(`\`${code}\``)
  })
})

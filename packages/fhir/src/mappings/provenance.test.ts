import { fc, test } from '@fast-check/vitest'
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  base64urlToBytes,
  bytesToBase64url,
  bytesToHex0x,
  canonicalize,
  createAnchorer,
  createParty,
  randomBytes,
  VerificationError,
} from '@medseal/core'
import { describe, expect, it } from 'vitest'
import { exampleFiles } from '../_testData.js'
import { validateResource } from '../validateResource.js'
import {
  PROVENANCE_MAX_ANCHORS,
  PROVENANCE_SIG_FORMAT,
  parseProvenanceSignatures,
  provenanceForReceipt,
  provenanceForReceipts,
  VERIFICATION_SIGNATURE_TYPE,
  verifyProvenance,
} from './provenance.js'

const sealer = createParty()
const errors = (r: unknown) => validateResource(r).issue.filter((i) => i.severity === 'error' || i.severity === 'fatal')

async function anchored() {
  const ledger = createMemoryLedger({ id: 'prov' })
  const anchorer = createAnchorer(ledger, { maxDelayMs: 0 })
  const commitments = [bytesToHex0x(randomBytes(32)), bytesToHex0x(randomBytes(32))]
  const receipts = await Promise.all(commitments.map((c) => anchorer.add(c)))
  const target = { reference: 'Observation/obs-1/_history/3' }
  const provenance = provenanceForReceipt({ sealer, target, receipt: receipts[1] as never })
  return { ledger, commitment: commitments[1] as `0x${string}`, provenance, receipts }
}

const expectCode = async (p: Promise<unknown>, code: string) => {
  const e = await p.catch((x) => x)
  expect(e).toMatchObject({ code })
}

describe('provenanceForReceipt / verifyProvenance', () => {
  const fixture = anchored()
  it('builds a valid Provenance whose signature verifies against the ledger', async () => {
    const { ledger, commitment, provenance, receipts } = await anchored()
    expect(errors(provenance)).toEqual([])
    expect(provenance.signature?.[0]).toMatchObject({
      type: [{ system: 'urn:iso-astm:E1762-95:2013', code: VERIFICATION_SIGNATURE_TYPE }],
      sigFormat: PROVENANCE_SIG_FORMAT,
      who: { identifier: { system: 'urn:ietf:rfc:3986', value: sealer.did } },
    })
    expect(provenance.recorded).toBe(
      new Date((receipts[1]?.ledger.timestamp ?? 0) * 1000).toISOString().replace('.000Z', 'Z'),
    )
    const result = await verifyProvenance(ledger, { provenance, commitment, signer: sealer.did })
    expect(result.signer).toBe(sealer.did)
    expect(result.address.toLowerCase()).toBe(sealer.address.toLowerCase())
    expect(result.target).toEqual(['Observation/obs-1/_history/3'])
    expect(result.resource).toEqual(['Observation/obs-1/_history/3'])
    expect(result.receipt).toEqual(receipts[1])
    // by address too, and through JSON (what a server returns)
    await verifyProvenance(ledger, {
      provenance: JSON.parse(JSON.stringify(provenance)),
      commitment,
      signer: sealer.address,
    })
  })

  it('refuses tampering and foreign signers (INVALID_SIGNATURE), other records (RECORD_MISMATCH) and ledgers', async () => {
    const { ledger, commitment, provenance } = await anchored()
    const jws = atob(provenance.signature?.[0]?.data as string)
    const withJws = (text: string) => ({
      ...provenance,
      signature: [{ ...provenance.signature?.[0], data: btoa(text) }],
    })
    const [h, p, s] = jws.split('.') as [string, string, string]
    const flipped = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`
    await expectCode(
      verifyProvenance(ledger, { provenance: withJws(`${h}.${p}.${flipped}`), commitment }),
      'INVALID_SIGNATURE',
    )
    await expectCode(verifyProvenance(ledger, { provenance: withJws(`${h}.${p}`), commitment }), 'INVALID_SIGNATURE')
    await expectCode(
      verifyProvenance(ledger, { provenance, commitment, signer: createParty().did }),
      'INVALID_SIGNATURE',
    )
    await expectCode(
      verifyProvenance(ledger, {
        provenance: { ...provenance, target: [{ reference: 'Observation/other' }] },
        commitment,
      }),
      'INVALID_SIGNATURE',
    )
    await expectCode(
      verifyProvenance(ledger, { provenance, commitment: bytesToHex0x(randomBytes(32)) }),
      'RECORD_MISMATCH',
    )
    await expectCode(
      verifyProvenance(createMemoryLedger({ id: 'other' }), { provenance, commitment }),
      'LEDGER_MISMATCH',
    )
    // another party re-signing the same receipt is a valid signature, but not the sealer's
    const forged = provenanceForReceipt({
      sealer: createParty(),
      target: { reference: 'Observation/obs-1/_history/3' },
      receipt: JSON.parse(atob(p.replace(/-/g, '+').replace(/_/g, '/'))).receipt,
    })
    await expectCode(
      verifyProvenance(ledger, { provenance: forged, commitment, signer: sealer.did }),
      'INVALID_SIGNATURE',
    )
    // the displayed signer must be the JWS signer
    const other = { identifier: { system: 'urn:ietf:rfc:3986', value: createParty().did } }
    await expectCode(
      verifyProvenance(ledger, {
        provenance: { ...provenance, agent: [{ ...provenance.agent[0], who: other }] },
        commitment,
      }),
      'INVALID_SIGNATURE',
    )
    const e = await verifyProvenance(ledger, { provenance: withJws('x.y.z'), commitment }).catch((x) => x)
    expect(e).toBeInstanceOf(VerificationError)
  })

  test.prop({ byte: fc.nat(63), bit: fc.nat(7) }, { numRuns: 40 })(
    'flipping any bit of the ES256K signature makes it fail',
    async ({ byte, bit }) => {
      const { ledger, commitment, provenance } = await fixture
      const [h, p, s] = atob(provenance.signature?.[0]?.data as string).split('.') as [string, string, string]
      const sig = base64urlToBytes(s)
      sig[byte] = (sig[byte] as number) ^ (1 << bit)
      const data = btoa(`${h}.${p}.${bytesToBase64url(sig)}`)
      const tampered = { ...provenance, signature: [{ ...provenance.signature?.[0], data }] }
      await expectCode(verifyProvenance(ledger, { provenance: tampered, commitment }), 'INVALID_SIGNATURE')
    },
  )

  it('refuses what is not a medseal Provenance (INVALID_FHIR)', async () => {
    const { ledger, commitment } = await anchored()
    await expectCode(verifyProvenance(ledger, { provenance: { resourceType: 'Patient' }, commitment }), 'INVALID_FHIR')
    await expectCode(verifyProvenance(ledger, { provenance: null, commitment }), 'INVALID_FHIR')
  })

  it('rejects bad parameters (INVALID_TYPE, RECEIPT_MALFORMED)', () => {
    expect(() => provenanceForReceipt(null as never)).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }))
    expect(() =>
      provenanceForReceipt({ sealer: {} as never, target: { reference: 'X/1' }, receipt: {} as never }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }))
    expect(() => provenanceForReceipt({ sealer, target: { reference: 'X/1' }, receipt: {} as never })).toThrow(
      expect.objectContaining({ code: 'RECEIPT_MALFORMED' }),
    )
  })

  describe("HL7's example Provenances (as input)", () => {
    // Per file: what parseProvenanceSignatures reports (XML DSig blocks are foreign, never crashes).
    const expected: Record<string, unknown[]> = {
      'Provenance-consent-signature.json': [
        {
          index: 0,
          medseal: false,
          reason: 'SIG_FORMAT',
          sigFormat: 'application/signature+xml',
          types: ['1.2.840.10065.1.12.1.1'], // author's signature
          who: 'Patient/72',
        },
      ],
      'Provenance-example-cwl.json': [],
      'Provenance-example.json': [],
      'Provenance-signature.json': [
        {
          index: 0,
          medseal: false,
          reason: 'SIG_FORMAT',
          sigFormat: 'application/signature+xml',
          types: ['1.2.840.10065.1.12.1.5'], // verification signature
          who: 'Practitioner/xcda-author',
        },
      ],
    }
    const files = Object.keys(exampleFiles).filter((f) => f.startsWith('Provenance-'))
    it('every example is listed', () => expect(files.sort()).toEqual(Object.keys(expected).sort()))
    for (const file of files) {
      it(`${file}: validates; its signatures are reported (foreign), and verifyProvenance refuses it (INVALID_FHIR)`, async () => {
        const resource = JSON.parse(exampleFiles[file] as string)
        expect(errors(resource)).toEqual([])
        expect(parseProvenanceSignatures(resource)).toEqual(expected[file])
        const { ledger, commitment } = await anchored()
        await expectCode(verifyProvenance(ledger, { provenance: resource, commitment }), 'INVALID_FHIR')
      })
    }
  })

  describe('parseProvenanceSignatures', () => {
    it('receipt → Provenance → parse: the medseal signature verifies and carries the receipt, next to foreign ones', async () => {
      const { ledger, commitment, provenance, receipts } = await anchored()
      const hl7 = JSON.parse(exampleFiles['Provenance-signature.json'] as string).signature[0]
      const otherJws = { ...provenance.signature?.[0], data: btoa(`${btoa('{"alg":"ES256","typ":"JWT"}')}.e30.c2ln`) }
      const mixed = {
        ...provenance,
        signature: [hl7, provenance.signature?.[0], otherJws, { type: hl7.type, who: hl7.who }],
      }
      const infos = parseProvenanceSignatures(JSON.parse(JSON.stringify(mixed)))
      expect(infos.map((i) => (i.medseal ? 'medseal' : i.reason))).toEqual([
        'SIG_FORMAT',
        'medseal',
        'NOT_MEDSEAL_JWS',
        'DATA_MISSING',
      ])
      expect(infos[1]).toEqual({
        index: 1,
        medseal: true,
        signer: sealer.did,
        address: expect.stringMatching(new RegExp(`^${sealer.address}$`, 'i')),
        receipt: receipts[1],
        target: ['Observation/obs-1/_history/3'],
        version: 1,
        anchors: [{ target: 'Observation/obs-1/_history/3', receipt: receipts[1] }],
      })
      // and the full check still passes on the mixed resource
      expect((await verifyProvenance(ledger, { provenance: mixed, commitment })).receipt).toEqual(receipts[1])
    })

    it('a medseal signature that does not verify is an error, not a foreign signature (INVALID_SIGNATURE)', async () => {
      const { provenance } = await anchored()
      const [h, p] = atob(provenance.signature?.[0]?.data as string).split('.') as [string, string]
      const forged = bytesToBase64url(new Uint8Array(64).fill(1))
      const tampered = {
        ...provenance,
        signature: [{ ...provenance.signature?.[0], data: btoa(`${h}.${p}.${forged}`) }],
      }
      expect(() => parseProvenanceSignatures(tampered)).toThrow(VerificationError)
      expect(() => parseProvenanceSignatures(tampered)).toThrow(expect.objectContaining({ code: 'INVALID_SIGNATURE' }))
      const retargeted = { ...provenance, target: [{ reference: 'Observation/other' }] }
      expect(() => parseProvenanceSignatures(retargeted)).toThrow(
        expect.objectContaining({ code: 'INVALID_SIGNATURE' }),
      )
    })

    it('refuses what is not a Provenance (INVALID_FHIR)', () => {
      expect(() => parseProvenanceSignatures({ resourceType: 'Patient' })).toThrow(
        expect.objectContaining({ code: 'INVALID_FHIR' }),
      )
      expect(() => parseProvenanceSignatures(null)).toThrow(expect.objectContaining({ code: 'INVALID_FHIR' }))
      expect(parseProvenanceSignatures({ resourceType: 'Provenance', signature: [null] })).toEqual([
        { index: 0, medseal: false, reason: 'DATA_MISSING', sigFormat: undefined, types: [], who: undefined },
      ])
    })
  })
})

describe('provenanceForReceipts (version 2: one Provenance, one signature, many anchored resource versions)', () => {
  async function chunk(n: number) {
    const ledger = createMemoryLedger({ id: `prov-v2-${n}` })
    const anchorer = createAnchorer(ledger, { maxDelayMs: 0 })
    const commitments = Array.from({ length: n }, () => bytesToHex0x(randomBytes(32)))
    const pending = commitments.map((c) => anchorer.add(c))
    await anchorer.flush()
    const receipts = await Promise.all(pending)
    const targets = commitments.map((_, i) => `Observation/o${i}/_history/1`)
    const anchors = receipts.map((receipt, i) => ({ target: { reference: targets[i] as string }, receipt }))
    return {
      ledger,
      commitments,
      receipts,
      targets,
      anchors,
      provenance: await provenanceForReceipts({ sealer, anchors }),
    }
  }
  const fixture = chunk(5)

  it('is a valid Provenance whose one signature verifies for every record it covers, each picking its own target', async () => {
    const { ledger, commitments, receipts, targets, provenance } = await fixture
    expect(errors(provenance)).toEqual([])
    expect(provenance.signature).toHaveLength(1)
    expect(provenance.target.map((t) => t.reference)).toEqual(targets)
    expect(provenance.entity?.map((e) => e.what.identifier?.value)).toEqual(receipts.map((r) => r.commitment))
    const latest = Math.max(...receipts.map((r) => r.ledger.timestamp))
    expect(provenance.recorded).toBe(new Date(latest * 1000).toISOString().replace('.000Z', 'Z'))
    for (const [i, commitment] of commitments.entries()) {
      const through = JSON.parse(JSON.stringify(provenance)) // as a server returns it
      const result = await verifyProvenance(ledger, { provenance: through, commitment, signer: sealer.did })
      expect(result.receipt).toEqual(receipts[i])
      expect(result.resource).toEqual([targets[i]])
      expect(result.target).toEqual(targets)
    }
    // the commitment as bytes picks the same anchor
    const bytes = Uint8Array.from((commitments[2] as string).slice(2).match(/../g) as string[], (b) =>
      Number.parseInt(b, 16),
    )
    expect((await verifyProvenance(ledger, { provenance, commitment: bytes })).resource).toEqual([targets[2]])
    const [info] = parseProvenanceSignatures(provenance)
    expect(info).toMatchObject({ medseal: true, version: 2, receipt: receipts[0], target: targets })
    // a target outside ASCII (an identifier) is signed as its UTF-8 bytes
    const named = await provenanceForReceipts({
      sealer,
      anchors: [
        { target: { identifier: { system: 'urn:x', value: 'Zoë’s résumé ✓' } }, receipt: receipts[0] as never },
      ],
    })
    expect(parseProvenanceSignatures(named)[0]).toMatchObject({ medseal: true, target: ['urn:x|Zoë’s résumé ✓'] })
    expect(info?.medseal && info.anchors).toEqual(targets.map((target, i) => ({ target, receipt: receipts[i] })))
  })

  it('refuses another record (RECORD_MISMATCH), reordered or changed targets and tampering (INVALID_SIGNATURE)', async () => {
    const { ledger, commitments, provenance } = await fixture
    const commitment = commitments[1] as `0x${string}`
    await expectCode(
      verifyProvenance(ledger, { provenance, commitment: bytesToHex0x(randomBytes(32)) }),
      'RECORD_MISMATCH',
    )
    const swapped = [provenance.target[1], provenance.target[0], ...provenance.target.slice(2)]
    await expectCode(
      verifyProvenance(ledger, { provenance: { ...provenance, target: swapped }, commitment }),
      'INVALID_SIGNATURE',
    )
    await expectCode(
      verifyProvenance(ledger, { provenance: { ...provenance, target: provenance.target.slice(1) }, commitment }),
      'INVALID_SIGNATURE',
    )
    await expectCode(
      verifyProvenance(ledger, { provenance, commitment, signer: createParty().did }),
      'INVALID_SIGNATURE',
    )
    // a payload naming one target twice is refused even when signed (a verifier could not tell the records apart)
    const [h, p] = atob(provenance.signature?.[0]?.data as string).split('.') as [string, string]
    const payload = JSON.parse(atob(p.replace(/-/g, '+').replace(/_/g, '/')))
    payload.anchors[1].target = payload.anchors[0].target
    const body = bytesToBase64url(new TextEncoder().encode(JSON.stringify(payload)))
    const { sha256 } = await import('@noble/hashes/sha2.js')
    const sig = sealer.signDigest(sha256(new TextEncoder().encode(`${h}.${body}`))).subarray(0, 64)
    const twice = {
      ...provenance,
      target: [provenance.target[0], provenance.target[0], ...provenance.target.slice(2)],
      signature: [{ ...provenance.signature?.[0], data: btoa(`${h}.${body}.${bytesToBase64url(sig)}`) }],
    }
    await expectCode(verifyProvenance(ledger, { provenance: twice, commitment }), 'INVALID_SIGNATURE')
    // the anchors of a version-2 payload must be { target, receipt }
    payload.anchors[1] = 'x'
    const bad = bytesToBase64url(new TextEncoder().encode(JSON.stringify(payload)))
    const sig2 = sealer.signDigest(sha256(new TextEncoder().encode(`${h}.${bad}`))).subarray(0, 64)
    const malformed = {
      ...provenance,
      signature: [{ ...provenance.signature?.[0], data: btoa(`${h}.${bad}.${bytesToBase64url(sig2)}`) }],
    }
    expect(() => parseProvenanceSignatures(malformed)).toThrow(expect.objectContaining({ code: 'INVALID_SIGNATURE' }))
  })

  test.prop({ n: fc.integer({ min: 1, max: 12 }), pick: fc.nat() }, { numRuns: 15 })(
    'any chunk: the Provenance verifies each of its records against the ledger, and only those',
    async ({ n, pick }) => {
      const { ledger, commitments, targets, provenance } = await chunk(n)
      const i = pick % n
      const result = await verifyProvenance(ledger, { provenance, commitment: commitments[i] as `0x${string}` })
      expect(result.resource).toEqual([targets[i]])
    },
  )

  it('rejects bad parameters (INVALID_TYPE, INVALID_ARGUMENT, OUT_OF_RANGE, RECEIPT_MALFORMED)', async () => {
    const { anchors } = await fixture
    const code = (f: () => Promise<unknown>) =>
      f().then(
        () => undefined,
        (e: { code?: string }) => e.code,
      )
    expect(await code(() => provenanceForReceipts(null as never))).toBe('INVALID_TYPE')
    expect(await code(() => provenanceForReceipts({ sealer: {} as never, anchors }))).toBe('INVALID_TYPE')
    expect(await code(() => provenanceForReceipts({ sealer, anchors: [] }))).toBe('INVALID_ARGUMENT')
    expect(await code(() => provenanceForReceipts({ sealer, anchors: [null as never] }))).toBe('INVALID_TYPE')
    const a0 = anchors[0] as (typeof anchors)[number]
    const a1 = anchors[1] as (typeof anchors)[number]
    expect(await code(() => provenanceForReceipts({ sealer, anchors: [a0, { ...a1, target: a0.target }] }))).toBe(
      'INVALID_ARGUMENT',
    )
    expect(await code(() => provenanceForReceipts({ sealer, anchors: [a0, { ...a1, receipt: a0.receipt }] }))).toBe(
      'INVALID_ARGUMENT',
    )
    expect(await code(() => provenanceForReceipts({ sealer, anchors: [{ target: {}, receipt: a0.receipt }] }))).toBe(
      'INVALID_ARGUMENT',
    )
    expect(await code(() => provenanceForReceipts({ sealer, anchors: [{ ...a0, receipt: {} as never }] }))).toBe(
      'RECEIPT_MALFORMED',
    )
    const tooMany = Array.from({ length: PROVENANCE_MAX_ANCHORS + 1 }, () => a0)
    expect(await code(() => provenanceForReceipts({ sealer, anchors: tooMany }))).toBe('OUT_OF_RANGE')
  })
})

describe('provenanceForReceipts signature text', () => {
  it('signs the canonical payload and holds the JWS in base64, for ASCII and non-ASCII targets alike', async () => {
    const anchorer = createAnchorer(createMemoryLedger({ id: 'prov-text' }), { maxDelayMs: 0 })
    const pending = [0, 1, 2].map(() => anchorer.add(bytesToHex0x(randomBytes(32))))
    await anchorer.flush()
    const receipts = await Promise.all(pending)
    for (const names of [
      ['Observation/a', 'Observation/b', 'Observation/c'],
      ['Observation/a', 'urn:x|é', 'urn:y|😀'],
    ]) {
      const anchors = receipts.map((receipt, i) => ({ target: { reference: names[i] as string }, receipt }))
      const provenance = await provenanceForReceipts({ sealer, anchors })
      const data = provenance.signature?.[0]?.data as string
      const jws = new TextDecoder().decode(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)))
      const [header, payload] = jws.split('.') as [string, string]
      expect(new TextDecoder().decode(base64urlToBytes(payload))).toBe(
        canonicalize({ v: 2, anchors: names.map((target, i) => ({ target, receipt: receipts[i] })) }),
      )
      expect(`${header}.${payload}`).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
      expect(parseProvenanceSignatures(provenance)[0]).toMatchObject({ medseal: true, target: names })
    }
    await anchorer.close()
  })
})

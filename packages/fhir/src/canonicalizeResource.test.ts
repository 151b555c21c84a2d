import { fc, test } from '@fast-check/vitest'
import { canonicalize, InvalidArgumentError } from '@medseal/core'
import { describe, expect, it } from 'vitest'
import { exampleFiles, syntheaFiles } from './_testData.js'
import { canonicalizeResource, normalizeNumberLexeme } from './canonicalizeResource.js'
import { FhirValidationError } from './errors.js'

const jcsIn = import.meta.glob('@vectors/jcs/input/*.json', { query: '?raw', import: 'default', eager: true })
const jcsOut = import.meta.glob('@vectors/jcs/output/*.json', { query: '?raw', import: 'default', eager: true })
const byName = (files: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(files).map(([k, v]) => [k.split('/').pop() as string, v as string]))

const wrap = (json: string) => `{"resourceType":"Basic","v":${json}}`

describe('canonicalizeResource: RFC 8785 (JCS) core', () => {
  const inputs = byName(jcsIn)
  const outputs = byName(jcsOut)
  it('has the JCS vectors', () => expect(Object.keys(inputs).length).toBeGreaterThanOrEqual(4))
  for (const name of Object.keys(inputs)) {
    it(`JCS vector ${name}: object input gives the exact RFC 8785 bytes`, () => {
      const value = JSON.parse(inputs[name] as string)
      expect(canonicalizeResource({ resourceType: 'Basic', v: value })).toBe(wrap(outputs[name] as string))
    })
    it(`JCS vector ${name}: text input matches except where FHIR decimal precision differs`, () => {
      const out = canonicalizeResource(wrap(inputs[name] as string))
      // structures.json writes 56.0: FHIR keeps that precision, JCS over a double writes 56
      expect(out).toBe(wrap((outputs[name] as string).replace('"\\n":56', '"\\n":56.0')))
    })
  }

  test.prop([fc.jsonValue({ maxDepth: 6 })], { numRuns: 300 })(
    'text of shortest-form numbers canonicalizes exactly as JCS over the parsed value',
    (v) => {
      const expected = canonicalize({ resourceType: 'Basic', v })
      expect(canonicalizeResource(JSON.stringify({ resourceType: 'Basic', v }, null, 1))).toBe(expected)
      expect(canonicalizeResource({ resourceType: 'Basic', v }, { meta: true })).toBe(expected)
    },
  )

  test.prop([fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('raw', 'u-lower', 'u-upper', 'mixed')], {
    numRuns: 1000,
  })('strings: any escaping of the same text gives the JCS form', (str, style) => {
    const esc = (ch: string, upper: boolean) => {
      const h = ch.charCodeAt(0).toString(16).padStart(4, '0')
      return `\\u${upper ? h.toUpperCase() : h}`
    }
    const units = [...str].flatMap((c) => (c.length === 2 ? [c[0] as string, c[1] as string] : [c]))
    const body =
      style === 'raw'
        ? JSON.stringify(str).slice(1, -1)
        : units
            .map((c, i) =>
              style === 'mixed' && i % 2 === 0 ? JSON.stringify(c).slice(1, -1) : esc(c, style === 'u-upper'),
            )
            .join('')
    const text = `{"resourceType":"Basic","s":"${body}","k${body}":1}`
    expect(canonicalizeResource(text)).toBe(canonicalize({ resourceType: 'Basic', s: str, [`k${str}`]: 1 }))
  })

  test.prop([fc.double({ noNaN: true, noDefaultInfinity: true })], { numRuns: 2000 })(
    'a double written by JSON.stringify normalises to the ES6 form JCS uses',
    (x) => {
      expect(normalizeNumberLexeme(JSON.stringify(x))).toBe(`${x}`)
    },
  )

  test.prop([fc.jsonValue({ maxDepth: 5 })], { numRuns: 200 })('idempotent and whitespace/order independent', (v) => {
    const once = canonicalizeResource(JSON.stringify({ v, resourceType: 'Basic' }, null, 2))
    expect(canonicalizeResource(once)).toBe(once)
    expect(canonicalizeResource(JSON.stringify({ resourceType: 'Basic', v }))).toBe(once)
  })
})

describe('canonicalizeResource: FHIR decimal precision', () => {
  const obs = (value: string, ws = '') =>
    `{${ws}"resourceType":${ws}"Observation",${ws}"valueQuantity":{"value":${value},${ws}"unit":"mg"}}`
  it('keeps trailing zeros: 1.50 ≠ 1.5', () => {
    expect(canonicalizeResource(obs('1.50'))).toContain('"value":1.50')
    expect(canonicalizeResource(obs('1.50'))).not.toBe(canonicalizeResource(obs('1.5')))
    expect(canonicalizeResource(obs('1.0'))).not.toBe(canonicalizeResource(obs('1.00')))
  })
  it('key order and whitespace do not matter', () => {
    const a = canonicalizeResource(obs('1.50', '\n  '))
    const b = canonicalizeResource('{"valueQuantity":{"unit":"mg","value":1.50},"resourceType":"Observation"}')
    expect(a).toBe(b)
  })
  it.each([
    ['1.50', '1.50'],
    ['15.0e-1', '1.50'],
    ['150E-2', '1.50'],
    ['-0', '0'],
    ['-0.0', '0.0'],
    ['0.00', '0.00'],
    ['0.0150', '0.0150'],
    ['1E-22', '1e-22'],
    ['1.000000000000000000E-245', '1.000000000000000000e-245'],
    ['-1.000000000000000000E+245', '-1.000000000000000000e+245'],
    ['1.5e2', '1.5e+2'],
    ['1.50e2', '150'],
    ['100', '100'],
    ['12345678901234567890', '12345678901234567890'],
    ['0.000001', '0.000001'],
    ['0.0000001', '1e-7'],
    ['1e21', '1e+21'],
    ['1E+0', '1'],
  ])('number %s → %s', (lexeme, expected) => {
    expect(canonicalizeResource(obs(lexeme))).toBe(
      `{"resourceType":"Observation","valueQuantity":{"unit":"mg","value":${expected}}}`,
    )
  })
  it('FHIR spec example Observation-decimal edge cases keep their precision', () => {
    const text = `{"resourceType":"Observation","component":[${['1.0', '1.00', '1.0', '1E-22', '1000000000000000000', '1.000000000000000000E-245', '-1.000000000000000000E+245'].map((v) => `{"valueQuantity":{"value":${v}}}`).join(',')}]}`
    const out = canonicalizeResource(text)
    expect(out).toContain('{"value":1.0}')
    expect(out).toContain('{"value":1.00}')
    expect(out).toContain('{"value":1000000000000000000}')
    expect(out).toContain('{"value":-1.000000000000000000e+245}')
  })
})

describe('canonicalizeResource: number lexemes (property tests)', () => {
  // an arbitrary RFC 8259 number lexeme: sign, integer part, optional fraction, optional exponent
  const lexeme = fc
    .record({
      neg: fc.boolean(),
      int: fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9][0-9]{0,25}$/)),
      frac: fc.option(fc.stringMatching(/^[0-9]{1,20}$/), { nil: undefined }),
      exp: fc.option(
        fc.record({
          e: fc.constantFrom('e', 'E'),
          sign: fc.constantFrom('', '+', '-'),
          n: fc.integer({ min: 0, max: 300 }),
        }),
        { nil: undefined },
      ),
    })
    .map(
      ({ neg, int, frac, exp }) =>
        `${neg ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}${exp ? `${exp.e}${exp.sign}${exp.n}` : ''}`,
    )
    .filter((l) => Number.isFinite(Number(l)))

  /** (sign, significant digits, scale): what FHIR considers the value and precision of a decimal. */
  const meaning = (lex: string) => {
    const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(lex) as RegExpExecArray
    const digits = `${m[2]}${m[3] ?? ''}`
    let scale = Number(m[4] ?? 0) - (m[3]?.length ?? 0)
    const sig = digits.replace(/^0+(?=\d)/, '')
    if (/^0+$/.test(sig)) scale = Math.min(scale, 0)
    return `${/^0+$/.test(sig) ? '' : m[1]}${/^0+$/.test(sig) ? '0' : sig}e${scale}`
  }

  test.prop([lexeme], { numRuns: 3000 })('keeps the value, is idempotent, and has the same meaning', (lex) => {
    const out = normalizeNumberLexeme(lex)
    expect(Number(out)).toBe(Number(lex) === 0 ? 0 : Number(lex))
    expect(normalizeNumberLexeme(out)).toBe(out)
    expect(meaning(out)).toBe(meaning(lex))
  })
  test.prop([lexeme, lexeme], { numRuns: 3000 })('equal output ⇔ same value and precision', (a, b) => {
    expect(normalizeNumberLexeme(a) === normalizeNumberLexeme(b)).toBe(meaning(a) === meaning(b))
  })
  test.prop([lexeme, fc.integer({ min: -5, max: 5 })], { numRuns: 1000 })(
    'moving the decimal point into the exponent changes nothing',
    (lex, shift) => {
      const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(lex) as RegExpExecArray
      const digits = `${m[2]}${m[3] ?? ''}`
      const scale = Number(m[4] ?? 0) - (m[3]?.length ?? 0)
      // the same digits written with `shift` more fraction digits: d.ddd × 10^(scale + shift)
      const frac = Math.max(0, Math.min(digits.length - 1, (m[3]?.length ?? 0) + shift))
      const intPart = digits.slice(0, digits.length - frac).replace(/^0+(?=\d)/, '')
      const rewritten = `${m[1]}${intPart}${frac > 0 ? `.${digits.slice(digits.length - frac)}` : ''}e${scale + frac}`
      expect(normalizeNumberLexeme(rewritten)).toBe(normalizeNumberLexeme(lex))
    },
  )
})

describe('canonicalizeResource: meta, text, id', () => {
  const patient = {
    resourceType: 'Patient',
    id: 'p1',
    meta: {
      versionId: '7',
      lastUpdated: '2024-01-01T00:00:00Z',
      security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }],
      tag: [{ code: 'x' }],
    },
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Pat</div>' },
    contained: [{ resourceType: 'Organization', id: 'org', meta: { versionId: '1' } }],
    managingOrganization: { reference: '#org' },
  }
  it('default keeps only meta.security, keeps text and id', () => {
    const c = JSON.parse(canonicalizeResource(patient))
    expect(c.meta).toEqual({ security: patient.meta.security })
    expect(c.text).toEqual(patient.text)
    expect(c.id).toBe('p1')
    expect(c.contained[0]).toEqual({ resourceType: 'Organization', id: 'org' })
  })
  it('server-rewritten meta does not change the hash; a security label does', () => {
    const moved = { ...patient, meta: { ...patient.meta, versionId: '8', lastUpdated: '2025-01-01T00:00:00Z' } }
    expect(canonicalizeResource(moved)).toBe(canonicalizeResource(patient))
    const { meta: _m, ...noMeta } = patient
    const relabelled = { ...noMeta, meta: { versionId: '1' } }
    expect(canonicalizeResource(relabelled)).not.toBe(canonicalizeResource(patient))
    expect(canonicalizeResource(relabelled)).toBe(canonicalizeResource(noMeta))
  })
  it('text and object inputs agree', () => {
    expect(canonicalizeResource(JSON.stringify(patient, null, 2))).toBe(canonicalizeResource(patient))
    const opts = { meta: ['security', 'profile'], text: false, id: false } as const
    expect(canonicalizeResource(JSON.stringify(patient), opts)).toBe(canonicalizeResource(patient, opts))
  })
  it('options: meta all/none, text false, id false (contained ids stay)', () => {
    expect(JSON.parse(canonicalizeResource(patient, { meta: true })).meta).toEqual(patient.meta)
    expect(JSON.parse(canonicalizeResource(patient, { meta: false })).meta).toBeUndefined()
    expect(JSON.parse(canonicalizeResource(patient, { text: false })).text).toBeUndefined()
    const noId = JSON.parse(canonicalizeResource(patient, { id: false }))
    expect(noId.id).toBeUndefined()
    expect(noId.contained[0].id).toBe('org')
    // a CodeableConcept's `text` is data, not narrative: it stays
    const obs = { resourceType: 'Observation', code: { text: 'Glucose' }, text: { div: 'x' } }
    expect(JSON.parse(canonicalizeResource(obs, { text: false }))).toEqual({
      resourceType: 'Observation',
      code: { text: 'Glucose' },
    })
  })
  it('Bundle entries are resources too', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ fullUrl: 'urn:uuid:1', resource: { resourceType: 'Patient', meta: { versionId: '3' } } }],
    }
    expect(canonicalizeResource(bundle)).toBe(
      '{"entry":[{"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient"}}],"resourceType":"Bundle","type":"collection"}',
    )
  })
  it('accepts UTF-8 bytes', () => {
    const text = '{"resourceType":"Patient","name":[{"given":["Zoë"]}]}'
    expect(canonicalizeResource(new TextEncoder().encode(text))).toBe(canonicalizeResource(text))
  })
})

describe('canonicalizeResource: object input (resource rules, then core canonicalize)', () => {
  // Resources nested the ways FHIR nests them (contained, Bundle entries, anywhere else), with meta/text/id present
  // or not, and members that only look like the rule names (a CodeableConcept's `text`, a non-resource `id`).
  const leaf = fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), fc.integer(), fc.boolean(), fc.constant(null))
  const meta = fc.oneof(
    fc.record(
      {
        versionId: fc.string({ maxLength: 3 }),
        security: fc.array(fc.record({ code: fc.string({ maxLength: 3 }) }), { maxLength: 2 }),
        tag: fc.array(fc.record({ code: fc.string({ maxLength: 3 }) }), { maxLength: 2 }),
        source: fc.string({ maxLength: 3 }),
      },
      { requiredKeys: [] },
    ),
    leaf,
  )
  const resource = fc.letrec((tie) => ({
    res: fc.record(
      {
        resourceType: fc.constantFrom('Patient', 'Observation', 'Bundle'),
        id: fc.string({ maxLength: 4 }),
        _id: fc.record({ extension: fc.array(leaf, { maxLength: 1 }) }),
        meta,
        text: fc.oneof(fc.record({ div: fc.string({ maxLength: 5 }) }), leaf),
        contained: fc.array(tie('res'), { maxLength: 2 }),
        entry: fc.array(fc.record({ resource: tie('res'), id: leaf }), { maxLength: 2 }),
        code: fc.record({ text: leaf, id: leaf }, { requiredKeys: [] }),
      },
      { requiredKeys: ['resourceType'] },
    ),
  })).res
  // a "__proto__" member, as JSON.parse makes it: an own member like any other
  const withProto = fc
    .tuple(resource, fc.option(fc.dictionary(fc.constantFrom('a', 'b'), leaf)))
    .map(([r, p]) =>
      p === null ? r : Object.defineProperty(r, '__proto__', { value: p, enumerable: true, writable: true }),
    )
  const options = fc.record(
    {
      meta: fc.oneof(fc.boolean(), fc.subarray(['security', 'tag', 'versionId', 'source'] as const)),
      text: fc.boolean(),
      id: fc.boolean(),
    },
    { requiredKeys: [] },
  )
  test.prop([withProto, options], { numRuns: 200 })('equals the text path (an independent parser)', (r, opts) => {
    expect(canonicalizeResource(r, opts)).toBe(canonicalizeResource(JSON.stringify(r), opts))
  })

  it('does not change its input', () => {
    const r = { resourceType: 'Patient', id: 'p', meta: { versionId: '1', security: [] }, text: { div: 'x' } }
    const before = JSON.stringify(r)
    expect(canonicalizeResource(r, { id: false, text: false })).toBe(
      '{"meta":{"security":[]},"resourceType":"Patient"}',
    )
    expect(JSON.stringify(r)).toBe(before)
  })
})

describe('canonicalizeResource: every vector resource', () => {
  it('HL7 examples and Synthea bundles: text and object inputs agree where no decimal has trailing zeros', () => {
    let withPrecision = 0
    for (const [name, text] of [...Object.entries(exampleFiles), ...Object.entries(syntheaFiles)]) {
      const fromText = canonicalizeResource(text)
      const fromObject = canonicalizeResource(JSON.parse(text))
      expect(canonicalizeResource(fromText), name).toBe(fromText)
      // numbers are the only thing allowed to differ
      expect(JSON.parse(fromText), name).toEqual(JSON.parse(fromObject))
      if (fromText !== fromObject) withPrecision++
    }
    expect(withPrecision).toBeGreaterThan(0)
  })
})

describe('canonicalizeResource: errors', () => {
  it.each([
    ['duplicate key', '{"resourceType":"Patient","id":"a","id":"b"}'],
    ['trailing garbage', '{"resourceType":"Patient"} {}'],
    ['lone surrogate (escaped)', '{"resourceType":"Patient","id":"\\ud800"}'],
    ['lone surrogate (raw)', '{"resourceType":"Patient","id":"\ud800"}'],
    ['leading zero', '{"resourceType":"Patient","x":012}'],
    ['BOM', '\ufeff{"resourceType":"Patient"}'],
    ['unterminated', '{"resourceType":"Patient"'],
    ['single quotes', "{'resourceType':'Patient'}"],
    ['bad escape', '{"resourceType":"Patient","x":"\\x"}'],
    ['raw control character', '{"resourceType":"Patient","x":"a\nb"}'],
    ['trailing comma', '{"resourceType":"Patient",}'],
    ['overflowing number', '{"resourceType":"Patient","x":1e400}'],
    ['huge exponent', '{"resourceType":"Patient","x":1e-99999}'],
    ['NaN literal', '{"resourceType":"Patient","x":NaN}'],
    ['empty', ''],
  ])('INVALID_JSON: %s', (_name, text) => {
    const err = (() => {
      try {
        canonicalizeResource(text)
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(InvalidArgumentError)
    expect((err as InvalidArgumentError).code).toBe('INVALID_JSON')
    // no content of the input in the message
    expect((err as Error).message).not.toContain('Patient')
  })
  it('INPUT_TOO_DEEP', () => {
    const deep = `{"resourceType":"Basic","x":${'['.repeat(200)}${']'.repeat(200)}}`
    expect(() => canonicalizeResource(deep)).toThrow(expect.objectContaining({ code: 'INPUT_TOO_DEEP' }))
    expect(canonicalizeResource(deep, { maxDepth: 300 })).toContain('[[[')
    let nested: unknown = []
    for (let i = 0; i < 200; i++) nested = [nested]
    expect(() => canonicalizeResource({ resourceType: 'Basic', x: nested })).toThrow(
      expect.objectContaining({ code: 'INPUT_TOO_DEEP' }),
    )
    const cyclic: Record<string, unknown> = { resourceType: 'Basic' }
    cyclic.self = cyclic
    expect(() => canonicalizeResource(cyclic)).toThrow(expect.objectContaining({ code: 'INPUT_TOO_DEEP' }))
  })
  it('INPUT_TOO_LARGE', () => {
    const text = `{"resourceType":"Basic","x":"${'a'.repeat(1000)}"}`
    expect(() => canonicalizeResource(text, { maxBytes: 100 })).toThrow(
      expect.objectContaining({ code: 'INPUT_TOO_LARGE' }),
    )
    expect(() => canonicalizeResource(JSON.parse(text), { maxBytes: 100 })).toThrow(
      expect.objectContaining({ code: 'INPUT_TOO_LARGE' }),
    )
  })
  it('INVALID_FHIR for a non-resource', () => {
    for (const input of ['[]', '{"a":1}', '{"resourceType":1}', '"x"', [], { a: 1 }, null, 42]) {
      expect(() => canonicalizeResource(input as never)).toThrow(FhirValidationError)
      expect(() => canonicalizeResource(input as never)).toThrow(expect.objectContaining({ code: 'INVALID_FHIR' }))
    }
  })
  it('INVALID_ENCODING for bad UTF-8 and lone surrogates in objects; INVALID_TYPE for non-JSON values', () => {
    expect(() => canonicalizeResource(new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow(
      expect.objectContaining({ code: 'INVALID_ENCODING' }),
    )
    expect(() => canonicalizeResource({ resourceType: 'Basic', x: '\udc00' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ENCODING' }),
    )
    for (const x of [undefined, Number.NaN, () => 1, new Date(0), 1n])
      expect(() => canonicalizeResource({ resourceType: 'Basic', x })).toThrow(
        expect.objectContaining({ code: 'INVALID_TYPE' }),
      )
  })
  it('OUT_OF_RANGE / INVALID_ARGUMENT / INVALID_TYPE for bad options', () => {
    const r = { resourceType: 'Basic' }
    expect(() => canonicalizeResource(r, { maxDepth: 0 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }))
    expect(() => canonicalizeResource(r, { maxBytes: -1 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }))
    expect(() => canonicalizeResource(r, { meta: ['nope'] as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    expect(() => canonicalizeResource(r, { text: 'no' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    )
    expect(() => canonicalizeResource(r, [] as never)).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }))
  })
})

/**
 * `pnpm bench fhir`: canonicalizeResource throughput (text and object input) on an HL7 Patient and a Synthea
 * Bundle, hashResource, and de-identification resources/s on Synthea data. Peers in the same run: core's
 * `canonicalize` (plain JCS over JSON.parse, which loses decimal precision) and JSON.parse + JSON.stringify.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { canonicalize } from '@medseal/core'
import { defineBench } from '../../../scripts/bench/harness.js'
import { canonicalizeResource } from './canonicalizeResource.js'
import { deidentify } from './deidentify.js'
import { hashResource } from './hashResource.js'

const vectors = fileURLToPath(new URL('../../../../shared/vectors/fhir/', import.meta.url))
const patientText = readFileSync(`${vectors}examples/Patient-example.json`, 'utf8')
const syntheaDir = `${vectors}synthea/`
const syntheaNames = readdirSync(syntheaDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
const bundleText = readFileSync(`${syntheaDir}${syntheaNames[0]}`, 'utf8')
const bytes = (s: string) => new TextEncoder().encode(s).length

defineBench('fhir canonicalizeResource', async (ctx) => {
  for (const [label, text] of [
    [`Patient-example (${bytes(patientText)} B)`, patientText],
    [`Synthea Bundle (${Math.round(bytes(bundleText) / 1024)} KiB)`, bundleText],
  ] as const) {
    const n = bytes(text)
    const obj = JSON.parse(text)
    await ctx.throughput(`canonicalizeResource(text) ${label}`, n, () => canonicalizeResource(text))
    await ctx.throughput(`canonicalizeResource(object) ${label}`, n, () => canonicalizeResource(obj))
    await ctx.throughput(`hashResource(text) ${label}`, n, () => hashResource(text))
    await ctx.throughput(`JSON.parse + core canonicalize ${label}`, n, () => canonicalize(JSON.parse(text)), {
      peer: '@medseal/core canonicalize (JCS, decimals lost)',
    })
    await ctx.throughput(`JSON.parse + JSON.stringify ${label}`, n, () => JSON.stringify(JSON.parse(text)), {
      peer: 'JSON (not canonical)',
    })
  }
})

defineBench('fhir deidentify', async (ctx) => {
  const bundles = syntheaNames.slice(0, 5).map((f) => JSON.parse(readFileSync(`${syntheaDir}${f}`, 'utf8')))
  const resources = bundles.reduce((n, b) => n + b.entry.length, 0)
  const key = new Uint8Array(32).fill(1)
  const ms = await ctx.micros(`deidentify 5 Synthea bundles (${resources} resources)`, () => {
    for (const b of bundles) deidentify(b, { key })
  })
  ctx.record({ name: 'deidentify Synthea resources/s', value: resources / (ms / 1e6), unit: 'resources/s' })
})

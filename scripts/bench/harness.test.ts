import { describe, expect, it } from 'vitest'
import { type BenchEntry, selectBenches } from './harness.js'

const entry = (group: string, file: string): BenchEntry => ({ def: { group, run: async () => {} }, file })
const entries = [
  entry('stores', 'packages/stores/postgres/bench/stores.bench.ts'),
  entry('service', 'packages/stores/postgres/bench/service.bench.ts'),
  entry('service instances', 'packages/stores/postgres/bench/service.bench.ts'),
  entry('custodian release', 'packages/core/src/custodian/release.bench.ts'),
]
const groups = (filter?: string) => selectBenches(entries, filter).map((e) => e.def.group)

describe('pnpm bench [filter]: selectBenches', () => {
  it('a filter equal to a group’s whole name runs that group alone', () => {
    expect(groups('service')).toEqual(['service'])
    expect(groups('service instances')).toEqual(['service instances'])
  })

  it('any other filter runs every group whose name or file contains it; none runs all', () => {
    expect(groups('instances')).toEqual(['service instances'])
    expect(groups('postgres/bench/service')).toEqual(['service', 'service instances'])
    expect(groups('custodian')).toEqual(['custodian release'])
    expect(groups('no such bench')).toEqual([])
    expect(groups()).toEqual(entries.map((e) => e.def.group))
    expect(groups('')).toEqual(entries.map((e) => e.def.group))
  })
})

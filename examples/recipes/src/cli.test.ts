import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseArgs } from './cli.js'
import { RECIPES } from './recipes.js'

describe('recipes CLI', () => {
  it('knows the five recipes the docs name', () => {
    expect(Object.keys(RECIPES)).toEqual([
      'drug-provenance',
      'clinical-trial',
      'insurance-claim',
      'research-export',
      'emergency-department',
    ])
  })
  it('reads the recipe, --rpc, --data, --no-data and MEDSEAL_PRIVATE_KEY; the state defaults to a temp directory', () => {
    expect(parseArgs(['drug-provenance'])).toEqual({
      recipe: 'drug-provenance',
      stateDir: join(tmpdir(), 'medseal-recipes', 'drug-provenance'),
    })
    expect(parseArgs(['clinical-trial', '--rpc', 'http://127.0.0.1:8545', '--no-data'])).toEqual({
      recipe: 'clinical-trial',
      rpc: 'http://127.0.0.1:8545',
      stateDir: '',
    })
    expect(parseArgs(['insurance-claim', '--', '--rpc=http://127.0.0.1:8545', '--data=/srv/claims'])).toEqual({
      recipe: 'insurance-claim',
      rpc: 'http://127.0.0.1:8545',
      stateDir: '/srv/claims',
    })
    const key = `0x${'ab'.repeat(32)}`
    expect(parseArgs(['research-export', '--data', 'state'], { MEDSEAL_PRIVATE_KEY: key })).toEqual({
      recipe: 'research-export',
      privateKey: key,
      stateDir: 'state',
    })
    expect(parseArgs(['emergency-department', '--help'])).toBe('help')
  })
  it('refuses unknown recipes, flags, a missing URL and a malformed key', () => {
    expect(() => parseArgs([])).toThrow(RangeError)
    expect(() => parseArgs(['tax-return'])).toThrow(/Name a recipe/)
    expect(() => parseArgs(['drug-provenance', '--frobnicate'])).toThrow(/Unknown option/)
    expect(() => parseArgs(['drug-provenance', '--rpc'])).toThrow(/needs a URL/)
    expect(() => parseArgs(['drug-provenance', '--data'])).toThrow(/needs a directory/)
    expect(() => parseArgs(['drug-provenance', 'extra'])).toThrow(/Unexpected argument/)
    expect(() => parseArgs(['drug-provenance'], { MEDSEAL_PRIVATE_KEY: 'nope' })).toThrow(RangeError)
  })
})

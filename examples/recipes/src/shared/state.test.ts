import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { run as insuranceClaim } from '../insuranceClaim/insuranceClaim.js'
import { openRecipeState } from './state.js'

describe('recipe state on PGlite in a directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medseal-recipe-state-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('a second run of a recipe finds the first run’s log entries, releases and receipts, and adds its own', async () => {
    const first: string[] = []
    const one = await insuranceClaim({ stateDir: dir }, (l) => first.push(l))
    expect(first[0]).toBe('insurance claim with purpose-bound consent on memory')
    expect(first[1]).toBe(
      `state in ${dir} (PGlite): new; run the recipe again and this run's records, logs and receipts are still there`,
    )
    // the same facts as on the in-memory stores
    expect(one.log).toEqual({ events: 8, verified: 8, permits: 4, denials: 4 })
    expect(one.expired).toBe('CONSENT_EXPIRED')

    const second: string[] = []
    const two = await insuranceClaim({ stateDir: dir }, (l) => second.push(l))
    expect(second[1]).toBe(
      `state in ${dir} (PGlite): kept from earlier runs — 8 access-log entries in 1 logs, 4 key releases, 6 anchor receipts, 0 break-glass grants`,
    )
    expect(two.expired).toBe('CONSENT_EXPIRED')
    expect(two.log).toEqual(one.log)

    const state = await openRecipeState({ stateDir: dir }, 'insurance-claim')
    try {
      expect(state.kept).toEqual({ logs: 2, logEntries: 16, releases: 8, receipts: 12, breakGlassGrants: 0 })
      // a second opener of the directory while it is open is refused, not let in to corrupt it
      await expect(openRecipeState({ stateDir: dir }, 'insurance-claim')).rejects.toMatchObject({
        code: 'STORE_LOCKED',
      })
    } finally {
      await state.close()
    }
  }, 180_000)

  it('without a directory the recipe runs on in-memory stores and prints no state line', async () => {
    const state = await openRecipeState({}, 'insurance-claim')
    expect(state.dir).toBeUndefined()
    expect(state.note).toBeUndefined()
    expect(state.kept).toBeUndefined()
    await state.close()
  })
})

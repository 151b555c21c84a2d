/**
 * The one scheduler behind the custodian store's batches and the access log's group commit (`_createBatcher`), without
 * a database: what `take` bounds, which calls go together, and that each call gets its own outcome.
 */
import { fc, test as fcTest } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { _createBatcher } from '../src/stores/_batch.js'

const turn = () => new Promise((r) => setImmediate(r))

/** An item: its weight (what `take` counts) and whether its batch's statement fails. */
type Item = { readonly id: number; readonly weight: number; readonly poison: boolean }

describe('_createBatcher', () => {
  fcTest.prop(
    [
      fc.array(fc.record({ weight: fc.integer({ min: 1, max: 6 }), poison: fc.boolean() }), {
        minLength: 1,
        maxLength: 40,
      }),
      fc.integer({ min: 1, max: 12 }),
    ],
    { numRuns: 60 },
  )(
    'one turn of calls: batches in order, each as large as `take` lets it be; a failed batch fails exactly its calls',
    async (drawn, max) => {
      const items: Item[] = drawn.map((d, id) => ({ id, ...d, poison: d.poison && id % 3 === 0 }))
      const batches: number[][] = []
      // by weight, as the access log bounds a group by leaves: at least one, then as many as fit under `max`
      const take = (waiting: readonly Item[]) => {
        let n = 0
        let sum = 0
        while (n < waiting.length && (n === 0 || sum + (waiting[n] as Item).weight <= max))
          sum += (waiting[n++] as Item).weight
        return n
      }
      const call = _createBatcher<Item, number>(async (batch) => {
        batches.push(batch.map((i) => i.id))
        await turn()
        if (batch.some((i) => i.poison)) throw new Error('statement failed')
        return batch.map((i) => ({ status: 'fulfilled', value: i.id * 10 }))
      }, take)
      const settled = await Promise.allSettled(items.map((i) => call(i)))
      // the batches cover the calls once each, in call order
      expect(batches.flat()).toEqual(items.map((i) => i.id))
      // each batch is what `take` gave: within the bound (or one call alone), and the next call would not have fitted
      for (const [k, b] of batches.entries()) {
        const weight = b.reduce((s, id) => s + (items[id] as Item).weight, 0)
        if (b.length > 1) expect(weight).toBeLessThanOrEqual(max)
        const next = batches[k + 1]?.[0]
        if (next !== undefined) expect(weight + (items[next] as Item).weight).toBeGreaterThan(max)
      }
      // each call answered with its own outcome: its value, or its own batch's failure
      for (const b of batches) {
        const failed = b.some((id) => (items[id] as Item).poison)
        for (const id of b) {
          const s = settled[id] as PromiseSettledResult<number>
          if (failed) expect(s.status).toBe('rejected')
          else expect(s).toEqual({ status: 'fulfilled', value: id * 10 })
        }
      }
    },
  )

  it('a number bounds a batch by calls; calls made while a batch runs wait for it and go together in the next', async () => {
    const batches: string[][] = []
    const gates: (() => void)[] = []
    const answered: string[] = []
    const call = _createBatcher<string, string>(async (batch) => {
      batches.push([...batch])
      await new Promise<void>((r) => gates.push(r))
      return batch.map((value) => ({ status: 'fulfilled', value }))
    }, 3)
    const watch = (s: string) =>
      call(s).then((v) => {
        answered.push(v)
        return v
      })
    const first = [watch('a'), watch('b'), watch('c'), watch('d')]
    while (gates.length === 0) await turn()
    expect(batches).toEqual([['a', 'b', 'c']]) // at most 3; 'd' waits
    const later = [watch('e'), watch('f')]
    for (let i = 0; i < 5; i++) await turn()
    expect([batches.length, answered]).toEqual([1, []]) // nothing starts, nobody is answered, while 'abc' runs
    ;(gates.shift() as () => void)()
    while (gates.length === 0) await turn()
    expect(answered).toEqual(['a', 'b', 'c'])
    expect(batches[1]).toEqual(['d', 'e', 'f']) // what waited, together
    ;(gates.shift() as () => void)()
    expect(await Promise.all([...first, ...later])).toEqual(['a', 'b', 'c', 'd', 'e', 'f'])
    expect(batches).toHaveLength(2)
  })
})

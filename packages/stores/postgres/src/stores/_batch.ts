/**
 * Coalescing of concurrent calls of one kind in one process (internal): calls made in one turn of the event loop,
 * and those made while a batch runs, go together in the next batch (one statement for all of them). Nothing waits on
 * a timer: a batch starts at the end of the turn its first call was made in (`setImmediate`).
 * @module
 */

/**
 * Runs `fn` once the current turn of the event loop is over: after every microtask and the I/O callbacks already due
 * (`setImmediate` in Node; a zero `setTimeout` elsewhere). Calls made in the same turn (the callers one database answer
 * released, say) then meet in one batch instead of the first going alone. @internal
 */
export const _afterTurn: (fn: () => void) => void =
  typeof globalThis.setImmediate === 'function'
    ? (fn) => {
        globalThis.setImmediate(fn)
      }
    : (fn) => {
        setTimeout(fn, 0)
      }

/**
 * Returns a function that runs `run` over batches of its calls: the calls made in one turn of the event loop form a
 * batch, which starts at the end of that turn; calls made while a batch runs wait and form the next one. `take` bounds
 * a batch: at most that many calls, or, as a function, how many of the waiting calls (oldest first; at least one is
 * always taken; the function must not throw) go in the next batch; the rest wait for the one after. `run` answers the calls of a batch in order, each
 * with its own outcome (a value or an error), or fails them all by throwing. A call is answered only once `run` has.
 * @internal
 */
export function _createBatcher<I, O>(
  run: (items: readonly I[]) => Promise<readonly PromiseSettledResult<O>[]>,
  take: number | ((waiting: readonly I[]) => number),
): (item: I) => Promise<O> {
  type Settle = { readonly resolve: (o: O) => void; readonly reject: (e: unknown) => void }
  // the waiting calls: their items (what `take` looks at) and, at the same positions, how to answer them
  let items: I[] = []
  let settles: Settle[] = []
  // a batch is scheduled (end of turn) or running: new calls wait for the next one
  let busy = false
  const next = async () => {
    const n = Math.max(1, typeof take === 'number' ? take : take(items))
    const batch = items.slice(0, n)
    const answer = settles.slice(0, batch.length)
    items = items.slice(batch.length)
    settles = settles.slice(batch.length)
    try {
      const out = await run(batch)
      if (out.length !== batch.length) throw new Error('a batch answered the wrong number of calls')
      answer.forEach((w, i) => {
        const o = out[i] as PromiseSettledResult<O>
        if (o.status === 'fulfilled') w.resolve(o.value)
        else w.reject(o.reason)
      })
    } catch (e) {
      for (const w of answer) w.reject(e)
    } finally {
      // what arrived meanwhile goes at the end of this turn, with what this batch's answers lead to at once
      if (items.length > 0) _afterTurn(() => void next())
      else busy = false
    }
  }
  return (item) =>
    new Promise<O>((resolve, reject) => {
      items.push(item)
      settles.push({ resolve, reject })
      if (!busy) {
        busy = true
        _afterTurn(() => void next())
      }
    })
}

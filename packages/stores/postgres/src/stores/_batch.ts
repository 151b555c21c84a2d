/**
 * Coalescing of concurrent calls of one kind in one process (internal): while a batch runs, new calls wait, and then
 * go together in the next batch (one statement for all of them). Nothing waits on a timer: a lone call runs at once.
 * @module
 */

/**
 * Returns a function that runs `run` over batches of its calls: the first call starts a batch of one; calls made
 * while a batch runs wait and form the next batch (at most `max` calls; the rest wait for the one after). `run`
 * answers the calls of a batch in order, each with its own outcome (a value or an error), or fails them all by
 * throwing.
 * @internal
 */
export function _createBatcher<I, O>(
  run: (items: readonly I[]) => Promise<readonly PromiseSettledResult<O>[]>,
  max: number,
): (item: I) => Promise<O> {
  type Waiting = { readonly item: I; readonly resolve: (o: O) => void; readonly reject: (e: unknown) => void }
  let queue: Waiting[] = []
  let running = false
  const drain = async () => {
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, max)
        queue = queue.slice(batch.length)
        try {
          const out = await run(batch.map((w) => w.item))
          if (out.length !== batch.length) throw new Error('a batch answered the wrong number of calls')
          batch.forEach((w, i) => {
            const o = out[i] as PromiseSettledResult<O>
            if (o.status === 'fulfilled') w.resolve(o.value)
            else w.reject(o.reason)
          })
        } catch (e) {
          for (const w of batch) w.reject(e)
        }
      }
    } finally {
      running = false
    }
  }
  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject })
      if (!running) {
        running = true
        void drain()
      }
    })
}

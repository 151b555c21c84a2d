/**
 * The two runs every recipe must pass, registered in one call from its test file: on the memory ledger, and on a
 * MedsealRegistry deployed on a fresh anvil node (started for the suite on 127.0.0.1 and stopped after), each
 * asserting the same facts. The RPC URL never appears in what a recipe prints.
 */
import { startAnvil } from '@medseal/adapter-evm/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/** What every recipe summary reports about its ledger. */
export type RecipeSummary = { readonly ledger: string; readonly ledgerId: string }

/** Options of {@link describeRecipeRuns}. */
export type DescribeRecipeRunsParameters<S extends RecipeSummary> = {
  /** The recipe's title, the first line it prints before ` on <ledger>`. */
  readonly title: string
  /** Name of the memory-ledger test. */
  readonly memoryTest: string
  readonly run: (options: { rpc?: string }, output: (line: string) => void) => Promise<S>
  /** The facts both runs must show. */
  readonly assertFacts: (summary: S, lines: string[]) => void
  /** Per-run timeout (default 120 s for anvil, 60 s for memory). */
  readonly timeoutMs?: number
}

/** Registers the memory run and the anvil run of a recipe. */
export function describeRecipeRuns<S extends RecipeSummary>(params: DescribeRecipeRunsParameters<S>): void {
  const { title, run, assertFacts } = params
  it(
    params.memoryTest,
    async () => {
      const lines: string[] = []
      const summary = await run({}, (l) => lines.push(l))
      expect(summary.ledger).toBe('memory')
      expect(lines[0]).toBe(`${title} on memory`)
      assertFacts(summary, lines)
    },
    params.timeoutMs ?? 60_000,
  )

  describe('on anvil', () => {
    let anvil: Awaited<ReturnType<typeof startAnvil>>
    beforeAll(async () => {
      anvil = await startAnvil()
    }, 30_000)
    afterAll(async () => {
      await anvil?.stop()
    })
    it(
      'verifies the same facts against a MedsealRegistry deployed on the chain',
      async () => {
        const lines: string[] = []
        const summary = await run({ rpc: anvil.rpcUrl }, (l) => lines.push(l))
        expect(summary.ledger).toBe('evm')
        expect(summary.ledgerId).toMatch(/^eip155:31337:0x[0-9a-fA-F]{40}$/)
        expect(lines.join('\n')).not.toContain(anvil.rpcUrl)
        assertFacts(summary, lines)
      },
      params.timeoutMs ?? 120_000,
    )
  })
}

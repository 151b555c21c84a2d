/**
 * The vitest functions the suites use, forwarded to whatever `load()` returns at call time, so `_vitest.ts` (ESM:
 * top-level import) and `_vitest.cjs.ts` (CommonJS: require on first use) share one forwarding and differ only in
 * how vitest is loaded.
 * @internal
 * @module
 */
import type * as Vitest from 'vitest'

type Forwarded = 'describe' | 'it' | 'expect' | 'beforeAll' | 'beforeEach' | 'afterAll' | 'afterEach'

/** Proxies for vitest's functions that call `load()` on every use (same signatures, same properties). @internal */
export function forwardVitest(load: () => typeof Vitest): { readonly [K in Forwarded]: (typeof Vitest)[K] } {
  const forward = <K extends Forwarded>(name: K): (typeof Vitest)[K] =>
    // a function target so `apply` works; every property read (expect.soft, describe.skip, …) goes to vitest's own
    new Proxy(function vitestForward() {}, {
      apply: (_t, self, args) => Reflect.apply(load()[name] as (...a: unknown[]) => unknown, self, args),
      get: (_t, prop) => Reflect.get(load()[name] as object, prop),
    }) as unknown as (typeof Vitest)[K]
  return {
    describe: forward('describe'),
    it: forward('it'),
    expect: forward('expect'),
    beforeAll: forward('beforeAll'),
    beforeEach: forward('beforeEach'),
    afterAll: forward('afterAll'),
    afterEach: forward('afterEach'),
  }
}

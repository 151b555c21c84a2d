/**
 * The tsup configs every published package builds with: an ESM build that keeps its dependencies external, and a
 * CommonJS build for Node (`require`) that bundles the ESM-only dependencies (`@noble/*` 2.x, `multiformats`,
 * `cborg`), so it loads without Node's `require(esm)` (`--no-experimental-require-module`) and under Jest. Declarations: `.d.ts` from
 * the ESM build, `.d.cts` from the CommonJS one, with `multiformats`' types inlined (an ESM-only package cannot be
 * referenced from a `.d.cts` under `moduleResolution: node16`: TS1479).
 */
import type { Options } from 'tsup'

/** Bundled into the CommonJS build: ESM-only packages that `require()` cannot load without require(esm). */
export const ESM_ONLY_DEPENDENCIES = [/^@noble\//, /^multiformats(\/|$)/, /^cborg(\/|$)/]

export function dualConfig(opts: {
  entry: Record<string, string>
  target?: string
  external?: string[]
  /** esbuild plugins for the CommonJS build only (e.g. core swaps a module that uses top-level await). */
  cjsPlugins?: NonNullable<Options['esbuildPlugins']>
  /**
   * Emit the ESM build file by file (no bundling) from these globs, so a consumer's bundler drops whole modules the
   * app does not use (`sideEffects: false`); one bundled file keeps every top-level expression it cannot prove pure.
   */
  esmModules?: string[]
}): Options[] {
  const common: Options = {
    entry: opts.entry,
    sourcemap: true,
    clean: false,
    target: opts.target ?? 'es2022',
    ...(opts.external ? { external: opts.external } : {}),
  }
  return [
    opts.esmModules
      ? { ...common, entry: opts.esmModules, bundle: false, format: ['esm'], dts: { entry: opts.entry } }
      : { ...common, format: ['esm'], dts: true },
    {
      ...common,
      format: ['cjs'],
      platform: 'node',
      noExternal: ESM_ONLY_DEPENDENCIES,
      dts: { resolve: ESM_ONLY_DEPENDENCIES },
      ...(opts.cjsPlugins ? { esbuildPlugins: opts.cjsPlugins } : {}),
    },
  ]
}

import { defineConfig } from 'tsup'
import { dualConfig } from '../../../../scripts/tsupDual'

export default defineConfig([
  // the library: the contract, chaincode factory, CCaaS server functions, and ./testing
  ...dualConfig({ entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' }, target: 'node20' }),
  {
    // the CCaaS process: one file with @medseal/core bundled in, so a chaincode image needs only
    // fabric-shim, fabric-contract-api and this file (see docs/adapters/fabric.md)
    entry: { server: 'src/server.ts' },
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'node20',
    noExternal: ['@medseal/core', '@noble/curves', '@noble/hashes', '@noble/ciphers', 'multiformats', 'long'],
    external: ['fabric-shim', 'fabric-contract-api'],
  },
])

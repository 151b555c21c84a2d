import { defineConfig } from 'tsup'
import { dualConfig } from '../../scripts/tsupDual'

export default defineConfig(
  dualConfig({ entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' }, external: ['vitest'] }),
)

// Bundle-size probe: sealing and opening only.
import { open, seal } from '@medseal/core'

const used: unknown[] = [seal, open]
;(globalThis as { medsealBundleProbe?: unknown }).medsealBundleProbe = used

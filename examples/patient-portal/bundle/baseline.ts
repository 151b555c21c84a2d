// Bundle-size baseline: the same shape of entry as core.ts with no SDK import.
const used: unknown[] = []
;(globalThis as { medsealBundleProbe?: unknown }).medsealBundleProbe = used

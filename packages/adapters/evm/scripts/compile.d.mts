/** Types of scripts/compile.mjs (for the reproducible-build test). */
export type CompiledRegistry = {
  abi: unknown[]
  bytecode: `0x${string}`
  deployedBytecode: `0x${string}`
  immutableReferences: { start: number; length: number }[]
  solcVersion: string
}
export declare const SOURCE_NAME: string
export declare const CONTRACT_NAME: string
export declare const SOLC_VERSION: string
export declare const SETTINGS: Record<string, unknown>
export declare const paths: { source: string; json: string; ts: string }
export declare function compileRegistry(): CompiledRegistry
export declare function renderJson(compiled: CompiledRegistry): string
export declare function renderTs(compiled: CompiledRegistry): string

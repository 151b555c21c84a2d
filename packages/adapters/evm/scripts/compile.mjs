#!/usr/bin/env node
/**
 * Compiles contracts/MedsealRegistry.sol with solc from npm (solcjs, pinned in package.json) into the committed
 * artifacts: src/artifacts/MedsealRegistry.json and src/artifacts/MedsealRegistry.ts (`as const`, for viem typing).
 *
 *   node scripts/compile.mjs           write the artifacts
 *   node scripts/compile.mjs --check   exit 1 if the committed artifacts differ from a fresh compile
 *
 * The build is reproducible: same source + same solc + same settings = same bytes (the CBOR metadata hash at the
 * end of the bytecode covers the source and the settings). `src/artifacts.test.ts` recompiles and compares.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const pkgDir = fileURLToPath(new URL('..', import.meta.url))

/** Source unit name as it appears in the metadata (keep stable: it is hashed into the bytecode). */
export const SOURCE_NAME = 'contracts/MedsealRegistry.sol'
export const CONTRACT_NAME = 'MedsealRegistry'
export const SOLC_VERSION = '0.8.37+commit.f401782d.Emscripten.clang'

/** Compiler settings. Change them and the artifacts (and every deployed address's code) change. */
export const SETTINGS = {
  evmVersion: 'cancun',
  optimizer: { enabled: true, runs: 10_000 },
  viaIR: true,
  metadata: { bytecodeHash: 'ipfs' },
  outputSelection: {
    '*': {
      '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.deployedBytecode.immutableReferences'],
    },
  },
}

export const paths = {
  source: `${pkgDir}contracts/MedsealRegistry.sol`,
  json: `${pkgDir}src/artifacts/MedsealRegistry.json`,
  ts: `${pkgDir}src/artifacts/MedsealRegistry.ts`,
}

/**
 * Compiles the registry.
 * @returns {import('./compile.d.mts').CompiledRegistry}
 */
export function compileRegistry() {
  const solc = require('solc')
  if (solc.version() !== SOLC_VERSION) {
    throw new Error(`solc ${SOLC_VERSION} expected, found ${solc.version()}`)
  }
  const input = {
    language: 'Solidity',
    sources: { [SOURCE_NAME]: { content: readFileSync(paths.source, 'utf8') } },
    settings: SETTINGS,
  }
  const output = JSON.parse(solc.compile(JSON.stringify(input)))
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error')
  const warnings = (output.errors ?? []).filter((e) => e.severity !== 'error')
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'))
  if (warnings.length > 0) throw new Error(`solc warnings:\n${warnings.map((e) => e.formattedMessage).join('\n')}`)
  const contract = output.contracts[SOURCE_NAME][CONTRACT_NAME]
  return {
    abi: contract.abi,
    bytecode: `0x${contract.evm.bytecode.object}`,
    deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
    immutableReferences: Object.values(contract.evm.deployedBytecode.immutableReferences ?? {})
      .flat()
      .map(({ start, length }) => ({ start, length }))
      .sort((a, b) => a.start - b.start),
    solcVersion: solc.version(),
  }
}

/** The JSON artifact's exact text. */
export function renderJson(compiled) {
  const { abi, bytecode, deployedBytecode, solcVersion } = compiled
  return `${JSON.stringify(
    {
      contractName: CONTRACT_NAME,
      sourceName: SOURCE_NAME,
      solcVersion,
      settings: SETTINGS,
      abi,
      bytecode,
      deployedBytecode,
    },
    null,
    2,
  )}\n`
}

/** The TypeScript artifact's text (biome formats it afterwards; the test compares values, not text). */
export function renderTs(compiled) {
  const { abi, bytecode, deployedBytecode, immutableReferences, solcVersion } = compiled
  return `/**
 * MedsealRegistry compiled by \`scripts/compile.mjs\` from \`${SOURCE_NAME}\` with solc ${solcVersion}
 * (evmVersion ${SETTINGS.evmVersion}, optimizer ${SETTINGS.optimizer.runs} runs). Generated: do not edit;
 * \`src/artifacts.test.ts\` fails when this file and a fresh compile differ.
 * @module
 */

/** ABI of the MedsealRegistry contract (\`as const\`, so viem infers argument and return types). */
export const medsealRegistryAbi = ${JSON.stringify(abi, null, 2)} as const

/** Creation bytecode of the MedsealRegistry contract (the constructor takes no arguments). */
export const medsealRegistryBytecode = '${bytecode}' as const

/**
 * Runtime bytecode of the MedsealRegistry contract, to check that an address holds a genuine registry. The bytes at
 * {@link medsealRegistryImmutableReferences} are zero here and set by the constructor on chain.
 */
export const medsealRegistryDeployedBytecode = '${deployedBytecode}' as const

/** Byte ranges of the runtime bytecode holding immutables (chain id, domain separator, deployment block). */
export const medsealRegistryImmutableReferences = ${JSON.stringify(immutableReferences)} as const

/** The compiler and settings the artifacts come from. */
export const medsealRegistryCompiler = ${JSON.stringify({ solcVersion, settings: SETTINGS }, null, 2)} as const
`
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]
if (isMain) {
  const compiled = compileRegistry()
  const json = renderJson(compiled)
  if (process.argv.includes('--check')) {
    const committed = readFileSync(paths.json, 'utf8')
    if (committed !== json) {
      console.error('src/artifacts/MedsealRegistry.json differs from a fresh compile: run node scripts/compile.mjs')
      process.exit(1)
    }
    console.log('artifacts match a fresh compile')
  } else {
    writeFileSync(paths.json, json)
    writeFileSync(paths.ts, renderTs(compiled))
    console.log(`wrote ${paths.json} and ${paths.ts} (${(compiled.deployedBytecode.length - 2) / 2} bytes runtime)`)
  }
}

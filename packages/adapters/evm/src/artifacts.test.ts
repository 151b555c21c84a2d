import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { compileRegistry, paths, renderJson } from '../scripts/compile.mjs'
import {
  medsealRegistryAbi,
  medsealRegistryBytecode,
  medsealRegistryCompiler,
  medsealRegistryDeployedBytecode,
  medsealRegistryImmutableReferences,
} from './artifacts/MedsealRegistry.js'

describe('MedsealRegistry artifacts (reproducible build)', () => {
  const fresh = compileRegistry()

  it('the committed JSON artifact is byte-for-byte a fresh solc compile of contracts/MedsealRegistry.sol', () => {
    expect(readFileSync(paths.json, 'utf8')).toBe(renderJson(fresh))
  })

  it('the committed TypeScript artifact holds the same ABI and bytecode', () => {
    expect(medsealRegistryAbi).toEqual(fresh.abi)
    expect(medsealRegistryBytecode).toBe(fresh.bytecode)
    expect(medsealRegistryDeployedBytecode).toBe(fresh.deployedBytecode)
    expect(medsealRegistryImmutableReferences).toEqual(fresh.immutableReferences)
    expect(medsealRegistryCompiler.solcVersion).toBe(fresh.solcVersion)
  })

  it('the bytecode ends with the solc metadata (CBOR: ipfs hash + solc 0.8.37)', () => {
    // CBOR map tail: ... 0x64 "solc" 0x43 <0x00 0x08 0x25> 0x0033 (length of the CBOR section)
    expect(fresh.deployedBytecode.endsWith('64736f6c63430008250033')).toBe(true)
  })
})

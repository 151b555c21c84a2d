import { expect, it } from 'vitest'
import { bytesToBase64url, bytesToHex } from '../bytes/index.js'
import { createParty } from './createParty.js'

// core's tsconfig carries no Node types (core code must not use Node built-ins); this Node-only test loads
// node:util at run time instead.
const NODE_UTIL = 'node:util'
const { inspect } = (await import(/* @vite-ignore */ NODE_UTIL)) as {
  inspect: (value: unknown, options?: { showHidden?: boolean; depth?: number }) => string
}

it('util.inspect and console formatting never show secrets', () => {
  const party = createParty()
  const secrets = [party.exportSeed(), party.encryptionSecretKey]
  for (const text of [
    inspect(party),
    inspect(party, { showHidden: true, depth: 10 }),
    inspect({ nested: party }, { depth: 10 }),
    inspect(party.toPublic(), { showHidden: true }),
  ]) {
    for (const s of secrets) {
      expect(text).not.toContain(bytesToHex(s))
      expect(text).not.toContain(bytesToBase64url(s))
      // Uint8Array rendering: the first bytes as a decimal list
      expect(text).not.toContain(Array.from(s.subarray(0, 6)).join(', '))
    }
  }
  expect(inspect(party)).toBe(`Party { did: '${party.did}', address: '${party.address}' }`)
})

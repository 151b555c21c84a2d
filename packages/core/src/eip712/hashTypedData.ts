/**
 * EIP-712 encoding and hashing: `encodeType`, `hashStruct`, `hashDomain`, `hashTypedData`.
 *
 * `hashTypedData` returns `keccak256(0x19 || 0x01 || hashDomain(domain) || hashStruct(primaryType, message))`, the
 * digest that `eth_signTypedData_v4`, viem's `signTypedData` and Solidity's EIP-712 helpers sign and check.
 * Malformed typed data (unknown types, missing or extra members, out-of-range integers, wrong byte lengths, bad
 * addresses) is an {@link InvalidArgumentError}, never a raw `TypeError`.
 * @module
 */
import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex, describeType, hexToBytes, isBytes, utf8ToBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import type { ErrorCode } from '../errors/codes.js'
import { createBoundedMemo } from '../identity/_boundedMemo.js'
import { isAddress } from '../identity/address.js'
import type { TypedData, TypedDataDomain, TypedDataField, TypedDataTypes } from './types.js'

/** Everything the EIP-712 hashing functions can throw. */
export type HashTypedDataErrorType = InvalidArgumentError

/** The domain fields EIP-712 defines, in their canonical order, with their types. */
const DOMAIN_FIELDS: readonly TypedDataField[] = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
  { name: 'verifyingContract', type: 'address' },
  { name: 'salt', type: 'bytes32' },
]
const DOMAIN_FIELD_NAMES = new Set(DOMAIN_FIELDS.map((f) => f.name))

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/
const ARRAY_SUFFIX = /^(.*)\[(\d*)\]$/
const INT_TYPE = /^(u?)int(\d{1,3})$/
const BYTES_N = /^bytes(\d{1,2})$/
/** Struct values may nest at most this deep (recursive struct types would otherwise recurse without bound). */
const MAX_DEPTH = 64

function fail(code: ErrorCode, message: string, at?: string): InvalidArgumentError {
  return new InvalidArgumentError(code, message, {
    ...(at ? { metaMessages: [`At: ${at}`] } : {}),
  })
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

function isAtomic(type: string): boolean {
  if (type === 'address' || type === 'bool' || type === 'string' || type === 'bytes') return true
  const i = INT_TYPE.exec(type)
  if (i) {
    const bits = Number(i[2])
    return bits >= 8 && bits <= 256 && bits % 8 === 0 && String(bits) === i[2]
  }
  const b = BYTES_N.exec(type)
  if (b) {
    const n = Number(b[1])
    return n >= 1 && n <= 32 && String(n) === b[1]
  }
  return false
}

/** The struct-type name under any array suffixes (`Person[][2]` → `Person`). */
function baseType(type: string): string {
  const i = type.indexOf('[')
  return i < 0 ? type : type.slice(0, i)
}

/**
 * Checks `types` once: every struct name is an identifier, every member has a unique identifier name and a type
 * that is atomic, an array (`T[]`, `T[k]`) or a defined struct.
 */
function validateTypes(types: unknown): TypedDataTypes {
  if (!isPlainObject(types))
    throw fail('INVALID_TYPE', 'types must be a plain object of struct definitions.', `Received ${describeType(types)}`)
  for (const [name, fields] of Object.entries(types)) {
    if (!IDENTIFIER.test(name) || isAtomic(name)) throw fail('INVALID_ARGUMENT', 'A struct type name is not valid.')
    if (!Array.isArray(fields)) throw fail('INVALID_TYPE', `types.${name} must be an array of fields.`)
    const seen = new Set<string>()
    for (const field of fields as unknown[]) {
      if (!isPlainObject(field) || typeof field.name !== 'string' || typeof field.type !== 'string')
        throw fail('INVALID_TYPE', `Each field of ${name} must be { name: string, type: string }.`)
      if (!IDENTIFIER.test(field.name)) throw fail('INVALID_ARGUMENT', `A field name of ${name} is not valid.`)
      if (seen.has(field.name)) throw fail('INVALID_ARGUMENT', `${name} has a duplicate field ${field.name}.`)
      seen.add(field.name)
      let t = field.type
      for (let m = ARRAY_SUFFIX.exec(t); m; m = ARRAY_SUFFIX.exec(t)) {
        if (m[2] !== '' && (m[2] as string).length > 1 && m[2]!.startsWith('0'))
          throw fail('INVALID_ARGUMENT', `${name}.${field.name} has a malformed array length.`)
        t = m[1] as string
      }
      if (!isAtomic(t) && !(IDENTIFIER.test(t) && Object.hasOwn(types, t)))
        throw fail('INVALID_ARGUMENT', `${name}.${field.name} has an unknown type.`, `${name}.${field.name}`)
    }
  }
  return types as TypedDataTypes
}

function structFields(types: TypedDataTypes, name: string): readonly TypedDataField[] {
  if (typeof name !== 'string' || !Object.hasOwn(types, name))
    throw fail('INVALID_ARGUMENT', 'primaryType is not a struct type defined in types.')
  return types[name] as readonly TypedDataField[]
}

/**
 * The EIP-712 `encodeType` string of struct `primaryType`: `Name(type1 name1,…)` followed by every struct type it
 * references (recursively), sorted by name.
 *
 * @param params - `types` (struct definitions) and `primaryType`
 * @returns e.g. `Mail(Person from,Person to,string contents)Person(string name,address wallet)`
 * @throws {@link InvalidArgumentError} for malformed types or an unknown `primaryType`
 * @example
 * ```ts
 * import { encodeType } from '@medseal/core'
 * encodeType({ types: { Person: [{ name: 'name', type: 'string' }] }, primaryType: 'Person' }) // 'Person(string name)'
 * ```
 */
export function encodeType(params: { types: TypedDataTypes; primaryType: string }): string {
  const types = validateTypes(params?.types)
  return encodeTypeUnchecked(types, params.primaryType)
}

function encodeTypeUnchecked(types: TypedDataTypes, primaryType: string): string {
  structFields(types, primaryType)
  const deps = new Set<string>()
  const visit = (name: string) => {
    for (const field of types[name] as readonly TypedDataField[]) {
      const t = baseType(field.type)
      if (!isAtomic(t) && t !== primaryType && !deps.has(t)) {
        deps.add(t)
        visit(t)
      }
    }
  }
  visit(primaryType)
  const format = (name: string) =>
    `${name}(${(types[name] as readonly TypedDataField[]).map((f) => `${f.type} ${f.name}`).join(',')})`
  return [primaryType, ...[...deps].sort()].map(format).join('')
}

type Context = { readonly types: TypedDataTypes; readonly typeHashes: Map<string, Uint8Array> }

/**
 * Type hashes by their `encodeType` string, across calls: a verifier hashes the same few struct types on every
 * request, and a type hash is a keccak of the whole type string. Keys are type definitions (schemas, never data);
 * a hash depends on its key alone. Bounded (256 types); the bytes are only ever copied into encodings.
 */
const typeHashMemo = /* @__PURE__ */ createBoundedMemo((encoded: string) => keccak_256(utf8ToBytes(encoded)), 256)

function typeHash(ctx: Context, name: string): Uint8Array {
  let h = ctx.typeHashes.get(name)
  if (!h) {
    h = typeHashMemo.get(encodeTypeUnchecked(ctx.types, name))
    ctx.typeHashes.set(name, h)
  }
  return h
}

function toBigInt(value: unknown, at: string): bigint {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return BigInt(value)
    throw fail(
      Number.isInteger(value) ? 'OUT_OF_RANGE' : 'INVALID_TYPE',
      'An integer given as a number must be a safe integer (use a bigint or a string above 2^53).',
      at,
    )
  }
  if (typeof value === 'string') {
    if (/^-?[0-9]+$/.test(value)) return BigInt(value)
    if (/^0x[0-9a-fA-F]+$/.test(value)) return BigInt(value)
    throw fail('INVALID_ENCODING', 'An integer string must be decimal or 0x hex.', at)
  }
  throw fail('INVALID_TYPE', 'An integer must be a number, a bigint or a string.', `${at} (${describeType(value)})`)
}

function toBytes(value: unknown, at: string): Uint8Array {
  if (isBytes(value)) return value
  if (typeof value === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(value)) return hexToBytes(value)
  if (typeof value === 'string')
    throw fail('INVALID_ENCODING', 'Bytes must be 0x hex with an even number of digits.', at)
  throw fail('INVALID_TYPE', 'Bytes must be 0x hex or a Uint8Array.', `${at} (${describeType(value)})`)
}

function word(n: bigint): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 31; i >= 0 && n > 0n; i--) {
    out[i] = Number(n & 0xffn)
    n >>= 8n
  }
  return out
}

/** The 32-byte encoding of one value of `type` (encodeData's per-member rule). */
function encodeValue(ctx: Context, type: string, value: unknown, at: string, depth: number): Uint8Array {
  const arr = ARRAY_SUFFIX.exec(type)
  if (arr) {
    if (!Array.isArray(value)) throw fail('INVALID_TYPE', `${type} must be an array.`, `${at} (${describeType(value)})`)
    if (arr[2] !== '' && value.length !== Number(arr[2]))
      throw fail('INVALID_LENGTH', `${type} must have exactly ${arr[2]} elements.`, at)
    if (depth >= MAX_DEPTH) throw fail('INPUT_TOO_DEEP', 'Typed data nests too deep.', at)
    const inner = arr[1] as string
    const buf = new Uint8Array(32 * value.length)
    for (let i = 0; i < value.length; i++) buf.set(encodeValue(ctx, inner, value[i], `${at}[${i}]`, depth + 1), 32 * i)
    return keccak_256(buf)
  }
  switch (type) {
    case 'string':
      if (typeof value !== 'string')
        throw fail('INVALID_TYPE', 'string must be a string.', `${at} (${describeType(value)})`)
      return keccak_256(utf8ToBytes(value))
    case 'bytes':
      return keccak_256(toBytes(value, at))
    case 'bool':
      if (typeof value !== 'boolean')
        throw fail('INVALID_TYPE', 'bool must be a boolean.', `${at} (${describeType(value)})`)
      return word(value ? 1n : 0n)
    case 'address': {
      if (typeof value !== 'string')
        throw fail('INVALID_TYPE', 'address must be a string.', `${at} (${describeType(value)})`)
      if (!isAddress(value))
        throw fail(
          'INVALID_ARGUMENT',
          'address must be 0x followed by 40 hex digits (mixed case must be a valid EIP-55 checksum).',
          at,
        )
      const out = new Uint8Array(32)
      out.set(hexToBytes(value), 12)
      return out
    }
  }
  const int = INT_TYPE.exec(type)
  if (int) {
    const bits = BigInt(int[2] as string)
    const n = toBigInt(value, at)
    if (int[1] === 'u') {
      if (n < 0n || n >= 1n << bits) throw fail('OUT_OF_RANGE', `${type} value is out of range.`, at)
      return word(n)
    }
    const half = 1n << (bits - 1n)
    if (n < -half || n >= half) throw fail('OUT_OF_RANGE', `${type} value is out of range.`, at)
    return word(BigInt.asUintN(256, n))
  }
  const bn = BYTES_N.exec(type)
  if (bn && isAtomic(type)) {
    const bytes = toBytes(value, at)
    const len = Number(bn[1])
    if (bytes.length !== len) throw fail('INVALID_LENGTH', `${type} must be exactly ${len} bytes.`, at)
    const out = new Uint8Array(32)
    out.set(bytes)
    return out
  }
  if (depth >= MAX_DEPTH) throw fail('INPUT_TOO_DEEP', 'Typed data nests too deep.', at)
  return hashStructUnchecked(ctx, type, value, at, depth + 1)
}

function encodeDataUnchecked(ctx: Context, name: string, data: unknown, at: string, depth: number): Uint8Array {
  const fields = structFields(ctx.types, name)
  if (!isPlainObject(data))
    throw fail('INVALID_TYPE', `${name} must be a plain object.`, `${at} (${describeType(data)})`)
  const out = new Uint8Array(32 * (fields.length + 1))
  out.set(typeHash(ctx, name))
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as TypedDataField
    if (!Object.hasOwn(data, f.name) || data[f.name] === undefined)
      throw fail('INVALID_ARGUMENT', `${name} is missing member ${f.name}.`, at)
    out.set(encodeValue(ctx, f.type, data[f.name], `${at}.${f.name}`, depth), 32 * (i + 1))
  }
  const keys = Object.keys(data)
  if (keys.length !== fields.length) {
    for (const k of keys)
      if (!fields.some((f) => f.name === k) && data[k] !== undefined)
        throw fail('INVALID_ARGUMENT', `${name} has a member its type does not define.`, at)
  }
  return out
}

function hashStructUnchecked(ctx: Context, name: string, data: unknown, at: string, depth: number): Uint8Array {
  return keccak_256(encodeDataUnchecked(ctx, name, data, at, depth))
}

function context(types: TypedDataTypes): Context {
  return { types, typeHashes: new Map() }
}

/**
 * EIP-712 `encodeData` of a struct: its type hash followed by each member's 32-byte encoding.
 *
 * @param params - `types`, `primaryType` and `data` (the struct's value)
 * @returns the encoding (32 bytes per member, plus 32 for the type hash)
 * @throws {@link InvalidArgumentError} for malformed types or data
 * @example
 * ```ts
 * import { encodeData } from '@medseal/core'
 * encodeData({ types: { Person: [{ name: 'name', type: 'string' }] }, primaryType: 'Person', data: { name: 'Bob' } })
 * ```
 */
export function encodeData(params: { types: TypedDataTypes; primaryType: string; data: unknown }): Uint8Array {
  const types = validateTypes(params?.types)
  return encodeDataUnchecked(context(types), params.primaryType, params.data, params.primaryType, 0)
}

/**
 * EIP-712 `hashStruct`: `keccak256(encodeData(primaryType, data))`.
 *
 * @param params - `types`, `primaryType` and `data`
 * @returns 32 bytes
 * @throws {@link InvalidArgumentError} for malformed types or data
 * @example
 * ```ts
 * import { hashStruct } from '@medseal/core'
 * hashStruct({ types: { Person: [{ name: 'name', type: 'string' }] }, primaryType: 'Person', data: { name: 'Bob' } })
 * ```
 */
export function hashStruct(params: { types: TypedDataTypes; primaryType: string; data: unknown }): Uint8Array {
  return keccak_256(encodeData(params))
}

/**
 * The `EIP712Domain` fields for a domain: the present (not `undefined`) fields in the canonical order name, version,
 * chainId, verifyingContract, salt.
 *
 * @param domain - the domain
 * @returns the fields of its `EIP712Domain` type
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` (not an object), `INVALID_ARGUMENT` (a field EIP-712 does not
 *   define)
 * @example
 * ```ts
 * import { getDomainFields } from '@medseal/core'
 * getDomainFields({ name: 'medseal', chainId: 1 }) // [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }]
 * ```
 */
export function getDomainFields(domain: TypedDataDomain): TypedDataField[] {
  if (!isPlainObject(domain))
    throw fail('INVALID_TYPE', 'domain must be a plain object.', `Received ${describeType(domain)}`)
  for (const k of Object.keys(domain))
    if (!DOMAIN_FIELD_NAMES.has(k) && (domain as Record<string, unknown>)[k] !== undefined)
      throw fail('INVALID_ARGUMENT', 'domain has a field EIP-712 does not define.', 'domain')
  return DOMAIN_FIELDS.filter((f) => (domain as Record<string, unknown>)[f.name] !== undefined)
}

function domainContext(domain: TypedDataDomain, types?: TypedDataTypes): Context {
  const given = types && Object.hasOwn(types, 'EIP712Domain') ? types.EIP712Domain : undefined
  return context(validateTypes({ EIP712Domain: given ?? getDomainFields(domain) }))
}

/**
 * The EIP-712 domain separator: `hashStruct(EIP712Domain, domain)`. The `EIP712Domain` type is `types.EIP712Domain`
 * when given (as in `eth_signTypedData_v4` JSON), otherwise derived with {@link getDomainFields}.
 *
 * @param domain - the domain
 * @param types - optional types holding an explicit `EIP712Domain`
 * @returns 32 bytes
 * @throws {@link InvalidArgumentError} for a malformed domain
 * @example
 * ```ts
 * import { hashDomain } from '@medseal/core'
 * hashDomain({ name: 'Ether Mail', version: '1', chainId: 1, verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC' })
 * ```
 */
export function hashDomain(domain: TypedDataDomain, types?: TypedDataTypes): Uint8Array {
  // a copy: the remembered separator is never handed out
  return domainSeparator(domain, types).slice()
}

/**
 * Domain separators by the domain's fields and values, across calls: a ledger's domain is the same on every request,
 * and its separator costs a keccak per string field plus one for the type and one for the struct. Only for domains
 * whose `EIP712Domain` type follows from their fields (the SDK's own), with values of the kinds a domain has
 * (strings, numbers, bigints, bytes); the key names every field and value exactly, so a separator is only ever found
 * for a domain that hashes to it. Bounded (64 domains).
 */
const domainMemo = /* @__PURE__ */ createBoundedMemo((key: string) => {
  const data = JSON.parse(key) as [string, string, string][]
  const domain: Record<string, unknown> = {}
  for (const [name, kind, value] of data)
    domain[name] =
      kind === 'n' ? Number(value) : kind === 'b' ? BigInt(value) : kind === 'x' ? hexToBytes(`0x${value}`) : value
  return computeDomainSeparator(domain)
}, 64)

function stripUndefined(o: object): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v
  return out
}

/** The memo key of a domain's own fields (`undefined` when any value is of a kind that is not remembered). */
function domainKey(data: Record<string, unknown>): string | undefined {
  const parts: [string, string, string][] = []
  for (const [name, v] of Object.entries(data)) {
    if (typeof v === 'string') parts.push([name, 's', v])
    else if (typeof v === 'number' && Number.isSafeInteger(v)) parts.push([name, 'n', String(v)])
    else if (typeof v === 'bigint') parts.push([name, 'b', v.toString()])
    else if (isBytes(v)) parts.push([name, 'x', bytesToHex(v)])
    else return undefined
  }
  return JSON.stringify(parts)
}

function computeDomainSeparator(data: Record<string, unknown>, types?: TypedDataTypes): Uint8Array {
  return hashStructUnchecked(domainContext(data, types), 'EIP712Domain', data, 'domain', 0)
}

/** The domain separator, remembered when it can be (the bytes must not be changed or handed out). @internal */
export function domainSeparator(domain: TypedDataDomain, types?: TypedDataTypes): Uint8Array {
  if (!isPlainObject(domain))
    throw fail('INVALID_TYPE', 'domain must be a plain object.', `Received ${describeType(domain)}`)
  // one read of the caller's object: the key and the hash are made from the same values
  const data = stripUndefined(domain)
  const explicit = types !== undefined && Object.hasOwn(types, 'EIP712Domain')
  const key = explicit ? undefined : domainKey(data)
  return key === undefined ? computeDomainSeparator(data, types) : domainMemo.get(key)
}

/**
 * The EIP-712 digest of typed data: `keccak256(0x1901 || hashDomain(domain) || hashStruct(primaryType, message))`
 * (just `keccak256(0x1901 || hashDomain(domain))` when `primaryType` is `EIP712Domain`). Compatible with viem's
 * `hashTypedData` and `eth_signTypedData_v4`.
 *
 * @param typedData - `{ domain, types, primaryType, message }`
 * @returns the 32-byte digest that is signed
 * @throws {@link InvalidArgumentError} for malformed typed data
 * @example
 * ```ts
 * import { hashTypedData } from '@medseal/core'
 * const digest = hashTypedData({
 *   domain: { name: 'Ether Mail', version: '1', chainId: 1 },
 *   types: { Person: [{ name: 'name', type: 'string' }, { name: 'wallet', type: 'address' }] },
 *   primaryType: 'Person',
 *   message: { name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' },
 * })
 * ```
 */
export function hashTypedData(typedData: TypedData): Uint8Array {
  if (!isPlainObject(typedData))
    throw fail('INVALID_TYPE', 'typedData must be a plain object.', `Received ${describeType(typedData)}`)
  const types = validateTypes(typedData.types)
  const preimage = new Uint8Array(typedData.primaryType === 'EIP712Domain' ? 34 : 66)
  preimage[0] = 0x19
  preimage[1] = 0x01
  preimage.set(domainSeparator(typedData.domain, types), 2)
  if (typedData.primaryType !== 'EIP712Domain') {
    const ctx = context(types)
    preimage.set(hashStructUnchecked(ctx, typedData.primaryType, typedData.message, typedData.primaryType, 0), 34)
  }
  return keccak_256(preimage)
}

/**
 * The JSON wire forms of the custodian's values: envelopes as unpadded base64url of `encodeEnvelope`, byte arrays as
 * 0x hex, identities as `exportIdentity` JSON. Everything read here came over the network: parsed defensively, and
 * every failure is a coded `InvalidArgumentError`.
 * @module
 */
import {
  base64urlToBytes,
  bytesToBase64url,
  bytesToHex0x,
  type CustodianEntry,
  type Deposit,
  decodeEnvelope,
  type Envelope,
  encodeEnvelope,
  type Hex,
  hexToBytes,
  InvalidArgumentError,
} from '@medseal/core'

/** A custodian entry on the wire: never its envelope (who else can read a record is nobody else's business). */
export type EntryJson = {
  readonly commitment: Hex
  readonly owner: string
  readonly resourceType: string
  readonly labels: readonly string[]
  readonly supersededBy?: Hex
  readonly shredded?: true
}

/** A deposit on the wire. */
export type DepositJson = {
  readonly envelope: string
  readonly statement: Deposit['statement']
  readonly proof: Hex
}

const bad = (message: string) => new InvalidArgumentError('INVALID_ARGUMENT', message)

/** @internal */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** @internal */
export function envelopeToJson(envelope: Envelope): string {
  return bytesToBase64url(encodeEnvelope(envelope))
}

/** @internal */
export function envelopeFromJson(value: unknown, name = 'envelope'): Envelope {
  if (typeof value !== 'string') throw bad(`${name} must be base64url text of an encoded envelope.`)
  return decodeEnvelope(base64urlToBytes(value))
}

/** @internal */
export function depositToJson(deposit: Deposit): DepositJson {
  return { envelope: envelopeToJson(deposit.envelope), statement: deposit.statement, proof: deposit.proof }
}

/** @internal */
export function depositFromJson(value: unknown): Deposit {
  if (!isObject(value)) throw bad('The body must be a deposit: { envelope, statement, proof }.')
  const { statement, proof } = value
  if (!isObject(statement)) throw bad('statement must be a signed deposit statement.')
  if (typeof proof !== 'string') throw bad('proof must be 0x hex.')
  return {
    envelope: envelopeFromJson(value.envelope),
    statement: statement as unknown as Deposit['statement'],
    proof: proof as Hex,
  }
}

/** @internal */
export function entryToJson(entry: CustodianEntry): EntryJson {
  return {
    commitment: entry.commitment,
    owner: entry.owner,
    resourceType: entry.resourceType,
    labels: [...entry.labels],
    ...(entry.supersededBy ? { supersededBy: entry.supersededBy } : {}),
    ...(entry.shredded ? { shredded: true as const } : {}),
  }
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/
const ADDRESS = /^0x[0-9a-fA-F]{40}$/

/** @internal */
export function entryFromJson(value: unknown): CustodianEntry {
  if (!isObject(value)) throw bad('The entry must be an object.')
  const { commitment, owner, resourceType, labels, supersededBy, shredded } = value
  if (typeof commitment !== 'string' || !HEX32.test(commitment)) throw bad('entry.commitment must be 32-byte hex.')
  if (typeof owner !== 'string' || !ADDRESS.test(owner)) throw bad('entry.owner must be an address.')
  if (typeof resourceType !== 'string') throw bad('entry.resourceType must be a string.')
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) throw bad('entry.labels must be strings.')
  if (supersededBy !== undefined && (typeof supersededBy !== 'string' || !HEX32.test(supersededBy)))
    throw bad('entry.supersededBy must be 32-byte hex.')
  if (shredded !== undefined && shredded !== true) throw bad('entry.shredded must be true when present.')
  return Object.freeze({
    commitment: commitment as Hex,
    owner: owner as Hex,
    resourceType,
    labels: Object.freeze([...labels]),
    ...(supersededBy ? { supersededBy: supersededBy as Hex } : {}),
    ...(shredded ? { shredded: true as const } : {}),
  })
}

/** @internal */
export const hashesToJson = (hashes: readonly Uint8Array[]): Hex[] => hashes.map((h) => bytesToHex0x(h))

/** @internal */
export function hashesFromJson(value: unknown, name: string): Uint8Array[] {
  if (!Array.isArray(value) || !value.every((h) => typeof h === 'string' && HEX32.test(h)))
    throw bad(`${name} must be a list of 32-byte hex hashes.`)
  return value.map((h: string) => hexToBytes(h))
}

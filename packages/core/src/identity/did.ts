/**
 * DIDs for parties: `did:key` of the secp256k1 signing key (multicodec `secp256k1-pub` 0xe7, base58btc) and
 * `did:pkh:eip155:<chainId>:<address>` for its Ethereum account (CAIP-10).
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { varint } from 'multiformats'
import { base58btc } from 'multiformats/bases/base58'
import { assertBytes, describeType } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import type { Address } from '../types.js'
import { isAddress, publicKeyToAddress, toChecksumAddress } from './address.js'

/**
 * Multicodec code of a compressed secp256k1 public key (`secp256k1-pub`), the key type of a party's `did:key`.
 * @example
 * ```ts
 * import { SECP256K1_PUB_MULTICODEC } from '@medseal/core'
 * SECP256K1_PUB_MULTICODEC // 0xe7
 * ```
 */
export const SECP256K1_PUB_MULTICODEC = 0xe7

/** A parsed DID. */
export type ParsedDid =
  | {
      readonly method: 'key'
      /** Compressed secp256k1 public key, 33 bytes. */
      readonly publicKey: Uint8Array
      /** The key's Ethereum address (checksummed). */
      readonly address: Address
    }
  | {
      readonly method: 'pkh'
      readonly namespace: 'eip155'
      readonly chainId: number
      /** Checksummed address. */
      readonly address: Address
    }

/** Everything the DID helpers can throw. */
export type DidErrorType = InvalidArgumentError

const MAX_DID_LENGTH = 256
const PREFIX_LENGTH = varint.encodingLength(SECP256K1_PUB_MULTICODEC)

function invalidDid(message: string, cause?: unknown): InvalidArgumentError {
  return new InvalidArgumentError('INVALID_DID', message, cause === undefined ? {} : { cause })
}

/**
 * The `did:key` of a secp256k1 public key.
 *
 * @param publicKey - 33-byte compressed (or 65-byte uncompressed) secp256k1 public key
 * @returns `did:key:z…` (base58btc of `0xe7 0x01 || compressed key`)
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`, `INVALID_KEY`
 * @example
 * ```ts
 * import { toDidKey } from '@medseal/core'
 * toDidKey(party.signingPublicKey) // 'did:key:zQ3s…'
 * ```
 */
export function toDidKey(publicKey: Uint8Array): string {
  assertBytes(publicKey, { name: 'publicKey' })
  let compressed: Uint8Array
  try {
    compressed = secp256k1.Point.fromBytes(publicKey).toBytes(true)
  } catch (cause) {
    throw new InvalidArgumentError('INVALID_KEY', 'publicKey is not a valid secp256k1 public key.', { cause })
  }
  const bytes = new Uint8Array(PREFIX_LENGTH + compressed.length)
  varint.encodeTo(SECP256K1_PUB_MULTICODEC, bytes, 0)
  bytes.set(compressed, PREFIX_LENGTH)
  return `did:key:${base58btc.encode(bytes)}`
}

/**
 * The `did:pkh` of an Ethereum account (CAIP-10 `eip155:<chainId>:<address>`).
 *
 * @param params - `address` and `chainId` (positive safe integer, e.g. 1 for mainnet)
 * @returns `did:pkh:eip155:<chainId>:<checksummed address>`
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`, `INVALID_ARGUMENT`, `OUT_OF_RANGE`
 * @example
 * ```ts
 * import { toDidPkh } from '@medseal/core'
 * toDidPkh({ address: party.address, chainId: 1 }) // 'did:pkh:eip155:1:0x…'
 * ```
 */
export function toDidPkh(params: { address: Address; chainId: number }): string {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object { address, chainId }.', {
      metaMessages: [`Received ${describeType(params)}.`],
    })
  const { address, chainId } = params
  if (!Number.isSafeInteger(chainId) || chainId <= 0)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'chainId must be a positive safe integer.')
  return `did:pkh:eip155:${chainId}:${toChecksumAddress(address)}`
}

/**
 * Parses a `did:key` (secp256k1) or `did:pkh:eip155` DID.
 *
 * @param did - the DID
 * @returns its method and key or account
 * @throws {@link InvalidArgumentError} `INVALID_DID` for anything else (other methods or key types, bad encodings,
 *   keys not on the curve, bad checksums, fragments or paths)
 * @example
 * ```ts
 * import { parseDid } from '@medseal/core'
 * const parsed = parseDid(party.did)
 * if (parsed.method === 'key') console.log(parsed.address)
 * ```
 */
export function parseDid(did: string): ParsedDid {
  if (typeof did !== 'string') throw invalidDid('A DID must be a string.')
  if (did.length > MAX_DID_LENGTH) throw invalidDid(`A DID must be at most ${MAX_DID_LENGTH} characters.`)
  if (did.startsWith('did:key:')) {
    const mb = did.slice(8)
    if (!/^z[1-9A-HJ-NP-Za-km-z]+$/.test(mb)) throw invalidDid('did:key must be base58btc multibase (z…).')
    let bytes: Uint8Array
    let code: number
    let length: number
    try {
      bytes = base58btc.decode(mb)
      ;[code, length] = varint.decode(bytes)
    } catch (cause) {
      throw invalidDid('did:key is not valid base58btc multicodec.', cause)
    }
    if (code !== SECP256K1_PUB_MULTICODEC || length !== PREFIX_LENGTH)
      throw invalidDid('did:key must hold a secp256k1 public key (multicodec 0xe7).')
    const publicKey = bytes.slice(length)
    if (publicKey.length !== 33) throw invalidDid('did:key must hold a 33-byte compressed secp256k1 key.')
    let address: Address
    try {
      address = publicKeyToAddress(publicKey)
    } catch (cause) {
      throw invalidDid('did:key holds a point that is not on secp256k1.', cause)
    }
    // canonical encoding only: re-encoding must give the same DID
    if (toDidKey(publicKey) !== did) throw invalidDid('did:key is not in canonical form.')
    return Object.freeze({ method: 'key', publicKey, address })
  }
  const pkh = /^did:pkh:eip155:([1-9][0-9]{0,15}):(0x[0-9a-fA-F]{40})$/.exec(did)
  if (pkh) {
    const chainId = Number(pkh[1])
    if (!Number.isSafeInteger(chainId)) throw invalidDid('did:pkh chain id is out of range.')
    if (!isAddress(pkh[2])) throw invalidDid('did:pkh address has a wrong EIP-55 checksum.')
    return Object.freeze({ method: 'pkh', namespace: 'eip155', chainId, address: toChecksumAddress(pkh[2]) })
  }
  throw invalidDid('Only did:key (secp256k1) and did:pkh:eip155 DIDs are supported.')
}

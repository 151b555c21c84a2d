/**
 * tlog-tiles (c2sp.org/tlog-tiles): a log's read API as static resources —
 *
 * - `checkpoint`: the signed checkpoint;
 * - `tile/<L>/<N>[.p/<W>]`: 256 (or, for the rightmost, W < 256) consecutive RFC 6962 hashes of level L, where a
 *   level-L hash is the root of 256^L consecutive leaves; `<N>` in 3-digit groups, all but the last prefixed `x`;
 * - `tile/entries/<N>[.p/<W>]`: the entries of the level-0 tile, each prefixed with its big-endian uint16 length.
 *
 * {@link buildTlogTiles} makes every resource of one tree size (pure: the caller stores or serves them; serving
 * over HTTP is the custodian service's job). {@link createTlogTileClient} fetches through an injected `fetch`,
 * verifies the checkpoint, computes inclusion proofs from tiles and checks entries against the checkpoint's root.
 * @module
 */
import { assertBytes, describeType, equalBytes, utf8ToBytes } from '../bytes/index.js'
import { InvalidArgumentError, VerificationError } from '../errors/base.js'
import { _leafHash, _nodeHash } from '../merkle/hash.js'
import { _rootFromInclusionProof } from '../merkle/verify.js'
import {
  decodeCheckpoint,
  type VerifiedCheckpoint,
  type VerifyCheckpointParameters,
  verifyCheckpoint,
} from './checkpoint.js'
import { decodeNote } from './signedNote.js'

/** Hashes in a full tile. */
export const TILE_WIDTH = 256
/** Largest entry an entry bundle can hold (uint16 length prefix). */
export const MAX_TILE_ENTRY_BYTES = 0xffff

/** Where a tile or entry bundle sits. */
export type TileCoordinates = {
  /** 0..63, or `'entries'` for an entry bundle. */
  readonly level: number | 'entries'
  /** Index of the tile in its level. */
  readonly index: number
  /** Width of a partial tile (1..255); absent for a full tile. */
  readonly width?: number | undefined
}

/** Everything the tile functions can throw. */
export type TlogTilesErrorType = InvalidArgumentError | VerificationError

/**
 * The path of a tile or entry bundle below the log's prefix, e.g. `tile/0/x001/x234/067.p/8`.
 *
 * @param tile - {@link TileCoordinates}
 * @returns the relative path
 * @throws {@link InvalidArgumentError} `OUT_OF_RANGE` for a level, index or width out of range
 * @example
 * ```ts
 * import { tilePath } from '@medseal/core'
 * tilePath({ level: 0, index: 1234067 }) // 'tile/0/x001/x234/067'
 * tilePath({ level: 'entries', index: 0, width: 3 }) // 'tile/entries/000.p/3'
 * ```
 */
export function tilePath(tile: TileCoordinates): string {
  const { level, index, width } = tile ?? ({} as TileCoordinates)
  if (level !== 'entries' && (typeof level !== 'number' || !Number.isInteger(level) || level < 0 || level > 63))
    throw new InvalidArgumentError('OUT_OF_RANGE', "level must be an integer in 0..63 or 'entries'.")
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'index must be a non-negative safe integer.')
  if (width !== undefined && (!Number.isInteger(width) || width < 1 || width > 255))
    throw new InvalidArgumentError('OUT_OF_RANGE', 'width must be an integer in 1..255 (omit it for a full tile).')
  let n = String(index)
  n = n.padStart(Math.ceil(n.length / 3) * 3, '0')
  const groups: string[] = []
  for (let i = 0; i < n.length; i += 3) groups.push(n.slice(i, i + 3))
  const path = groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/')
  return `tile/${level}/${path}${width === undefined ? '' : `.p/${width}`}`
}

/**
 * Reads a tile path (strict: the exact form {@link tilePath} writes).
 *
 * @param path - a relative path like `tile/1/x001/002.p/17`
 * @returns {@link TileCoordinates}
 * @throws {@link VerificationError} `TILE_MALFORMED`
 * @example
 * ```ts
 * import { parseTilePath } from '@medseal/core'
 * parseTilePath('tile/0/x001/x234/067') // { level: 0, index: 1234067 }
 * ```
 */
export function parseTilePath(path: string): TileCoordinates {
  const bad = () => new VerificationError('TILE_MALFORMED', 'Not a tile path.')
  if (typeof path !== 'string') throw bad()
  const m = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path)
  if (m === null) throw bad()
  const level: number | 'entries' = m[1] === 'entries' ? 'entries' : Number(m[1])
  const digits = (m[2] as string).replaceAll('x', '').replaceAll('/', '')
  const index = Number(digits)
  const width = m[3] === undefined ? undefined : Number(m[3])
  if ((typeof level === 'number' && level > 63) || (width !== undefined && width > 255) || !Number.isSafeInteger(index))
    throw bad()
  const out = { level, index, ...(width === undefined ? {} : { width }) }
  if (tilePath(out) !== path) throw bad() // one path per tile (no superfluous leading groups)
  return Object.freeze(out)
}

/** Root of a perfect tree over 2^k consecutive hashes (32 bytes each) of `buf` from hash `start`. */
function perfectRoot(hashes: readonly Uint8Array[], start: number, count: number): Uint8Array {
  if (count === 1) return hashes[start] as Uint8Array
  const half = count / 2
  return _nodeHash(perfectRoot(hashes, start, half), perfectRoot(hashes, start + half, half))
}

function concat(hashes: readonly Uint8Array[], start: number, count: number): Uint8Array {
  const out = new Uint8Array(count * 32)
  for (let i = 0; i < count; i++) out.set(hashes[start + i] as Uint8Array, i * 32)
  return out
}

/** Root of an RFC 6962 tree over leaf hashes (to check a checkpoint against the leaves). */
function rootOf(hashes: readonly Uint8Array[], start: number, end: number): Uint8Array {
  const n = end - start
  if (n === 1) return hashes[start] as Uint8Array
  let k = 1
  while (k * 2 < n) k *= 2
  return _nodeHash(rootOf(hashes, start, start + k), rootOf(hashes, start + k, end))
}

/** Parameters of {@link buildTlogTiles}. */
export type BuildTlogTilesParameters = {
  /** The signed checkpoint of the tree (its size and root must be those of the entries). */
  readonly checkpoint: string
  /** The log's entries (leaf data) up to the checkpoint's size, each at most 65,535 bytes. */
  readonly entries: readonly Uint8Array[]
}

/**
 * Every static resource of the log at the checkpoint's size: `checkpoint`, the level tiles (full and the partial
 * rightmost ones) and the entry bundles, as a map from relative path to body. Checks that the entries' RFC 6962
 * root is the checkpoint's.
 *
 * @param params - {@link BuildTlogTilesParameters}
 * @returns a map `path -> bytes` (the checkpoint as UTF-8)
 * @throws {@link InvalidArgumentError} `INVALID_ARGUMENT` (entries are not the checkpoint's tree), `INPUT_TOO_LARGE`
 *   (an entry over 65,535 bytes)
 * @throws {@link VerificationError} `NOTE_MALFORMED`, `CHECKPOINT_MALFORMED`
 * @example
 * ```ts
 * import { buildTlogTiles, createCheckpoint, createParty, merkleRoot, utf8ToBytes } from '@medseal/core'
 * const entries = ['a', 'b', 'c'].map(utf8ToBytes)
 * const checkpoint = createCheckpoint({ origin: 'example.com/log', treeSize: 3, rootHash: merkleRoot(entries), extensions: [], signer: createParty() })
 * const files = buildTlogTiles({ checkpoint, entries }) // 'checkpoint', 'tile/0/000.p/3', 'tile/entries/000.p/3'
 * ```
 */
export function buildTlogTiles(params: BuildTlogTilesParameters): Map<string, Uint8Array> {
  if (typeof params !== 'object' || params === null || !Array.isArray(params.entries))
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be { checkpoint, entries }.', {
      metaMessages: [`Received ${describeType(params)}.`],
    })
  const cp = decodeCheckpoint(decodeNote(params.checkpoint).text)
  const { entries } = params
  if (entries.length !== cp.treeSize)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'entries must be the checkpoint tree size long.')
  const leaves = entries.map((e, i) => {
    assertBytes(e, { name: `entries[${i}]` })
    if (e.length > MAX_TILE_ENTRY_BYTES)
      throw new InvalidArgumentError('INPUT_TOO_LARGE', 'An entry bundle holds entries of at most 65,535 bytes.')
    return _leafHash(e)
  })
  const root = leaves.length === 0 ? undefined : rootOf(leaves, 0, leaves.length)
  if (root !== undefined ? !equalBytes(root, cp.rootHash) : cp.rootHash.length !== 32)
    throw new InvalidArgumentError('INVALID_ARGUMENT', "The entries' root is not the checkpoint's root.")
  const out = new Map<string, Uint8Array>()
  out.set('checkpoint', utf8ToBytes(params.checkpoint))
  // Entry bundles mirror the level-0 tiles.
  for (let n = 0; n * TILE_WIDTH < entries.length; n++) {
    const count = Math.min(TILE_WIDTH, entries.length - n * TILE_WIDTH)
    const parts = entries.slice(n * TILE_WIDTH, n * TILE_WIDTH + count)
    const body = new Uint8Array(parts.reduce((s, e) => s + 2 + e.length, 0))
    let o = 0
    for (const e of parts) {
      body[o] = e.length >>> 8
      body[o + 1] = e.length & 0xff
      body.set(e, o + 2)
      o += 2 + e.length
    }
    out.set(tilePath({ level: 'entries', index: n, ...(count < TILE_WIDTH ? { width: count } : {}) }), body)
  }
  let level = 0
  let hashes: Uint8Array[] = leaves
  while (hashes.length > 0) {
    const next: Uint8Array[] = []
    for (let n = 0; n * TILE_WIDTH < hashes.length; n++) {
      const count = Math.min(TILE_WIDTH, hashes.length - n * TILE_WIDTH)
      out.set(
        tilePath({ level, index: n, ...(count < TILE_WIDTH ? { width: count } : {}) }),
        concat(hashes, n * TILE_WIDTH, count),
      )
      if (count === TILE_WIDTH) next.push(perfectRoot(hashes, n * TILE_WIDTH, TILE_WIDTH))
    }
    hashes = next
    level++
  }
  return out
}

/** The fetch the client uses (the global `fetch` qualifies). */
export type TileFetch = (url: string) => Promise<{
  readonly ok: boolean
  readonly status: number
  arrayBuffer(): Promise<ArrayBuffer>
}>

/** Parameters of {@link createTlogTileClient}: where the log is, how to fetch, and whom to trust. */
export type CreateTlogTileClientParameters = VerifyCheckpointParameters & {
  /** URL prefix of the log (no trailing slash needed). */
  readonly prefix: string
  /** Injected fetch (e.g. `globalThis.fetch`, or a function over a map in tests). */
  readonly fetch: TileFetch
}

/** A verifying tlog-tiles client. */
export type TlogTileClient = {
  /** Fetches and verifies `<prefix>/checkpoint` (origin, log key, witness policy). */
  checkpoint(): Promise<VerifiedCheckpoint>
  /** The RFC 6962 inclusion proof of entry `index` in the checkpoint's tree, computed from tiles and checked. */
  inclusionProof(index: number, checkpoint: VerifiedCheckpoint): Promise<Uint8Array[]>
  /** Entry `index`, from its entry bundle, checked to be in the checkpoint's tree. */
  entry(index: number, checkpoint: VerifiedCheckpoint): Promise<Uint8Array>
}

/**
 * Creates a verifying tile client over an injected `fetch`. Tiles are cached in the client (they are immutable);
 * a missing partial tile falls back to the full one, as the spec allows.
 *
 * @param params - {@link CreateTlogTileClientParameters}
 * @returns a frozen {@link TlogTileClient}
 * @throws {@link InvalidArgumentError} for bad parameters; the methods throw {@link VerificationError}
 *   `TILE_FETCH_FAILED`, `TILE_MALFORMED`, `TLOG_PROOF_INVALID` (tiles do not match the checkpoint) and the codes of
 *   `verifyCheckpoint`
 * @example
 * ```ts
 * import { createTlogTileClient } from '@medseal/core'
 * const client = createTlogTileClient({ prefix: 'https://clinic.example/access-log', fetch, origin: 'clinic.example/access-log', logKeys: [vkey] })
 * const checkpoint = await client.checkpoint()
 * const entry = await client.entry(0, checkpoint)
 * ```
 */
export function createTlogTileClient(params: CreateTlogTileClientParameters): TlogTileClient {
  if (typeof params !== 'object' || params === null || typeof params.fetch !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'params must include a fetch function.')
  if (typeof params.prefix !== 'string') throw new InvalidArgumentError('INVALID_TYPE', 'prefix must be a string.')
  const prefix = params.prefix.replace(/\/+$/, '')
  const doFetch = params.fetch
  const cache = new Map<string, Uint8Array>()

  const get = async (path: string): Promise<Uint8Array | undefined> => {
    const hit = cache.get(path)
    if (hit !== undefined) return hit
    let res: Awaited<ReturnType<TileFetch>>
    try {
      res = await doFetch(`${prefix}/${path}`)
    } catch (cause) {
      throw new VerificationError('TILE_FETCH_FAILED', 'Fetching a log resource failed.', { cause })
    }
    if (res.status === 404) return undefined
    if (!res.ok)
      throw new VerificationError('TILE_FETCH_FAILED', `Fetching a log resource failed (HTTP ${res.status}).`, {
        metaMessages: [`Path: ${path}`],
      })
    const body = new Uint8Array(await res.arrayBuffer())
    cache.set(path, body)
    return body
  }
  const missing = (path: string) =>
    new VerificationError('TILE_FETCH_FAILED', 'A log resource the checkpoint requires is missing.', {
      metaMessages: [`Path: ${path}`],
    })

  /** The body of tile (level, n) as the tree of `size` leaves has it: `width` entries (or hashes). */
  const fetchTile = async (
    level: number | 'entries',
    n: number,
    size: number,
  ): Promise<{ body: Uint8Array; width: number }> => {
    const count = Math.floor(size / TILE_WIDTH ** (level === 'entries' ? 0 : level))
    const width = Math.min(TILE_WIDTH, count - n * TILE_WIDTH)
    const path = tilePath({ level, index: n, ...(width < TILE_WIDTH ? { width } : {}) })
    let body = await get(path)
    if (body === undefined && width < TILE_WIDTH) body = await get(tilePath({ level, index: n })) // full-tile fallback
    if (body === undefined) throw missing(path)
    return { body, width }
  }

  /** Hash of the complete aligned subtree of height `h`, number `k` (leaves [k·2^h, (k+1)·2^h)). */
  const node = async (h: number, k: number, size: number): Promise<Uint8Array> => {
    const level = Math.floor(h / 8)
    const span = 2 ** (h % 8)
    const first = k * span
    const n = Math.floor(first / TILE_WIDTH)
    const { body, width } = await fetchTile(level, n, size)
    if (body.length < width * 32 || (body.length !== width * 32 && body.length !== TILE_WIDTH * 32))
      throw new VerificationError('TILE_MALFORMED', 'A tile has the wrong length.')
    const offset = first % TILE_WIDTH
    const hashes: Uint8Array[] = []
    for (let i = 0; i < span; i++) hashes.push(body.subarray((offset + i) * 32, (offset + i + 1) * 32))
    return perfectRoot(hashes, 0, span)
  }

  /** MTH of leaves [a, b) of the tree of `size` leaves. */
  const subtree = async (a: number, b: number, size: number): Promise<Uint8Array> => {
    const n = b - a
    if ((n & (n - 1)) === 0 && n <= 2 ** 30 && a % n === 0) return node(Math.log2(n), a / n, size)
    let k = 1
    while (k * 2 < n) k *= 2
    return _nodeHash(await subtree(a, a + k, size), await subtree(a + k, b, size))
  }

  /** RFC 6962 §2.1.1 PATH(m, D[a:b]). */
  const path = async (m: number, a: number, b: number, size: number): Promise<Uint8Array[]> => {
    if (b - a === 1) return []
    let k = 1
    while (k * 2 < b - a) k *= 2
    if (m - a < k) return [...(await path(m, a, a + k, size)), await subtree(a + k, b, size)]
    return [...(await path(m, a + k, b, size)), await subtree(a, a + k, size)]
  }

  const checkIndex = (index: number, cp: VerifiedCheckpoint) => {
    if (!Number.isSafeInteger(index) || index < 0 || index >= cp.treeSize)
      throw new InvalidArgumentError('OUT_OF_RANGE', 'index must be below the checkpoint tree size.')
  }

  const client: TlogTileClient = {
    async checkpoint() {
      const body = await get('checkpoint')
      cache.delete('checkpoint') // mutable resource
      if (body === undefined) throw missing('checkpoint')
      return verifyCheckpoint(body, params)
    },
    async inclusionProof(index, cp) {
      checkIndex(index, cp)
      const proof = await path(index, 0, cp.treeSize, cp.treeSize)
      const leaf = await node(0, index, cp.treeSize)
      const root = _rootFromInclusionProof(leaf, BigInt(index), BigInt(cp.treeSize), proof)
      if (root === undefined || !equalBytes(root, cp.rootHash))
        throw new VerificationError('TLOG_PROOF_INVALID', "The log's tiles do not match its checkpoint.")
      return proof.map((p) => p.slice())
    },
    async entry(index, cp) {
      checkIndex(index, cp)
      const n = Math.floor(index / TILE_WIDTH)
      const { body, width } = await fetchTile('entries', n, cp.treeSize)
      const entries: Uint8Array[] = []
      let o = 0
      while (o < body.length) {
        if (o + 2 > body.length) throw new VerificationError('TILE_MALFORMED', 'An entry bundle is truncated.')
        const len = ((body[o] as number) << 8) | (body[o + 1] as number)
        if (o + 2 + len > body.length) throw new VerificationError('TILE_MALFORMED', 'An entry bundle is truncated.')
        entries.push(body.slice(o + 2, o + 2 + len))
        o += 2 + len
      }
      if (entries.length !== width && entries.length !== TILE_WIDTH)
        throw new VerificationError('TILE_MALFORMED', 'An entry bundle holds the wrong number of entries.')
      const entry = entries[index % TILE_WIDTH] as Uint8Array
      const proof = await client.inclusionProof(index, cp)
      const root = _rootFromInclusionProof(_leafHash(entry), BigInt(index), BigInt(cp.treeSize), proof)
      if (root === undefined || !equalBytes(root, cp.rootHash))
        throw new VerificationError('TLOG_PROOF_INVALID', 'The entry is not the one the checkpoint commits to.')
      return entry
    },
  }
  return Object.freeze(client)
}

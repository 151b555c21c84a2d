/**
 * The worker side of `createSealPool`: seals batches of canonical bytes with the recipients the pool names.
 * @module
 */
import { bytesToHex, equalBytes, randomBytes, wipe } from '../bytes/index.js'
import { EnvelopeError, isSdkError } from '../errors/base.js'
import { dhkemX25519HkdfSha256 } from '../hpke/kem.js'
import { deriveVault, openSharedVaultSecret, wrapAad } from './_internal.js'
import { createNodeSealPrimitives } from './_sealNodePrimitives.js'
import { type FromWorker, listen, type ToWorker } from './_sealPoolProtocol.js'
import { createVaultKey, type VaultKey } from './createVaultKey.js'
import { encodeEnvelope } from './encodeEnvelope.js'
import { receiveVaultKey } from './receiveVaultKey.js'
import { prepareRecipients, type SealParameters } from './seal.js'
import { noblePrimitives, type SealPrimitives, sealPayloads } from './sealBatch.js'
import type { SharedVaultKey } from './shareVaultKey.js'

/** A worker's channel to its pool: Node's `parentPort`, or `self` inside a Web Worker. */
export type SealWorkerPort = {
  /** Node's `parentPort` listens with `on`. */
  on?: (type: string, listener: (value: unknown) => void) => unknown
  /** A web worker's global scope listens with `addEventListener`. */
  addEventListener?: (type: string, listener: (event: unknown) => void) => void
  postMessage(message: unknown, transfer: ArrayBuffer[]): void
}

/**
 * Serves a `createSealPool` from inside a worker: call it once in the worker's module, with `parentPort` (Node
 * `worker_threads`) or `self` (a Web Worker). The worker makes its own X25519 key pair, so the pool hands it each
 * vault key once, HPKE-wrapped (`shareVaultKey`); no secret crosses the channel in the clear. In Node (where
 * `process.getBuiltinModule('node:crypto')` exists) the per-record symmetric work — AES-256-GCM, HMAC-SHA256,
 * SHA-256 — runs on `node:crypto`, natively; elsewhere on `@noble`. Either way each record holds the bytes `seal`
 * makes from the same random bytes.
 *
 * @param port - `parentPort` from `node:worker_threads`, or the Web Worker global `self`
 * @returns nothing; the worker then answers the pool's messages until it is terminated
 * @example
 * ```ts norun
 * // seal-worker.js (Node)
 * import { parentPort } from 'node:worker_threads'
 * import { serveSealWorker } from '@medseal/core'
 * serveSealWorker(parentPort)
 * ```
 */
export function serveSealWorker(port: SealWorkerPort): void {
  // node:crypto where the runtime has it (payload AES-GCM, key commitment, commitment, content id, vault wraps)
  const primitives = createNodeSealPrimitives()
  const keys = dhkemX25519HkdfSha256.deriveKeyPair(randomBytes(32))
  const me = { encryptionSecretKey: keys.secretKey, encryptionPublicKey: keys.publicKey }
  const vaults = new Map<string, VaultKey>()
  const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer)
  // one request at a time, in arrival order (the pool sends the next only after this one's answer)
  let queue: Promise<void> = Promise.resolve()
  listen(port, 'message', (value) => {
    const m = value as ToWorker
    if (m?.t !== 'seal') return
    queue = queue.then(async () => {
      try {
        const r = await sealRequest(m)
        post(r, [r.envelopes.buffer, r.ends.buffer, r.commitments.buffer, r.digests.buffer] as ArrayBuffer[])
      } catch (err) {
        post({ t: 'error', id: m.id, code: isSdkError(err) ? err.code : 'WORKER_FAILED' })
      }
    })
  })
  post({ t: 'ready', publicKey: keys.publicKey })

  async function sealRequest(m: ToWorker): Promise<Extract<FromWorker, { t: 'done' }>> {
    for (const share of m.shares)
      vaults.set(
        bytesToHex(share.keyId),
        primitives === noblePrimitives
          ? await receiveVaultKey(share, me)
          : await receiveVaultKeyOn(share, keys, primitives),
      )
    const recipients = m.recipients.map((r) => {
      if ('publicKey' in r) return { encryptionPublicKey: r.publicKey }
      const vault = vaults.get(bytesToHex(r.vault))
      if (!vault) throw new Error('unknown vault key')
      return vault
    })
    const prepared = prepareRecipients({ recipients, version: m.version } as SealParameters)
    const n = m.ends.length
    const payloads: Uint8Array[] = new Array(n)
    for (let i = 0, start = 0; i < n; i++) {
      const end = m.ends[i] as number
      payloads[i] = m.data.subarray(start, end)
      start = end
    }
    // the whole message as one batch (randomness in blocks, small records without a promise each)
    const all = await sealPayloads(payloads, prepared, undefined, primitives)
    const encoded: Uint8Array[] = new Array(n)
    const commitments = new Uint8Array(32 * n)
    const digests = new Uint8Array(32 * n)
    for (let i = 0; i < n; i++) {
      const sealed = all[i] as (typeof all)[number]
      encoded[i] = encodeEnvelope(sealed.envelope)
      commitments.set(sealed.commitment, 32 * i)
      digests.set(sealed.contentId.multihash.digest, 32 * i)
    }
    const ends = new Uint32Array(n)
    let total = 0
    for (let i = 0; i < n; i++) ends[i] = total += (encoded[i] as Uint8Array).length
    const envelopes = new Uint8Array(total)
    for (let i = 0, o = 0; i < n; o += (encoded[i] as Uint8Array).length, i++)
      envelopes.set(encoded[i] as Uint8Array, o)
    return { t: 'done', id: m.id, envelopes, ends, commitments, digests }
  }
}

const VAULT_WRAP_LABEL = /* @__PURE__ */ new TextEncoder().encode('medseal/envelope/v2/vault-wrap')
const ZERO_NONCE = /* @__PURE__ */ new Uint8Array(12)
const ONE = /* @__PURE__ */ Uint8Array.of(1)

/** `receiveVaultKey` for a worker with its own primitives: the same checks, then {@link vaultKeyOn}. */
async function receiveVaultKeyOn(
  share: SharedVaultKey,
  keys: { secretKey: Uint8Array; publicKey: Uint8Array },
  primitives: SealPrimitives,
): Promise<VaultKey> {
  const secret = await openSharedVaultSecret(share.keyId, share.enc, share.wrappedSecret, keys)
  try {
    const vault = vaultKeyOn(secret, primitives)
    if (!equalBytes(vault.keyId, share.keyId))
      throw new EnvelopeError('DECRYPT_FAILED', 'Could not open the shared vault key: wrong party, or tampered.')
    return vault
  } finally {
    wipe(secret)
  }
}

/**
 * `createVaultKey({ secret })` whose wraps run on `primitives`: `wrap_key = HKDF-Expand(vault_prk,
 * "medseal/envelope/v2/vault-wrap" ‖ header[0..27) ‖ key_id ‖ wrap_salt, 32)` is one block, so
 * `HMAC(vault_prk, info ‖ 0x01)` (RFC 5869's T(1)), then AES-256-GCM under it with the zero nonce and
 * `aad = header ‖ key_id` (docs/spec/envelope.md): the same bytes as `createVaultKey`'s wraps. @internal
 */
export function vaultKeyOn(secret: Uint8Array, primitives: SealPrimitives): VaultKey {
  const vault = createVaultKey({ secret })
  const { prk, keyId } = deriveVault(secret)
  const wrapKey = (header: Uint8Array, wrapSalt: Uint8Array, dataKey: Uint8Array) => {
    const key = primitives.hmac(prk, VAULT_WRAP_LABEL, header.subarray(0, 27), keyId, wrapSalt, ONE)
    try {
      return primitives.gcm(key, ZERO_NONCE, wrapAad(header, keyId), dataKey)
    } finally {
      key.fill(0)
    }
  }
  return Object.freeze({ ...vault, wrapKey })
}

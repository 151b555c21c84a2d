/**
 * RFC 9180 §5.1 key schedule and §5.2 encryption contexts.
 * @module
 * @internal
 */
import { EnvelopeError, InvalidArgumentError } from '../errors/base.js'
import { concat, label, labeledExpand, labeledExtract } from './_labeled.js'
import type { HpkeAead, HpkeAeadKey, HpkeKdf } from './types.js'

/** RFC 9180 §5 mode ids. @internal */
export const MODE = { base: 0x00, psk: 0x01, auth: 0x02, authPsk: 0x03 } as const

const L_PSK_ID_HASH = /* @__PURE__ */ label('psk_id_hash')
const L_INFO_HASH = /* @__PURE__ */ label('info_hash')
const L_SECRET = /* @__PURE__ */ label('secret')
const L_KEY = /* @__PURE__ */ label('key')
const L_BASE_NONCE = /* @__PURE__ */ label('base_nonce')
const L_EXP = /* @__PURE__ */ label('exp')
const L_SEC = /* @__PURE__ */ label('sec')
const EMPTY = /* @__PURE__ */ new Uint8Array(0)

/** Everything §5.1 derives; `key`, `baseNonce` and `exporterSecret` are secrets. @internal */
export type KeyScheduleResult = {
  keyScheduleContext: Uint8Array
  secret: Uint8Array
  key: Uint8Array
  baseNonce: Uint8Array
  exporterSecret: Uint8Array
}

/** RFC 9180 §5.1 `VerifyPSKInputs` + `KeySchedule<ROLE>` (without building the context). @internal */
export function keySchedule(
  suite: { kdf: HpkeKdf; aead: HpkeAead; suiteId: Uint8Array },
  mode: number,
  sharedSecret: Uint8Array,
  info: Uint8Array,
  psk: Uint8Array,
  pskId: Uint8Array,
): KeyScheduleResult {
  const { kdf, aead, suiteId } = suite
  const gotPsk = psk.length > 0
  const gotPskId = pskId.length > 0
  if (gotPsk !== gotPskId)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'psk and pskId must be given together (RFC 9180 §5.1).')
  if (gotPsk && (mode === MODE.base || mode === MODE.auth))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'A psk is not used in this mode.')
  if (!gotPsk && (mode === MODE.psk || mode === MODE.authPsk))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'This mode needs a psk.')
  const pskIdHash = labeledExtract(kdf, suiteId, EMPTY, L_PSK_ID_HASH, pskId)
  const infoHash = labeledExtract(kdf, suiteId, EMPTY, L_INFO_HASH, info)
  const keyScheduleContext = concat(Uint8Array.of(mode), pskIdHash, infoHash)
  const secret = labeledExtract(kdf, suiteId, sharedSecret, L_SECRET, psk)
  const key = labeledExpand(kdf, suiteId, secret, L_KEY, keyScheduleContext, aead.keyLength)
  const baseNonce = labeledExpand(kdf, suiteId, secret, L_BASE_NONCE, keyScheduleContext, aead.nonceLength)
  const exporterSecret = labeledExpand(kdf, suiteId, secret, L_EXP, keyScheduleContext, kdf.hashLength)
  return { keyScheduleContext, secret, key, baseNonce, exporterSecret }
}

/** The sender's view of an HPKE context (RFC 9180 §5.2, §5.3). */
export type HpkeSenderContext = {
  /** Encrypts the next message (sequence numbers advance by one per call, even when calls overlap). */
  seal(plaintext: Uint8Array, aad?: Uint8Array): Promise<Uint8Array<ArrayBuffer>>
  /** `Context.Export(exporter_context, L)` (RFC 9180 §5.3). */
  export(exporterContext: Uint8Array, length: number): Uint8Array
}

/** The recipient's view of an HPKE context. */
export type HpkeRecipientContext = {
  /** Decrypts the next message; the sequence number advances only on success (RFC 9180 §5.2). */
  open(ciphertext: Uint8Array, aad?: Uint8Array): Promise<Uint8Array<ArrayBuffer>>
  /** `Context.Export(exporter_context, L)` (RFC 9180 §5.3). */
  export(exporterContext: Uint8Array, length: number): Uint8Array
}

/** A sequence-numbered context; `seq` may be preset (tests of the overflow rule). @internal */
export function createContext(
  suite: { kdf: HpkeKdf; aead: HpkeAead; suiteId: Uint8Array },
  schedule: { key: Uint8Array; baseNonce: Uint8Array; exporterSecret: Uint8Array },
  options: { seq?: bigint } = {},
): HpkeSenderContext & HpkeRecipientContext {
  const { kdf, aead, suiteId } = suite
  const nn = aead.nonceLength
  const exporterSecret = Uint8Array.from(schedule.exporterSecret)
  const baseNonce = Uint8Array.from(schedule.baseNonce)
  // RFC 9180 §5.2: the context fails closed once seq would reach 2^(8*Nn) - 1
  const maxSeq = (1n << BigInt(8 * nn)) - 1n
  let seq = options.seq ?? 0n
  const rawKey = Uint8Array.from(schedule.key)
  let keyPromise: Promise<HpkeAeadKey> | undefined
  const aeadKey = () => {
    if (!keyPromise) {
      // imported on first use; the raw copy is wiped once the AEAD holds its own
      keyPromise = aead.importKey(rawKey).finally(() => rawKey.fill(0))
    }
    return keyPromise
  }
  const computeNonce = (s: bigint): Uint8Array => {
    const nonce = Uint8Array.from(baseNonce)
    let v = s
    for (let i = nn - 1; i >= 0 && v > 0n; i--) {
      nonce[i] = (nonce[i] as number) ^ Number(v & 0xffn)
      v >>= 8n
    }
    return nonce
  }
  const take = (): bigint => {
    if (seq >= maxSeq) throw new EnvelopeError('MESSAGE_LIMIT_REACHED', 'This HPKE context has used all its nonces.')
    return seq
  }
  // Opens are serialised: a failed open must not advance `seq`, and a later open must wait for an earlier one.
  let openChain: Promise<unknown> = Promise.resolve()
  return Object.freeze({
    async seal(plaintext: Uint8Array, aad: Uint8Array = EMPTY) {
      const s = take()
      seq = s + 1n // reserve the nonce before awaiting, so overlapping seals never share one
      const key = await aeadKey()
      return key.seal(computeNonce(s), aad, plaintext)
    },
    open(ciphertext: Uint8Array, aad: Uint8Array = EMPTY) {
      const run = async () => {
        const s = take()
        const key = await aeadKey()
        const pt = await key.open(computeNonce(s), aad, ciphertext)
        seq = s + 1n
        return pt
      }
      const result = openChain.then(run, run)
      openChain = result.catch(() => undefined)
      return result
    },
    export(exporterContext: Uint8Array, length: number) {
      if (!Number.isInteger(length) || length < 0 || length > 255 * kdf.hashLength)
        throw new InvalidArgumentError(
          'OUT_OF_RANGE',
          `Export length must be an integer in 0..${255 * kdf.hashLength}.`,
        )
      return labeledExpand(kdf, suiteId, exporterSecret, L_SEC, exporterContext, length)
    },
  })
}

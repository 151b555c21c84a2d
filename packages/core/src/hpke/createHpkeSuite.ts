/**
 * RFC 9180 HPKE cipher suites: `createHpkeSuite({ kem, kdf, aead })` composes the plug-ins into the four modes
 * (base, psk, auth, auth_psk), single-shot `seal` / `open` and the secret export API.
 * @module
 */
import { assertBytes, type RandomBytes } from '../bytes/index.js'
import type { EnvelopeError } from '../errors/base.js'
import { InvalidArgumentError } from '../errors/base.js'
import { createContext, type HpkeRecipientContext, type HpkeSenderContext, keySchedule, MODE } from './_context.js'
import { hpkeSuiteId } from './_labeled.js'
import type { HpkeAead, HpkeKdf, HpkeKem, HpkeKeyPair, HpkeRecipientKey } from './types.js'

export type { HpkeRecipientContext, HpkeSenderContext } from './_context.js'

/** Errors HPKE operations can throw: bad arguments/keys, `DECRYPT_FAILED`, `MESSAGE_LIMIT_REACHED`. */
export type HpkeErrorType = InvalidArgumentError | EnvelopeError

/** The plug-ins of a suite. */
export type CreateHpkeSuiteParameters = {
  readonly kem: HpkeKem
  readonly kdf: HpkeKdf
  readonly aead: HpkeAead
}

/** Mode inputs shared by the sender's calls: `psk`+`pskId` for psk modes, `senderKey` for auth modes. */
export type HpkeSenderParameters = {
  /** The recipient's serialized public key (`Npk` bytes). */
  recipientPublicKey: Uint8Array
  /** Application info bound into the key schedule (default empty). */
  info?: Uint8Array | undefined
  /** Pre-shared key (psk / auth_psk modes), at least 32 bytes. */
  psk?: Uint8Array | undefined
  /** Identifier of `psk` (required with it). */
  pskId?: Uint8Array | undefined
  /** The sender's static key pair (auth / auth_psk modes). */
  senderKey?: HpkeKeyPair | undefined
  /** Randomness for the ephemeral key (tests only: `DeriveKeyPair(randomBytes(Nsk))`). */
  randomBytes?: RandomBytes | undefined
}

/** Mode inputs shared by the recipient's calls. */
export type HpkeRecipientParameters = {
  /** The encapsulated key from the sender (`Nenc` bytes). */
  enc: Uint8Array
  /** The recipient's secret key (and public key, to skip recomputing it). */
  recipientKey: HpkeRecipientKey
  /** Application info, identical to the sender's. */
  info?: Uint8Array | undefined
  /** Pre-shared key (psk / auth_psk modes). */
  psk?: Uint8Array | undefined
  /** Identifier of `psk`. */
  pskId?: Uint8Array | undefined
  /** The sender's public key (auth / auth_psk modes). */
  senderPublicKey?: Uint8Array | undefined
}

/** A composed HPKE cipher suite. */
export type HpkeSuite = {
  readonly kem: HpkeKem
  readonly kdf: HpkeKdf
  readonly aead: HpkeAead
  /** `"HPKE" || kem_id || kdf_id || aead_id` (RFC 9180 §5.1). */
  readonly suiteId: Uint8Array
  /** `SetupBaseS` / `SetupPSKS` / `SetupAuthS` / `SetupAuthPSKS`, chosen by which inputs are given. */
  setupSender(params: HpkeSenderParameters): Promise<{ enc: Uint8Array; context: HpkeSenderContext }>
  /** `SetupBaseR` / `SetupPSKR` / `SetupAuthR` / `SetupAuthPSKR`. */
  setupRecipient(params: HpkeRecipientParameters): Promise<HpkeRecipientContext>
  /** Single-shot encryption (RFC 9180 §6.1): setup plus one `Seal`. */
  seal(
    params: HpkeSenderParameters & { plaintext: Uint8Array; aad?: Uint8Array | undefined },
  ): Promise<{ enc: Uint8Array; ciphertext: Uint8Array<ArrayBuffer> }>
  /** Single-shot decryption (RFC 9180 §6.1): setup plus one `Open`. */
  open(
    params: HpkeRecipientParameters & { ciphertext: Uint8Array; aad?: Uint8Array | undefined },
  ): Promise<Uint8Array<ArrayBuffer>>
  /** Single-shot secret export, sender side (RFC 9180 §6.2). */
  sendExport(
    params: HpkeSenderParameters & { exporterContext: Uint8Array; length: number },
  ): Promise<{ enc: Uint8Array; secret: Uint8Array }>
  /** Single-shot secret export, recipient side (RFC 9180 §6.2). */
  receiveExport(params: HpkeRecipientParameters & { exporterContext: Uint8Array; length: number }): Promise<Uint8Array>
}

const EMPTY = /* @__PURE__ */ new Uint8Array(0)

function optionalBytes(value: Uint8Array | undefined, name: string): Uint8Array {
  return value === undefined ? EMPTY : assertBytes(value, { name })
}

function checkPsk(psk: Uint8Array, pskId: Uint8Array): void {
  // RFC 9180 §9.5: the PSK must carry at least 32 bytes of entropy
  if (psk.length > 0 && psk.length < 32)
    throw new InvalidArgumentError('INVALID_LENGTH', 'psk must be at least 32 bytes.')
  if (psk.length !== 0 && pskId.length === 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'psk and pskId must be given together (RFC 9180 §5.1).')
}

function isPlugIn(value: unknown, keys: string[]): boolean {
  return typeof value === 'object' && value !== null && keys.every((k) => k in value)
}

/**
 * Composes an RFC 9180 HPKE cipher suite from a KEM, a KDF and an AEAD.
 *
 * The mode follows from the inputs: `psk` + `pskId` select a PSK mode, `senderKey` (sender) / `senderPublicKey`
 * (recipient) an auth mode; neither is base mode, which is what medseal's envelopes use.
 *
 * @param params - `kem`, `kdf`, `aead` plug-ins
 * @returns a frozen {@link HpkeSuite}
 * @throws {@link InvalidArgumentError} `INVALID_ARGUMENT` when a plug-in is missing. Its methods throw
 *   `INVALID_TYPE` / `INVALID_LENGTH` / `INVALID_KEY` for bad inputs, {@link EnvelopeError} `DECRYPT_FAILED` when
 *   opening fails (wrong key, info, aad, enc or a tampered ciphertext) and `MESSAGE_LIMIT_REACHED` when a context
 *   runs out of nonces.
 * @example
 * ```ts
 * import { aes256Gcm, createHpkeSuite, dhkemX25519HkdfSha256, hkdfSha256, utf8ToBytes } from '@medseal/core'
 * const suite = createHpkeSuite({ kem: dhkemX25519HkdfSha256, kdf: hkdfSha256, aead: aes256Gcm })
 * const recipient = await suite.kem.generateKeyPair()
 * const info = utf8ToBytes('my app v1')
 * const { enc, ciphertext } = await suite.seal({ recipientPublicKey: recipient.publicKey, info, plaintext: utf8ToBytes('hi') })
 * const plaintext = await suite.open({ enc, recipientKey: recipient, info, ciphertext })
 * ```
 */
export function createHpkeSuite(params: CreateHpkeSuiteParameters): HpkeSuite {
  const { kem, kdf, aead } = params ?? ({} as CreateHpkeSuiteParameters)
  if (!isPlugIn(kem, ['id', 'encap', 'decap']) || !isPlugIn(kdf, ['id', 'extract', 'expand']))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'createHpkeSuite needs kem, kdf and aead plug-ins.')
  if (!isPlugIn(aead, ['id', 'importKey', 'keyLength', 'nonceLength']))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'createHpkeSuite needs kem, kdf and aead plug-ins.')
  const suiteId = hpkeSuiteId(kem.id, kdf.id, aead.id)
  const ctx = { kdf, aead, suiteId }

  const setupSender = async (p: HpkeSenderParameters) => {
    if (typeof p !== 'object' || p === null)
      throw new InvalidArgumentError('INVALID_TYPE', 'HPKE sender parameters must be an object.')
    const info = optionalBytes(p.info, 'info')
    const psk = optionalBytes(p.psk, 'psk')
    const pskId = optionalBytes(p.pskId, 'pskId')
    checkPsk(psk, pskId)
    const mode = p.senderKey ? (psk.length ? MODE.authPsk : MODE.auth) : psk.length ? MODE.psk : MODE.base
    const { sharedSecret, enc } = await kem.encap(p.recipientPublicKey, {
      senderKey: p.senderKey,
      randomBytes: p.randomBytes,
    })
    const schedule = keySchedule(ctx, mode, sharedSecret, info, psk, pskId)
    sharedSecret.fill(0)
    const context: HpkeSenderContext = createContext(ctx, schedule)
    wipeSchedule(schedule)
    return { enc, context }
  }

  const setupRecipient = async (p: HpkeRecipientParameters): Promise<HpkeRecipientContext> => {
    if (typeof p !== 'object' || p === null)
      throw new InvalidArgumentError('INVALID_TYPE', 'HPKE recipient parameters must be an object.')
    const info = optionalBytes(p.info, 'info')
    const psk = optionalBytes(p.psk, 'psk')
    const pskId = optionalBytes(p.pskId, 'pskId')
    checkPsk(psk, pskId)
    const auth = p.senderPublicKey !== undefined
    const mode = auth ? (psk.length ? MODE.authPsk : MODE.auth) : psk.length ? MODE.psk : MODE.base
    if (typeof p.recipientKey !== 'object' || p.recipientKey === null)
      throw new InvalidArgumentError('INVALID_TYPE', 'recipientKey must be { secretKey, publicKey? }.')
    const sharedSecret = await kem.decap(assertBytes(p.enc, { name: 'enc' }), p.recipientKey, {
      senderPublicKey: p.senderPublicKey,
    })
    const schedule = keySchedule(ctx, mode, sharedSecret, info, psk, pskId)
    sharedSecret.fill(0)
    const context: HpkeRecipientContext = createContext(ctx, schedule)
    wipeSchedule(schedule)
    return context
  }

  return Object.freeze({
    kem,
    kdf,
    aead,
    suiteId,
    setupSender,
    setupRecipient,
    async seal(p: HpkeSenderParameters & { plaintext: Uint8Array; aad?: Uint8Array | undefined }) {
      assertBytes(p?.plaintext, { name: 'plaintext' })
      const aad = optionalBytes(p.aad, 'aad')
      const { enc, context } = await setupSender(p)
      return { enc, ciphertext: await context.seal(p.plaintext, aad) }
    },
    async open(p: HpkeRecipientParameters & { ciphertext: Uint8Array; aad?: Uint8Array | undefined }) {
      assertBytes(p?.ciphertext, { name: 'ciphertext' })
      const aad = optionalBytes(p.aad, 'aad')
      const context = await setupRecipient(p)
      return context.open(p.ciphertext, aad)
    },
    async sendExport(p: HpkeSenderParameters & { exporterContext: Uint8Array; length: number }) {
      assertBytes(p?.exporterContext, { name: 'exporterContext' })
      const { enc, context } = await setupSender(p)
      return { enc, secret: context.export(p.exporterContext, p.length) }
    },
    async receiveExport(p: HpkeRecipientParameters & { exporterContext: Uint8Array; length: number }) {
      assertBytes(p?.exporterContext, { name: 'exporterContext' })
      const context = await setupRecipient(p)
      return context.export(p.exporterContext, p.length)
    },
  })
}

function wipeSchedule(s: { secret: Uint8Array; key: Uint8Array; baseNonce: Uint8Array; exporterSecret: Uint8Array }) {
  s.secret.fill(0)
  s.key.fill(0)
  s.baseNonce.fill(0)
  s.exporterSecret.fill(0)
}

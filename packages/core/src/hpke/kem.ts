/**
 * HPKE KEMs (RFC 9180 §4.1, §7.1): DHKEM(X25519, HKDF-SHA256) over WebCrypto `X25519` (feature-detected once per
 * KEM object) with `@noble/curves` as the fallback, and DHKEM(P-256, HKDF-SHA256) over `@noble/curves`.
 * @module
 */
import { p256 } from '@noble/curves/nist.js'
import {
  assertBytes,
  base64urlToBytes,
  bytesToBase64url,
  randomBytes as defaultRandomBytes,
  type RandomBytes,
} from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import { concat, i2osp, kemSuiteId, label, labeledExpand, labeledExtract } from './_labeled.js'
import { bufferSource, getSubtle } from './_subtle.js'
import { x25519 } from './_x25519.js'
import type { CryptoBackend } from './aead.js'
import { hkdfSha256 } from './kdf.js'
import type { HpkeKdf, HpkeKem, HpkeKeyPair, HpkeRecipientKey } from './types.js'

/** Errors a KEM's methods can throw. */
export type KemErrorType = InvalidArgumentError

const L_DKP_PRK = /* @__PURE__ */ label('dkp_prk')
const L_SK = /* @__PURE__ */ label('sk')
const L_CANDIDATE = /* @__PURE__ */ label('candidate')
const L_EAE_PRK = /* @__PURE__ */ label('eae_prk')
const L_SHARED_SECRET = /* @__PURE__ */ label('shared_secret')
const EMPTY = /* @__PURE__ */ new Uint8Array(0)

const invalidKey = (what: string, cause?: unknown) =>
  new InvalidArgumentError('INVALID_KEY', `${what} is not a valid key for this KEM.`, {
    ...(cause === undefined ? {} : { cause }),
  })

/** A secret-key handle that computes DH with peers' public keys. @internal */
export type DhKey = { dh(peerPublicKey: Uint8Array): Promise<Uint8Array> }
/** A fresh key pair's handle and public key. @internal */
export type Ephemeral = DhKey & { publicKey: Uint8Array }

/** A DHKEM's group operations (and, optionally, the HKDF-SHA256 implementation it derives with). @internal */
export type DhkemSpec = {
  id: number
  name: string
  publicKeyLength: number
  secretKeyLength: number
  backend: CryptoBackend | 'native'
  /** HKDF-SHA256 for the KEM's own derivations (default `@noble/hashes`'). */
  kdf?: HpkeKdf | undefined
  deriveSecretKey(dkpPrk: Uint8Array, suiteId: Uint8Array): Uint8Array
  getPublicKey(secretKey: Uint8Array): Uint8Array
  generateKeyPair(): Promise<HpkeKeyPair>
  /** A fresh ephemeral key (native when possible). */
  generateEphemeral(): Promise<Ephemeral>
  /** A handle for a given secret key and its public key. */
  importSecretKey(secretKey: Uint8Array, publicKey: Uint8Array): Promise<DhKey>
  checkPublicKey(publicKey: Uint8Array, name: string): void
}

/** Each DHKEM object's group spec, for {@link holdRecipientKey}. */
const SPECS = /* @__PURE__ */ new WeakMap<HpkeKem, DhkemSpec>()
/** Recipient keys made by {@link holdRecipientKey}: their spec and their handle, imported on first use. */
const HELD = /* @__PURE__ */ new WeakMap<object, { spec: DhkemSpec; key: () => Promise<DhKey> }>()

function isZero(bytes: Uint8Array): boolean {
  let acc = 0
  for (let i = 0; i < bytes.length; i++) acc |= bytes[i] as number
  return acc === 0
}

/** RFC 9180 §4.1 DHKEM over a group spec; KDF fixed to HKDF-SHA256, `Nsecret` = 32. @internal */
export function makeDhkem(spec: DhkemSpec): HpkeKem {
  const suiteId = kemSuiteId(spec.id)
  const kdf = spec.kdf ?? hkdfSha256
  const { publicKeyLength: npk, secretKeyLength: nsk } = spec

  const deriveKeyPair = (ikm: Uint8Array): HpkeKeyPair => {
    assertBytes(ikm, { name: 'ikm' })
    if (ikm.length < nsk) throw new InvalidArgumentError('INVALID_LENGTH', `ikm must be at least ${nsk} bytes.`)
    const dkpPrk = labeledExtract(kdf, suiteId, EMPTY, L_DKP_PRK, ikm)
    try {
      const secretKey = spec.deriveSecretKey(dkpPrk, suiteId)
      return Object.freeze({ secretKey, publicKey: spec.getPublicKey(secretKey) })
    } finally {
      dkpPrk.fill(0)
    }
  }
  const extractAndExpand = (dh: Uint8Array, kemContext: Uint8Array): Uint8Array => {
    const eaePrk = labeledExtract(kdf, suiteId, EMPTY, L_EAE_PRK, dh)
    try {
      return labeledExpand(kdf, suiteId, eaePrk, L_SHARED_SECRET, kemContext, 32)
    } finally {
      eaePrk.fill(0)
      dh.fill(0)
    }
  }
  const checkSecretKey = (sk: Uint8Array, name: string) => assertBytes(sk, { length: nsk, name })
  const checkPublicKey = (pk: Uint8Array, name: string) => {
    assertBytes(pk, { length: npk, name })
    spec.checkPublicKey(pk, name)
  }

  const kem: HpkeKem = Object.freeze({
    id: spec.id,
    name: spec.name,
    sharedSecretLength: 32,
    encLength: npk,
    publicKeyLength: npk,
    secretKeyLength: nsk,
    backend: spec.backend,
    deriveKeyPair,
    getPublicKey(secretKey: Uint8Array) {
      return spec.getPublicKey(checkSecretKey(secretKey, 'secretKey'))
    },
    async generateKeyPair(options: { randomBytes?: RandomBytes } = {}) {
      if (options.randomBytes) {
        const ikm = options.randomBytes(nsk)
        try {
          return deriveKeyPair(ikm)
        } finally {
          ikm.fill(0)
        }
      }
      return spec.generateKeyPair()
    },
    async encap(
      recipientPublicKey: Uint8Array,
      options: { senderKey?: HpkeKeyPair | undefined; randomBytes?: RandomBytes | undefined } = {},
    ) {
      checkPublicKey(recipientPublicKey, 'recipientPublicKey')
      let ephemeral: Ephemeral
      if (options.randomBytes) {
        // DeriveKeyPair over fresh random ikm is a valid GenerateKeyPair (RFC 9180 §7.1.3); with an injected source
        // it reproduces the RFC test vectors (`ikmE`).
        const ikm = options.randomBytes(nsk)
        const kp = deriveKeyPair(ikm)
        ikm.fill(0)
        const handle = await spec.importSecretKey(kp.secretKey, kp.publicKey)
        kp.secretKey.fill(0)
        ephemeral = { publicKey: kp.publicKey, dh: handle.dh }
      } else {
        ephemeral = await spec.generateEphemeral()
      }
      const enc = ephemeral.publicKey
      const dhE = await ephemeral.dh(recipientPublicKey)
      if (!options.senderKey) {
        return Object.freeze({ sharedSecret: extractAndExpand(dhE, concat(enc, recipientPublicKey)), enc })
      }
      const { secretKey: skS, publicKey: pkS } = options.senderKey
      checkSecretKey(skS, 'senderKey.secretKey')
      checkPublicKey(pkS, 'senderKey.publicKey')
      const sender = await spec.importSecretKey(skS, pkS)
      const dhS = await sender.dh(recipientPublicKey)
      const dh = concat(dhE, dhS)
      dhE.fill(0)
      dhS.fill(0)
      return Object.freeze({ sharedSecret: extractAndExpand(dh, concat(enc, recipientPublicKey, pkS)), enc })
    },
    async decap(
      enc: Uint8Array,
      recipientKey: HpkeRecipientKey,
      options: { senderPublicKey?: Uint8Array | undefined } = {},
    ) {
      checkPublicKey(enc, 'enc')
      // a held key (same KEM) was imported once; its secret and public key are fixed copies, so it is this key: its
      // secret is not read (each read is a copy) again
      const held = HELD.get(recipientKey)
      const own = held?.spec === spec
      const skR = own ? EMPTY : checkSecretKey(recipientKey?.secretKey, 'recipientKey.secretKey')
      const pkR = recipientKey.publicKey ?? spec.getPublicKey(skR)
      checkPublicKey(pkR, 'recipientKey.publicKey')
      const recipient = await (own ? held.key() : spec.importSecretKey(skR, pkR))
      const dhE = await recipient.dh(enc)
      const pkS = options.senderPublicKey
      if (pkS === undefined) return extractAndExpand(dhE, concat(enc, pkR))
      checkPublicKey(pkS, 'senderPublicKey')
      const dhS = await recipient.dh(pkS)
      const dh = concat(dhE, dhS)
      dhE.fill(0)
      dhS.fill(0)
      return extractAndExpand(dh, concat(enc, pkR, pkS))
    },
  })
  SPECS.set(kem, spec)
  return kem
}

/**
 * A recipient key for `kem` whose secret key is imported once (a non-extractable WebCrypto key for X25519) and reused
 * by every `decap` with it, instead of once per call: for a long-lived holder such as a custodian that opens many
 * wraps with one key. The returned object's `secretKey` and `publicKey` read as copies of the bytes given (which are
 * copied here), so the handle can never disagree with them; the handle stays in a closure and is never exported. A
 * key of another KEM object is used the ordinary way.
 * @internal
 */
export function holdRecipientKey(kem: HpkeKem, secretKey: Uint8Array, publicKey: Uint8Array): HpkeRecipientKey {
  const sk = Uint8Array.from(assertBytes(secretKey, { length: kem.secretKeyLength, name: 'secretKey' }))
  const pk = Uint8Array.from(assertBytes(publicKey, { length: kem.publicKeyLength, name: 'publicKey' }))
  const recipientKey = Object.freeze({
    get secretKey() {
      return sk.slice()
    },
    get publicKey() {
      return pk.slice()
    },
  })
  const spec = SPECS.get(kem)
  if (spec) {
    let handle: Promise<DhKey> | undefined
    const key = () => {
      // a failed import (a key pair that does not match) is not remembered: the next call fails the same way
      handle ??= spec.importSecretKey(sk, pk).catch((err: unknown) => {
        handle = undefined
        throw err
      })
      return handle
    }
    HELD.set(recipientKey, { spec, key })
  }
  return recipientKey
}

// --- X25519 -----------------------------------------------------------------------------------------------------

const X25519 = { name: 'X25519' } as const

function nobleX25519Dh(secretKey: Uint8Array): DhKey {
  const sk = Uint8Array.from(secretKey)
  return {
    async dh(peer: Uint8Array) {
      let out: Uint8Array
      try {
        out = x25519.getSharedSecret(sk, peer)
      } catch (cause) {
        throw invalidKey('A public key', cause)
      }
      // RFC 9180 §7.1.4: an all-zero X25519 output (small-order peer key) must be rejected.
      if (isZero(out)) throw invalidKey('A public key')
      return out
    },
  }
}

function webCryptoX25519Dh(subtle: SubtleCrypto, privateKey: CryptoKey): DhKey {
  return {
    async dh(peer: Uint8Array) {
      let out: Uint8Array
      try {
        const publicKey = await subtle.importKey('raw', bufferSource(peer), X25519, true, [])
        out = new Uint8Array(await subtle.deriveBits({ name: 'X25519', public: publicKey }, privateKey, 256))
      } catch (cause) {
        throw invalidKey('A public key', cause)
      }
      if (isZero(out)) throw invalidKey('A public key')
      return out
    },
  }
}

/** Parameters of {@link createDhkemX25519}. */
export type CreateDhkemX25519Parameters = {
  /** `'auto'` (default): WebCrypto `X25519` when it works here, else `@noble/curves`. */
  backend?: CryptoBackend | undefined
}

/**
 * DHKEM(X25519, HKDF-SHA256), HPKE KEM id `0x0020` (`Nsecret` 32, `Nenc` = `Npk` = `Nsk` = 32).
 *
 * With `backend: 'auto'` the first operation probes WebCrypto `X25519` once (native in Node 20 and current
 * Chromium); where it is missing, `@noble/curves` `x25519` runs instead. Keys are raw 32-byte strings either way.
 *
 * @param params - `backend` (default `'auto'`)
 * @returns a frozen {@link HpkeKem}
 * @throws {@link InvalidArgumentError} `INVALID_ARGUMENT` for an unknown backend. Its methods throw
 *   `INVALID_LENGTH` / `INVALID_TYPE` for malformed keys and `INVALID_KEY` for a small-order peer key (all-zero DH).
 * @example
 * ```ts
 * import { createDhkemX25519 } from '@medseal/core'
 * const kem = createDhkemX25519({ backend: 'noble' })
 * const { publicKey } = await kem.generateKeyPair()
 * ```
 */
export function createDhkemX25519(params: CreateDhkemX25519Parameters = {}): HpkeKem {
  const backend = params.backend ?? 'auto'
  if (backend !== 'auto' && backend !== 'webcrypto' && backend !== 'noble')
    throw new InvalidArgumentError('INVALID_ARGUMENT', "backend must be 'auto', 'webcrypto' or 'noble'.")
  let probe: Promise<SubtleCrypto | undefined> | undefined
  const native = (): Promise<SubtleCrypto | undefined> => {
    if (backend === 'noble') return Promise.resolve(undefined)
    probe ??= (async () => {
      const subtle = getSubtle()
      if (subtle) {
        try {
          await subtle.generateKey(X25519, false, ['deriveBits'])
          return subtle
        } catch {
          // no native X25519 here
        }
      }
      if (backend === 'webcrypto')
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'WebCrypto X25519 is not available here.')
      return undefined
    })()
    return probe
  }
  const getPublicKey = (sk: Uint8Array) => x25519.getPublicKey(sk)
  return makeDhkem({
    id: 0x0020,
    name: 'DHKEM(X25519, HKDF-SHA256)',
    publicKeyLength: 32,
    secretKeyLength: 32,
    backend,
    deriveSecretKey: (dkpPrk, suiteId) => labeledExpand(hkdfSha256, suiteId, dkpPrk, L_SK, EMPTY, 32),
    getPublicKey,
    checkPublicKey() {},
    async generateKeyPair() {
      const subtle = await native()
      if (!subtle) {
        const secretKey = x25519.utils.randomSecretKey()
        return Object.freeze({ secretKey, publicKey: getPublicKey(secretKey) })
      }
      const kp = (await subtle.generateKey(X25519, true, ['deriveBits'])) as CryptoKeyPair
      const jwk = await subtle.exportKey('jwk', kp.privateKey)
      return Object.freeze({ secretKey: base64urlToBytes(jwk.d ?? ''), publicKey: base64urlToBytes(jwk.x ?? '') })
    },
    async generateEphemeral() {
      const subtle = await native()
      if (!subtle) {
        const secretKey = defaultRandomBytes(32)
        const ephemeral = { publicKey: getPublicKey(secretKey), ...nobleX25519Dh(secretKey) }
        secretKey.fill(0)
        return ephemeral
      }
      const kp = (await subtle.generateKey(X25519, false, ['deriveBits'])) as CryptoKeyPair
      const jwk = await subtle.exportKey('jwk', kp.publicKey)
      return { publicKey: base64urlToBytes(jwk.x ?? ''), ...webCryptoX25519Dh(subtle, kp.privateKey) }
    },
    async importSecretKey(secretKey, publicKey) {
      const subtle = await native()
      if (!subtle) return nobleX25519Dh(secretKey)
      let key: CryptoKey
      try {
        // JWK with `x` avoids recomputing the public key (a PKCS#8 import costs several times more); the import
        // checks that `x` belongs to `d`.
        const jwk = { kty: 'OKP', crv: 'X25519', d: bytesToBase64url(secretKey), x: bytesToBase64url(publicKey) }
        key = await subtle.importKey('jwk', jwk, X25519, false, ['deriveBits'])
      } catch (cause) {
        throw invalidKey('The secret key (or its public key)', cause)
      }
      return webCryptoX25519Dh(subtle, key)
    },
  })
}

/**
 * DHKEM(X25519, HKDF-SHA256) (`0x0020`) with the `'auto'` backend: WebCrypto when present, else `@noble/curves`.
 * @example
 * ```ts
 * import { dhkemX25519HkdfSha256 } from '@medseal/core'
 * const { secretKey, publicKey } = dhkemX25519HkdfSha256.deriveKeyPair(new Uint8Array(32).fill(7))
 * ```
 */
export const dhkemX25519HkdfSha256: HpkeKem = /* @__PURE__ */ createDhkemX25519()

// --- P-256 ------------------------------------------------------------------------------------------------------

/**
 * DHKEM(P-256, HKDF-SHA256), HPKE KEM id `0x0010` (`Nenc` = `Npk` = 65, uncompressed; `Nsk` = 32), over
 * `@noble/curves` (pure JS). Public keys are checked to be on the curve.
 * @example
 * ```ts
 * import { dhkemP256HkdfSha256 } from '@medseal/core'
 * dhkemP256HkdfSha256.publicKeyLength // 65
 * ```
 */
export const dhkemP256HkdfSha256: HpkeKem = /* @__PURE__ */ (() => {
  const order = p256.Point.Fn.ORDER
  const nobleDh = (secretKey: Uint8Array): DhKey => {
    const sk = Uint8Array.from(secretKey)
    return {
      async dh(peer: Uint8Array) {
        try {
          // the x-coordinate of the shared point (RFC 9180 §7.1.1, SEC1 §3.3.1)
          return p256.getSharedSecret(sk, peer, true).slice(1)
        } catch (cause) {
          throw invalidKey('A public key', cause)
        }
      },
    }
  }
  const getPublicKey = (sk: Uint8Array) => {
    try {
      return p256.getPublicKey(sk, false)
    } catch (cause) {
      throw invalidKey('The secret key', cause)
    }
  }
  return makeDhkem({
    id: 0x0010,
    name: 'DHKEM(P-256, HKDF-SHA256)',
    publicKeyLength: 65,
    secretKeyLength: 32,
    backend: 'noble',
    deriveSecretKey(dkpPrk, suiteId) {
      // RFC 9180 §7.1.3: rejection sampling, bitmask 0xff for P-256
      for (let counter = 0; counter < 256; counter++) {
        const bytes = labeledExpand(hkdfSha256, suiteId, dkpPrk, L_CANDIDATE, i2osp(counter, 1), 32)
        let sk = 0n
        for (const b of bytes) sk = (sk << 8n) | BigInt(b)
        if (sk !== 0n && sk < order) return bytes
        bytes.fill(0)
      }
      throw new InvalidArgumentError('INVALID_KEY', 'DeriveKeyPair found no valid P-256 key (DeriveKeyPairError).')
    },
    getPublicKey,
    checkPublicKey(pk, name) {
      try {
        p256.Point.fromBytes(pk).assertValidity()
      } catch (cause) {
        throw invalidKey(name, cause)
      }
      if (pk[0] !== 0x04) throw invalidKey(name)
    },
    async generateKeyPair() {
      const secretKey = p256.utils.randomSecretKey()
      return Object.freeze({ secretKey, publicKey: getPublicKey(secretKey) })
    },
    async generateEphemeral() {
      const secretKey = p256.utils.randomSecretKey()
      const ephemeral = { publicKey: getPublicKey(secretKey), ...nobleDh(secretKey) }
      secretKey.fill(0)
      return ephemeral
    },
    async importSecretKey(secretKey) {
      if (!p256.utils.isValidSecretKey(secretKey)) throw invalidKey('The secret key')
      return nobleDh(secretKey)
    },
  })
})()

/**
 * Browser key storage for the portal's parties. Each party is one 32-byte seed (see `createParty`). The seed is kept
 * in IndexedDB only as AES-256-GCM ciphertext under a wrapping key that WebCrypto generated as **non-extractable**
 * and that is itself stored in IndexedDB as a `CryptoKey` object: script on this origin can ask the browser to
 * decrypt with it, but can never read the key's bytes out ("non-extractable where WebCrypto allows"). It does not
 * protect against whoever can read the browser profile's files (the browser keeps the key material there) nor against
 * code running on this origin, which can use the key just as the page does.
 * @module
 */
import {
  createParty,
  EnvelopeError,
  InvalidArgumentError,
  isBytes,
  type Party,
  toArrayBufferBacked,
  utf8ToBytes,
  wipe,
} from '@medseal/core'

import { openPortalDb, request } from './portalDb.js'

const STORE = 'keys'
const WRAPPING_KEY_ID = 'wrapping-key'

/** A seed as stored: AES-GCM ciphertext (with its tag) and the 12-byte nonce. */
type WrappedSeed = { readonly v: 1; readonly iv: Uint8Array; readonly ciphertext: Uint8Array }

/** A party loaded from the key store, and whether it was created just now. */
export type StoredParty = { readonly party: Party; readonly created: boolean }

/** The portal's key store. */
export type KeyStore = {
  /**
   * Loads the party named `name`, creating (and storing) a fresh one the first time.
   * @throws {@link EnvelopeError} `DECRYPT_FAILED` when the stored seed does not decrypt (tampered, another key)
   * @throws {@link InvalidArgumentError} `INVALID_ENCODING` when the stored record is malformed
   */
  loadParty(name: string): Promise<StoredParty>
  /** What the page tells the user about the wrapping key (read from the stored `CryptoKey`). */
  describe(): Promise<{ algorithm: string; extractable: boolean }>
  /** Closes the database. */
  close(): void
}

/**
 * Opens the portal's key store in IndexedDB (creating the non-extractable wrapping key on first use).
 *
 * @returns a {@link KeyStore}
 * @throws the browser's `DOMException` when IndexedDB or WebCrypto is unavailable
 * @example
 * ```ts
 * const keys = await openKeyStore()
 * const { party: patient } = await keys.loadParty('patient')
 * ```
 */
export async function openKeyStore(): Promise<KeyStore> {
  const db = await openPortalDb()
  const get = async <T>(key: string): Promise<T | undefined> =>
    request(db.transaction(STORE, 'readonly').objectStore(STORE).get(key)) as Promise<T | undefined>
  const put = async (key: string, value: unknown): Promise<void> => {
    await request(db.transaction(STORE, 'readwrite').objectStore(STORE).put(value, key))
  }

  let wrappingKey = await get<CryptoKey>(WRAPPING_KEY_ID)
  if (!wrappingKey) {
    wrappingKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
    await put(WRAPPING_KEY_ID, wrappingKey)
  }
  const key = wrappingKey
  // The party's name is bound as associated data: a wrapped seed moved under another name does not decrypt.
  const aad = (name: string) => toArrayBufferBacked(utf8ToBytes(`medseal/patient-portal/seed/v1:${name}`))

  return Object.freeze({
    async loadParty(name: string): Promise<StoredParty> {
      const id = `party:${name}`
      const stored = await get<WrappedSeed>(id)
      if (stored) {
        if (
          !isBytes(stored.iv) ||
          stored.iv.length !== 12 ||
          !isBytes(stored.ciphertext) ||
          stored.ciphertext.length !== 48
        )
          throw new InvalidArgumentError('INVALID_ENCODING', `The stored key of "${name}" is malformed.`)
        let seed: Uint8Array
        try {
          seed = new Uint8Array(
            await crypto.subtle.decrypt(
              { name: 'AES-GCM', iv: toArrayBufferBacked(stored.iv), additionalData: aad(name) },
              key,
              toArrayBufferBacked(stored.ciphertext),
            ),
          )
        } catch (cause) {
          throw new EnvelopeError('DECRYPT_FAILED', `The stored key of "${name}" could not be unwrapped.`, { cause })
        }
        try {
          return { party: createParty({ seed }), created: false }
        } finally {
          wipe(seed)
        }
      }
      const party = createParty()
      const seed = party.exportSeed()
      try {
        const iv = crypto.getRandomValues(new Uint8Array(12))
        const ciphertext = new Uint8Array(
          await crypto.subtle.encrypt(
            { name: 'AES-GCM', iv, additionalData: aad(name) },
            key,
            toArrayBufferBacked(seed),
          ),
        )
        await put(id, { v: 1, iv, ciphertext } satisfies WrappedSeed)
      } finally {
        wipe(seed)
      }
      return { party, created: true }
    },
    async describe() {
      const algorithm = key.algorithm as AesKeyAlgorithm
      return { algorithm: `${algorithm.name}-${algorithm.length}`, extractable: key.extractable }
    },
    close() {
      db.close()
    },
  })
}

/**
 * Ed25519 verification (RFC 8032) for signed notes: WebCrypto where the runtime has it (current Chromium, Node 20+),
 * `@noble/curves` otherwise. Both are strict RFC 8032 verifiers (noble with `zip215: false`), so a signature verifies
 * on one path exactly when it verifies on the other.
 * @module
 * @internal
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { bytesToHex, toArrayBufferBacked } from '../bytes/index.js'

let webCrypto: Promise<boolean> | undefined
/** Imported WebCrypto keys by public key (hex): a log's or a witness's key is used again and again. Bounded. */
const keys = new Map<string, Promise<CryptoKey>>()
const MAX_KEYS = 256

function importKey(publicKey: Uint8Array): Promise<CryptoKey> {
  const id = bytesToHex(publicKey)
  let key = keys.get(id)
  if (key === undefined) {
    if (keys.size >= MAX_KEYS) keys.clear()
    key = crypto.subtle.importKey('raw', toArrayBufferBacked(publicKey), { name: 'Ed25519' }, false, ['verify'])
    keys.set(id, key)
    key.catch(() => keys.delete(id))
  }
  return key
}

/** Does this runtime's WebCrypto verify Ed25519? Probed once (importing a fixed public key). */
function hasWebCryptoEd25519(): Promise<boolean> {
  if (webCrypto === undefined) {
    const subtle = globalThis.crypto?.subtle
    webCrypto =
      subtle === undefined
        ? Promise.resolve(false)
        : subtle
            .importKey('raw', ed25519.getPublicKey(new Uint8Array(32).fill(7)), { name: 'Ed25519' }, false, ['verify'])
            .then(
              () => true,
              () => false,
            )
  }
  return webCrypto
}

/** Which implementation {@link _verifyEd25519} uses here. @internal */
export async function _ed25519Backend(): Promise<'webcrypto' | 'noble'> {
  return (await hasWebCryptoEd25519()) ? 'webcrypto' : 'noble'
}

/**
 * Verifies an Ed25519 signature; `false` for a wrong signature, a malformed key or a signature of the wrong length.
 * @internal
 */
export async function _verifyEd25519(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  options: { readonly backend?: 'webcrypto' | 'noble' } = {},
): Promise<boolean> {
  if (publicKey.length !== 32 || signature.length !== 64) return false
  const backend = options.backend ?? (await _ed25519Backend())
  if (backend === 'webcrypto') {
    try {
      const key = await importKey(publicKey)
      return await crypto.subtle.verify(
        { name: 'Ed25519' },
        key,
        toArrayBufferBacked(signature),
        toArrayBufferBacked(message),
      )
    } catch {
      return false
    }
  }
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false })
  } catch {
    return false
  }
}

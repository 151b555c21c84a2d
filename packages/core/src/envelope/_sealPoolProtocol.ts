/**
 * Messages between `createSealPool` and `serveSealWorker`, and the listener plumbing both sides share (Node's
 * `worker_threads` emit plain values through `on`; Web Workers dispatch `MessageEvent`s).
 * @module
 * @internal
 */
import type { SharedVaultKey } from './shareVaultKey.js'

/** A recipient as the worker sees it: a vault key id (shared earlier) or an X25519 public key. @internal */
export type WireRecipient = { readonly vault: Uint8Array } | { readonly publicKey: Uint8Array }

/** @internal */
export type ToWorker = {
  readonly t: 'seal'
  readonly id: number
  /** Vault keys this worker has not received yet, each HPKE-wrapped to the worker's own key. */
  readonly shares: readonly SharedVaultKey[]
  readonly recipients: readonly WireRecipient[]
  readonly version: 1 | 2 | 3
  /** The canonical payloads, back to back; `ends[i]` is where item `i` ends. */
  readonly data: Uint8Array
  readonly ends: Uint32Array
}

/** @internal */
export type FromWorker =
  | { readonly t: 'ready'; readonly publicKey: Uint8Array }
  | {
      readonly t: 'done'
      readonly id: number
      /** Encoded envelopes, back to back; `ends[i]` is where envelope `i` ends. */
      readonly envelopes: Uint8Array
      readonly ends: Uint32Array
      /** 32 bytes per item. */
      readonly commitments: Uint8Array
      /** 32 bytes per item: the SHA-256 of the canonical bytes (the content id's digest). */
      readonly digests: Uint8Array
    }
  | { readonly t: 'error'; readonly id: number; readonly code: string }

/** Either side of a worker channel: Node (`on`) or the web (`addEventListener`). @internal */
export type Listenable = {
  on?: (type: string, listener: (value: unknown) => void) => unknown
  addEventListener?: (type: string, listener: (event: unknown) => void) => void
}

/** Subscribes to `type` on a Node emitter or a web event target; message listeners get the message data. @internal */
export function listen(target: Listenable, type: string, listener: (value: unknown) => void): void {
  if (typeof target.on === 'function') target.on(type, listener)
  else if (typeof target.addEventListener === 'function')
    target.addEventListener(type, (e) => listener(type === 'message' ? (e as { data: unknown }).data : e))
}

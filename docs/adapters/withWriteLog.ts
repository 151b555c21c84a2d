import type { LedgerAdapter, LedgerRef } from '@medseal/core'

/** One landed write: which method, and the ledger reference (no content: nothing to leak into a log). */
export type WriteEvent = {
  readonly method: 'anchorRoot' | 'registerConsent' | 'revokeConsent' | 'recordTombstone' | 'recordTreeHead'
  readonly ref: LedgerRef
}

/**
 * Wraps any ledger so that every write that landed is reported to `onWrite` (metrics, an operations log).
 * Reads pass straight through; errors are rethrown unchanged, so callers still branch on their codes. An idempotent
 * repeat reports the first write's reference again. A failing listener never fails a write that already landed.
 */
export function withWriteLog(inner: LedgerAdapter, onWrite: (event: WriteEvent) => void): LedgerAdapter {
  const report = <T extends { readonly ref: LedgerRef }>(method: WriteEvent['method'], record: T): T => {
    try {
      onWrite({ method, ref: { ...record.ref } })
    } catch {
      // the write is on the ledger whatever the listener does
    }
    return record
  }
  const ledger: LedgerAdapter = {
    name: inner.name,
    ledgerId: inner.ledgerId,
    domain: inner.domain,
    getTime: () => inner.getTime(),
    anchorRoot: async (input) => report('anchorRoot', await inner.anchorRoot(input)),
    getAnchor: (key) => inner.getAnchor(key),
    registerConsent: async (signed) => report('registerConsent', await inner.registerConsent(signed)),
    revokeConsent: async (signed) => report('revokeConsent', await inner.revokeConsent(signed)),
    getConsent: (key) => inner.getConsent(key),
    getRevocation: (key) => inner.getRevocation(key),
    listConsents: (params) => inner.listConsents(params),
    recordTombstone: async (signed) => report('recordTombstone', await inner.recordTombstone(signed)),
    getTombstone: (commitment, owner) => inner.getTombstone(commitment, owner),
    recordTreeHead: async (signed) => report('recordTreeHead', await inner.recordTreeHead(signed)),
    getTreeHead: (logId, treeSize) => inner.getTreeHead(logId, treeSize),
  }
  return Object.freeze(ledger)
}

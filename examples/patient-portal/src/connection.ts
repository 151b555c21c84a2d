/**
 * What the apps need from the records service: its custodian (deposit, key release, purge), the ledger it relays,
 * and read access to its access log. Over HTTP these are `@medseal/service`'s clients (see `connect.ts`); in the
 * model's tests, the in-process custodian and access log.
 * @module
 */
import type { AccessEvent, AccessLog, Address, Custodian, LedgerAdapter, SignedTreeHead } from '@medseal/core'

/** Read access to the service's access log (what a patient needs to verify it against the ledger). */
export type AccessLogView = {
  /** The log's operator (signs its heads). */
  readonly operator: Address
  /** The current head, signed by the operator. */
  signedHead(): Promise<SignedTreeHead>
  /** Events `start` to `end - 1`, in order (the service answers them in pages). */
  getEvents(start: number, end: number): Promise<AccessEvent[]>
  /** Inclusion proof of event `index` in the log of `treeSize` events. */
  proveInclusion(index: number, treeSize: number): Promise<Uint8Array[]>
  /** Consistency proof between the log at `oldSize` and at `newSize` events. */
  proveConsistency(oldSize: number, newSize: number): Promise<Uint8Array[]>
}

/**
 * The read side of an in-process `AccessLog` as an {@link AccessLogView} (the models' tests, an app that embeds the
 * custodian).
 *
 * @param log - the access log
 * @returns the view
 * @example
 * ```ts
 * const view = accessLogView(await createAccessLog({ operator, ledger, name: 'access' }))
 * ```
 */
export function accessLogView(log: AccessLog): AccessLogView {
  return Object.freeze({
    operator: log.operator,
    signedHead: () => log.signedHead(),
    async getEvents(start: number, end: number) {
      const out: AccessEvent[] = []
      for (let i = start; i < end; i++) out.push(await log.getEvent(i))
      return out
    },
    proveInclusion: (index: number, treeSize: number) => log.proveInclusion(index, treeSize),
    proveConsistency: (oldSize: number, newSize: number) => log.proveConsistency(oldSize, newSize),
  })
}

/** A connection to the records service. */
export type ServiceConnection = {
  /** The service's base URL (what a share link names). */
  readonly url: string
  /** The chain's JSON-RPC URL, when the service's ledger is an EVM chain the page reads itself. */
  readonly rpcUrl?: string
  readonly custodian: Custodian
  readonly ledger: LedgerAdapter
  readonly log: AccessLogView
}

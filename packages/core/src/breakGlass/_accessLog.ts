/**
 * What break-glass, the custodian and erasure need of an access log: append an event, publish the head. Any
 * `createAccessLog(...)` result satisfies it; an integrator may pass its own log that does the same.
 * @module
 */
import type { AccessLogAppendResult, AccessLogLeaf, AccessLogStore } from '../accessLog/store.js'
import type { Address, Hex } from '../types.js'

/** One access event as appended by the consent machinery. */
export type AccessLogEventInput = {
  readonly actor: Address
  readonly action: string
  readonly commitment: Hex
  readonly at: number
  readonly purpose: string
  readonly consentId?: Hex
  readonly outcome: 'permit' | 'deny'
  readonly reason?: string
  readonly policyId?: Hex
}

/** The part of an access log the consent machinery writes to. */
export type AccessLogWriter = {
  /** The log's id (`AccessLog.logId`): a break-glass service names itself by it, and requests name the service. */
  readonly logId?: Hex
  append(event: AccessLogEventInput, options?: { readonly publish?: boolean }): Promise<unknown>
  publishHead(): Promise<unknown>
  /**
   * Appends an event through `commit`, which stores the leaf in the same transaction as its own write (see
   * `AccessLog.appendWith`). Optional: without it the custodian appends, then records the release separately.
   */
  appendWith?(
    event: AccessLogEventInput,
    commit: (unit: { readonly store: AccessLogStore; readonly leaf: AccessLogLeaf }) => Promise<AccessLogAppendResult>,
    options?: { readonly publish?: boolean },
  ): Promise<unknown>
}

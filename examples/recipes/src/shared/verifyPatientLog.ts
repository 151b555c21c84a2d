/**
 * The patient's check of a custodian's access log, as the recipes end: the log's head is published and checked against
 * the head anchored on the ledger, and every event is read and proven included in it.
 * @module
 */
import {
  type AccessEvent,
  type AccessLog,
  type Address,
  type LedgerAdapter,
  verifyEventInclusion,
  verifyLogAgainstLedger,
} from '@medseal/core'

/**
 * Publishes `log`'s head, verifies it against the ledger (signed by `operator`, anchored) and returns every event,
 * each proven included in that head.
 *
 * @param ledger - where the head is anchored
 * @param params - the `log` and its `operator`'s address
 * @returns the events, in log order
 * @throws what `verifyLogAgainstLedger` and `verifyEventInclusion` throw (a head or an event that does not verify)
 * @example
 * ```ts
 * const events = await verifyPatientLog(ledger, { log, operator: vendor.address })
 * events.filter((e) => e.outcome === 'deny').length
 * ```
 */
export async function verifyPatientLog(
  ledger: LedgerAdapter,
  params: { readonly log: AccessLog; readonly operator: Address },
): Promise<AccessEvent[]> {
  const { log, operator } = params
  await log.publishHead()
  const head = await log.signedHead()
  await verifyLogAgainstLedger(ledger, { head, operator })
  const events: AccessEvent[] = []
  for (let i = 0; i < head.head.treeSize; i++) {
    const event = await log.getEvent(i)
    verifyEventInclusion({
      event,
      index: i,
      head,
      proof: await log.proveInclusion(i, head.head.treeSize),
      operator,
      domain: ledger.domain,
    })
    events.push(event)
  }
  return events
}

import { canonicalize, consentKey, type SignedConsent } from '@medseal/core'
import { describeLedgerConformance } from '@medseal/core/testing'
import { REGISTRY_KEYS } from '../chaincode/src/index.js'
import {
  createInProcessFabricTransport,
  type InProcessFabricTransport,
  setChaincodeLogLevel,
} from '../chaincode/src/testing/index.js'
import { createFabricLedger } from './createFabricLedger.js'

// refused transactions are expected here; fabric-shim would log each at error level
setChaincodeLogLevel('CRITICAL')

/**
 * Writes a consent into the world state around the chaincode (no checks), in the chaincode's state layout 2 (see the
 * chaincode README): the record and its four index entries, committed as a transaction of its own. Stands for what
 * only a chaincode of other rules could have written (an older rule set); review #6's listing test reads it back.
 */
async function writeAroundChaincode(transport: InProcessFabricTransport, registry: string, signed: SignedConsent) {
  const stub = transport.world.newStub({ args: ['writeUnchecked'] })
  const objectType = (name: keyof typeof REGISTRY_KEYS) =>
    registry === '' ? REGISTRY_KEYS[name] : `${REGISTRY_KEYS[name]}@${registry}`
  const key = consentKey(signed.consent.grantor, signed.consent.id)
  const { seconds, nanos } = stub.getTxTimestamp()
  const ref = { tx: stub.getTxID(), timestamp: seconds.toNumber() }
  const order = `${String(seconds.toNumber()).padStart(12, '0')}.${String(nanos).padStart(9, '0')}.${key}`
  const grantor = signed.consent.grantor.toLowerCase()
  const grantee = signed.consent.grantee.toLowerCase()
  const entry = canonicalize({ key, ...ref })
  await stub.putState(stub.createCompositeKey(objectType('consent'), [key]), canonicalize({ ...signed, ...ref }))
  await stub.putState(stub.createCompositeKey(objectType('consentsAll'), [order]), entry)
  await stub.putState(stub.createCompositeKey(objectType('consentsByGrantor'), [grantor, order]), entry)
  await stub.putState(stub.createCompositeKey(objectType('consentsByGrantee'), [grantee, order]), entry)
  await stub.putState(stub.createCompositeKey(objectType('consentsByPair'), [grantor, grantee, order]), entry)
  const [committed] = transport.world.commit(stub)
  if (committed?.code !== 'VALID') throw new Error(`writeUnchecked did not commit: ${committed?.code}`)
}

// CI runs the conformance suite through the in-process bridge: the real chaincode, fabric-shim's contract
// dispatcher and an in-memory world state with Fabric's MVCC commit, but no peers, orderer or MSP.
// createFabricLedger.network.test.ts runs the same suite against a real Fabric network when one is configured.
describeLedgerConformance('fabric (in-process bridge, not a Fabric network)', {
  create: async () => {
    let now = Date.now()
    const transport = createInProcessFabricTransport({ channel: 'mychannel', chaincode: 'medseal', now: () => now })
    // A gateway evaluates on one peer, and a peer that lags behind answers with an older newest block: `lag` makes
    // the bridge's ledger time answer that way (the bridge itself never goes back), for review #7's rewindTime.
    let lag = 0
    const lagging = { ...transport, getLedgerTime: async () => (await transport.getLedgerTime()) - lag }
    const ledger = createFabricLedger({
      transport: lagging,
      channel: 'mychannel',
      chaincode: 'medseal',
      retryDelayMs: 5,
    })
    return {
      ledger,
      advanceTime: async (seconds) => {
        now += seconds * 1000
        await transport.cutEmptyBlock()
      },
      rewindTime: async (seconds) => {
        lag += seconds
      },
      writeUnchecked: (signed) => writeAroundChaincode(transport, '', signed),
      cleanup: async () => transport.close(),
    }
  },
})

// One chaincode, one world state, a fresh named registry per test: the isolation the real-network test relies on
// (createFabricLedger.network.test.ts cannot deploy a fresh chaincode per test).
{
  let now = Date.now()
  const shared = createInProcessFabricTransport({ channel: 'mychannel', chaincode: 'medseal', now: () => now })
  let n = 0
  describeLedgerConformance('fabric named registries in one chaincode (in-process bridge, not a Fabric network)', {
    create: async () => {
      const registry = `conformance-${++n}`
      let lag = 0 // a lagging peer, as in the harness above
      const lagging = { ...shared, getLedgerTime: async () => (await shared.getLedgerTime()) - lag }
      const ledger = createFabricLedger({
        transport: lagging,
        channel: 'mychannel',
        chaincode: 'medseal',
        registry,
        retryDelayMs: 5,
      })
      return {
        ledger,
        advanceTime: async (seconds) => {
          now += seconds * 1000
          await shared.cutEmptyBlock()
        },
        rewindTime: async (seconds) => {
          lag += seconds
        },
        writeUnchecked: (signed) => writeAroundChaincode(shared, registry, signed),
      }
    },
  })
}

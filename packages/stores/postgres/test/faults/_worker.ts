/**
 * The child process of the kill -9 fault tests (run with tsx by `_processes.ts`). It opens the durable stores named by
 * `MEDSEAL_FAULT_CONFIG` and loops one kind of work, printing one JSON line per operation on stdout AFTER the
 * operation resolved: each line is something a caller was told succeeded, which must survive the kill.
 *
 * Kinds: `release` (custodian key releases, a head published every few), `append` (access-log appends, same heads),
 * `anchor` (anchorer adds, several in flight), `sync` (syncPatient against a FHIR server, resumed from checkpoints).
 * @module
 */
import {
  bytesToHex0x,
  createAccessLog,
  createAnchorer,
  createCustodian,
  createKeyRequest,
  type Hex,
  randomBytes,
} from '@medseal/core'
import { syncPatient } from '@medseal/fhir/sync'
import {
  FAULT_LOG_NAME,
  type FaultConfig,
  faultParties,
  openFaultLedger,
  readSetup,
  setUpRelease,
  writeSetup,
} from './_shared.js'
import { openFaultStores } from './_stores.js'

const config = JSON.parse(process.env.MEDSEAL_FAULT_CONFIG ?? '{}') as FaultConfig
const ack = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`)

const { patient, doctor, vendor } = faultParties()
const { ledger, close: closeLedger } = await openFaultLedger(config.ledger)
const stores = await openFaultStores(config.backend)
const max = config.maxOps ?? 10_000

const openLog = () => createAccessLog({ operator: vendor, ledger, name: FAULT_LOG_NAME, store: stores.accessLog })

if (config.kind === 'append' || config.kind === 'release') {
  const log = await openLog()
  let custodian: ReturnType<typeof createCustodian> | undefined
  let setup = readSetup(config.dir)
  if (config.kind === 'release') {
    custodian = createCustodian({ party: vendor, ledger, log, store: stores.custodian })
    if (setup === undefined) {
      // first run (or killed during setup): a record and a grant; redoing it after a kill only adds another record
      setup = await setUpRelease(ledger, custodian, 'fault test')
      writeSetup(config.dir, setup)
    }
  }
  for (let n = 1; n <= max; n++) {
    if (custodian && setup) {
      await custodian.releaseKey(
        createKeyRequest(doctor, ledger.domain, {
          consentId: setup.consentId,
          custodian: custodian.identity,
          grantor: patient,
          commitment: setup.commitment,
          action: 'read',
          purpose: 'TREAT',
          issuedAt: await ledger.getTime(),
        }),
      )
      ack({ op: 'release', n })
    } else {
      const commitment = bytesToHex0x(randomBytes(32))
      const { index } = await log.append({
        actor: doctor.address,
        action: 'read',
        commitment,
        at: await ledger.getTime(),
        purpose: 'TREAT',
        outcome: 'permit',
      })
      ack({ op: 'append', index, commitment })
    }
    if (n % 5 === 0) {
      const head = await log.publishHead()
      ack({ op: 'head', treeSize: head.head.treeSize, root: head.head.root })
    }
  }
} else if (config.kind === 'anchor') {
  const anchorer = createAnchorer(ledger, { store: stores.anchorer, maxBatchSize: 8, maxDelayMs: 20 })
  const inFlight = new Set<Promise<void>>()
  for (let n = 1; n <= max; n++) {
    const commitment: Hex = bytesToHex0x(randomBytes(32))
    const p = anchorer.add(commitment).then((receipt) => {
      ack({ op: 'anchored', commitment, root: receipt.root, treeSize: receipt.treeSize })
    })
    const tracked = p.finally(() => inFlight.delete(tracked))
    inFlight.add(tracked)
    if (inFlight.size >= 16) await Promise.race(inFlight)
  }
  await anchorer.close()
} else if (config.kind === 'sync') {
  const anchorer = createAnchorer(ledger, { store: stores.anchorer, maxBatchSize: 4, maxDelayMs: 10 })
  const progress: Promise<void>[] = []
  const result = await syncPatient({
    baseUrl: config.fhirBaseUrl as string,
    patientId: config.patientId as string,
    sealer: patient,
    recipients: [patient],
    anchorer,
    ledger,
    checkpoint: stores.syncCheckpoints,
    chunkSize: 4,
    writeMode: 'create',
    onProgress: (p) => {
      // reported after the checkpoint holds the receipt; the commitment shows whether a resumed run sealed again
      const read = stores.syncCheckpoints.get(p.key).then((cp) => {
        ack({ op: 'synced', key: p.key, phase: p.phase, commitment: cp?.commitment })
      })
      progress.push(read)
    },
  })
  await anchorer.close()
  await Promise.all(progress)
  ack({ op: 'done', entries: result.entries.length })
}
await stores.close()
closeLedger()

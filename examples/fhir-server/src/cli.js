#!/usr/bin/env node
/**
 * `pnpm --filter @medseal/example-fhir-server start [--port N] [--host H] [synthea files…]`: runs the test FHIR
 * server until Ctrl-C, optionally pre-loaded with Synthea patients. Prints the base URL on the first line.
 */
import { loadSyntheaPatients, startFhirServer } from './index.js'

const args = process.argv.slice(2)
const opts = {}
const files = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--port') opts.port = Number(args[++i])
  else if (args[i] === '--host') opts.host = args[++i]
  else files.push(args[i])
}
const server = await startFhirServer(opts)
console.log(server.baseUrl)
if (files.length > 0) {
  const loaded = await loadSyntheaPatients(server, files)
  for (const p of loaded) console.log(`loaded Patient/${p.patientId} (${p.created} resources)`)
}
const stop = async () => {
  await server.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)

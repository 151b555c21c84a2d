/**
 * Entry point of the chaincode-as-a-service process: `node dist/server.js`, configured by environment variables
 * (`CHAINCODE_SERVER_ADDRESS`, `CHAINCODE_ID`, `MEDSEAL_CHAINCODE_NAME`, optional `CHAINCODE_TLS_KEY`,
 * `CHAINCODE_TLS_CERT`, `CHAINCODE_CLIENT_CA_CERT`; see `chaincodeServer.ts`). Logs the address and chaincode name
 * only, never file contents.
 * @module
 */
import { chaincodeServerOptionsFromEnv, startChaincodeServer } from './chaincodeServer.js'

try {
  const options = chaincodeServerOptionsFromEnv(process.env)
  const server = await startChaincodeServer(options)
  console.log(
    `medseal registry chaincode listening on ${server.address} (chaincode name ${server.chaincodeName}, TLS ${
      options.tls ? (options.tls.clientCACerts ? 'mutual' : 'on') : 'off'
    })`,
  )
  const stop = () => {
    void server.close().then(() => process.exit(0))
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
} catch (error) {
  console.error(`medseal registry chaincode failed to start: ${(error as Error).message}`)
  process.exit(1)
}

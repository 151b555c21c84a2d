/**
 * Chaincode-as-a-service: the registry chaincode as a gRPC server that Fabric peers dial (Fabric 2.4+ `ccaas`
 * builder), instead of a container the peer builds and launches.
 *
 * Environment (the names of fabric-samples' CCaaS examples):
 * - `CHAINCODE_SERVER_ADDRESS` (required): where to listen, e.g. `0.0.0.0:9999`.
 * - `CHAINCODE_ID` (required): the package id the peer reports after `peer lifecycle chaincode install`
 *   (`<label>:<sha256>`).
 * - `MEDSEAL_CHAINCODE_NAME` (default `medseal`): the chaincode name of the chaincode definition
 *   (`--name` of `approveformyorg`/`commit`); it is part of the ledger id `fabric:<channel>:<name>` and so of the
 *   EIP-712 domain every signature is checked under.
 * - TLS, optional: `CHAINCODE_TLS_KEY` and `CHAINCODE_TLS_CERT` (PEM file paths) enable TLS;
 *   `CHAINCODE_CLIENT_CA_CERT` (PEM file path) also requires peers to present a client certificate from that CA.
 * @module
 */
import { readFileSync } from 'node:fs'
import { Shim } from 'fabric-shim'
import { createRegistryChaincode } from './createRegistryChaincode.js'
import { DEFAULT_CHAINCODE_NAME } from './registryContract.js'

/** Options of {@link startChaincodeServer}. */
export type ChaincodeServerOptions = {
  /** `host:port` to listen on. */
  readonly address: string
  /** The installed package id (`label:hash`). */
  readonly ccid: string
  /** The chaincode definition's name (default `medseal`). */
  readonly chaincodeName?: string
  /** TLS key and certificate (PEM); with `clientCACerts`, peers must present a certificate from that CA. */
  readonly tls?: { readonly key: Uint8Array; readonly cert: Uint8Array; readonly clientCACerts?: Uint8Array }
}

/** A running chaincode server. */
export type ChaincodeServerHandle = {
  readonly address: string
  readonly chaincodeName: string
  /** Stops accepting connections and closes the open ones. */
  close(): Promise<void>
}

/**
 * Reads {@link ChaincodeServerOptions} from environment variables (see the module docs).
 *
 * @param env - the environment, e.g. `process.env`
 * @param readFile - reads a PEM file (default `fs.readFileSync`)
 * @returns the options
 * @throws Error naming the missing or unreadable variable (never its value)
 * @example
 * ```ts
 * import { chaincodeServerOptionsFromEnv } from '@medseal/fabric-chaincode'
 * chaincodeServerOptionsFromEnv({ CHAINCODE_SERVER_ADDRESS: '0.0.0.0:9999', CHAINCODE_ID: 'medseal_1:abc' })
 * ```
 */
export function chaincodeServerOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => Uint8Array = (path) => readFileSync(path),
): ChaincodeServerOptions {
  const address = env.CHAINCODE_SERVER_ADDRESS
  const ccid = env.CHAINCODE_ID
  if (!address) throw new Error('CHAINCODE_SERVER_ADDRESS is required (e.g. 0.0.0.0:9999).')
  if (!ccid) throw new Error('CHAINCODE_ID is required (the package id printed by peer lifecycle chaincode install).')
  const chaincodeName = env.MEDSEAL_CHAINCODE_NAME || DEFAULT_CHAINCODE_NAME
  const read = (name: string) => {
    const path = env[name] as string
    try {
      return readFile(path)
    } catch (cause) {
      throw new Error(`Could not read the file named by ${name}.`, { cause })
    }
  }
  const keyPath = env.CHAINCODE_TLS_KEY
  const certPath = env.CHAINCODE_TLS_CERT
  if (Boolean(keyPath) !== Boolean(certPath))
    throw new Error('Set both CHAINCODE_TLS_KEY and CHAINCODE_TLS_CERT to enable TLS, or neither.')
  if (!keyPath) {
    if (env.CHAINCODE_CLIENT_CA_CERT) throw new Error('CHAINCODE_CLIENT_CA_CERT needs TLS (CHAINCODE_TLS_KEY/CERT).')
    return { address, ccid, chaincodeName }
  }
  const tls = {
    key: read('CHAINCODE_TLS_KEY'),
    cert: read('CHAINCODE_TLS_CERT'),
    ...(env.CHAINCODE_CLIENT_CA_CERT ? { clientCACerts: read('CHAINCODE_CLIENT_CA_CERT') } : {}),
  }
  return { address, ccid, chaincodeName, tls }
}

type InternalServer = { _server?: { tryShutdown(cb: (err?: Error) => void): void; forceShutdown(): void } }

/**
 * Starts the registry chaincode as a service (fabric-shim `Shim.server`).
 *
 * @param options - address, package id, chaincode name, optional TLS
 * @returns a handle to stop it
 * @example
 * ```ts norun
 * import { startChaincodeServer } from '@medseal/fabric-chaincode'
 * const server = await startChaincodeServer({ address: '0.0.0.0:9999', ccid: process.env.CHAINCODE_ID! })
 * ```
 */
export async function startChaincodeServer(options: ChaincodeServerOptions): Promise<ChaincodeServerHandle> {
  const chaincodeName = options.chaincodeName ?? DEFAULT_CHAINCODE_NAME
  const chaincode = createRegistryChaincode({ chaincodeName })
  const tlsProps = options.tls
    ? {
        key: Buffer.from(options.tls.key),
        cert: Buffer.from(options.tls.cert),
        ...(options.tls.clientCACerts ? { clientCACerts: Buffer.from(options.tls.clientCACerts) } : {}),
      }
    : undefined
  const server = Shim.server(
    chaincode as never,
    {
      ccid: options.ccid,
      address: options.address,
      ...(tlsProps ? { tlsProps } : {}),
    } as never,
  )
  await server.start()
  return Object.freeze({
    address: options.address,
    chaincodeName,
    close: () =>
      new Promise<void>((resolve) => {
        // fabric-shim's ChaincodeServer has no stop(); its gRPC server is `_server`.
        const grpcServer = (server as unknown as InternalServer)._server
        if (!grpcServer) return resolve()
        grpcServer.tryShutdown(() => resolve())
        setTimeout(() => grpcServer.forceShutdown(), 2000).unref()
      }),
  })
}

/**
 * What `@medseal/adapter-fabric` resolves to outside Node (the `default` export condition): the Fabric Gateway
 * client speaks gRPC over HTTP/2, which browsers cannot. Use it from a Node backend, and give browsers another
 * `LedgerAdapter` or your own HTTP API in front of it.
 *
 * It has the same export names as the Node build, so a browser bundle that imports them builds (no bundler
 * `MISSING_EXPORT`) and fails when the module runs, with the message below. The consumer test
 * (scripts/consumer-test.mjs) checks both with a Vite build in Chromium.
 * @module
 */

const NODE_ONLY =
  '@medseal/adapter-fabric runs in Node only (>= 22.12: the Fabric Gateway client uses gRPC). ' +
  'Import it from a Node backend; in a browser use another LedgerAdapter or an HTTP API in front of the backend.'

function nodeOnly(): never {
  throw new Error(NODE_ONLY)
}

export const createFabricLedger: typeof import('./index.js').createFabricLedger = nodeOnly
export const classifyGatewayError: typeof import('./index.js').classifyGatewayError = nodeOnly
export const createGatewayTransport: typeof import('./index.js').createGatewayTransport = nodeOnly
export const isFabricTransportError: typeof import('./index.js').isFabricTransportError = nodeOnly as never
export const FabricTransportError: typeof import('./index.js').FabricTransportError = nodeOnly as never

nodeOnly()

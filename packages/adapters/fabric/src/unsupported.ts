/**
 * What `@medseal/adapter-fabric` resolves to outside Node (the `default` export condition): the Fabric Gateway
 * client speaks gRPC over HTTP/2, which browsers cannot. Use it from a Node backend, and give browsers another
 * `LedgerAdapter` or your own HTTP API in front of it.
 * @module
 */
throw new Error(
  '@medseal/adapter-fabric runs in Node only (the Fabric Gateway client uses gRPC). Import it from a Node backend.',
)

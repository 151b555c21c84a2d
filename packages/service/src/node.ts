/**
 * `@medseal/service/node`: Node's `http` adapter for the fetch-standard handler.
 * @module
 */
export type { ServeErrorType, ServeParameters, ServeReturnType } from './serve.js'
export { serve } from './serve.js'
export type {
  ClusterWorkerExit,
  ClusterWorkerService,
  ServeClusterErrorType,
  ServeClusterParameters,
  ServeClusterReturnType,
} from './serveCluster.js'
export { serveCluster } from './serveCluster.js'
export type { NodeListener, ToNodeListenerErrorType, ToNodeListenerOptions } from './toNodeListener.js'
export { toNodeListener } from './toNodeListener.js'

/// <reference path="../_fabricShimInternals.d.ts" />
/**
 * Sets the log level of fabric-shim and fabric-contract-api in this process (what the peer sets with
 * `CORE_CHAINCODE_LOGGING_LEVEL`). Their dispatcher logs every refused transaction at `error`, which is right for a
 * chaincode server and noise in a test run. Process-wide: it changes every fabric-shim logger.
 * @module
 */
import shimLogger from 'fabric-shim/lib/logger.js'

/** Levels fabric-shim understands (as the peer's `CORE_CHAINCODE_LOGGING_LEVEL`). */
export type ChaincodeLogLevel = 'CRITICAL' | 'ERROR' | 'WARNING' | 'INFO' | 'DEBUG'

/**
 * Sets fabric-shim's log level for the whole process.
 *
 * @param level - `CRITICAL` silences refused-transaction logs
 * @example
 * ```ts
 * import { setChaincodeLogLevel } from '@medseal/fabric-chaincode/testing'
 * setChaincodeLogLevel('CRITICAL')
 * ```
 */
export function setChaincodeLogLevel(level: ChaincodeLogLevel): void {
  shimLogger.setLevel(level)
}

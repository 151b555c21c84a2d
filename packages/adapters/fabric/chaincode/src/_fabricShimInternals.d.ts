/** Types of fabric-shim's contract dispatcher (the class its `server`/`start` commands build). @internal */
declare module 'fabric-shim/lib/contract-spi/chaincodefromcontract.js' {
  import type { ChaincodeInterface } from 'fabric-shim'

  type Serializers = { transaction: string; serializers: Record<string, unknown> }

  class ChaincodeFromContract implements ChaincodeInterface {
    constructor(
      contractClasses: (new () => unknown)[],
      serializers: Serializers,
      metadata?: Record<string, unknown>,
      title?: string,
      version?: string,
    )
    Init(stub: never): Promise<never>
    Invoke(stub: never): Promise<never>
  }
  export = ChaincodeFromContract
}

/** fabric-shim's logger module. @internal */
declare module 'fabric-shim/lib/logger.js' {
  const logger: { setLevel(level: string): void; getLogger(name?: string): unknown }
  export default logger
}

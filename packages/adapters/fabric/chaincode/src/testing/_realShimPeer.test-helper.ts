/**
 * Test helper: fabric-shim's REAL `ChaincodeStub` and message handler, talking to a fake peer that answers range
 * queries the way a Fabric 2.5 peer does (core/chaincode/handler.go and query_response_generator.go), so the
 * in-memory stub can be compared with what chaincode really gets back. Only `GET_STATE_BY_RANGE` and
 * `QUERY_STATE_CLOSE` are served. @internal
 * @module
 */
import { EventEmitter } from 'node:events'
import { createRequire } from 'node:module'
import { compareKeys } from './_keys.js'

const require = createRequire(import.meta.url)
const shimRequire = createRequire(require.resolve('fabric-shim'))

type Pb = {
  serializeBinary(): Uint8Array
  [k: string]: (...args: never[]) => unknown
}
type PbClass = { new (): Pb; deserializeBinary(bytes: Uint8Array): Pb; Type?: Record<string, number> }
const protos = shimRequire('@hyperledger/fabric-protos') as {
  peer: Record<string, PbClass>
  ledger: { queryresult: Record<string, PbClass> }
}
const { ChaincodeMessageHandler } = shimRequire('./lib/handler.js') as {
  ChaincodeMessageHandler: new (
    stream: EventEmitter & { write(m: unknown): void; end(): void },
    chaincode: unknown,
  ) => { chat(msg: unknown): void }
}
const RealStub = shimRequire('./lib/stub.js') as new (
  handler: unknown,
  channel: string,
  txId: string,
  input: Pb,
) => RealStub

/** The part of fabric-shim's `ChaincodeStub` these tests drive. */
export type RealStub = {
  getStateByRange(startKey: string, endKey: string): Promise<RealIterator>
  getStateByPartialCompositeKey(objectType: string, attributes: string[]): Promise<RealIterator>
  getStateByRangeWithPagination(
    startKey: string,
    endKey: string,
    pageSize: number,
    bookmark?: string,
  ): Promise<{ iterator: RealIterator; metadata?: { bookmark: string; fetchedRecordsCount: number } }>
  getStateByPartialCompositeKeyWithPagination(
    objectType: string,
    attributes: string[],
    pageSize: number,
    bookmark?: string,
  ): Promise<{ iterator: RealIterator; metadata?: { bookmark: string; fetchedRecordsCount: number } }>
  createCompositeKey(objectType: string, attributes: string[]): string
}
type RealIterator = { next(): Promise<{ value?: unknown; done: boolean }>; close(): Promise<unknown> }

const { peer } = protos
const T = peer.ChaincodeMessage?.Type as Record<string, number>
const encoder = new TextEncoder()

/**
 * Starts the real shim handler against a fake peer holding `state` (committed key/value pairs) and returns a real
 * `ChaincodeStub` for one transaction.
 */
export function createRealShimStub(state: ReadonlyMap<string, Uint8Array>, channel = 'mychannel'): RealStub {
  const keys = [...state.keys()].sort(compareKeys)
  const stream = new EventEmitter() as EventEmitter & { write(m: unknown): void; end(): void }
  const reply = (type: number, txid: string, payload: Uint8Array) => {
    const msg = new (peer.ChaincodeMessage as PbClass)()
    msg.setType?.(type as never)
    msg.setTxid?.(txid as never)
    msg.setChannelId?.(channel as never)
    msg.setPayload?.(payload as never)
    // over the wire and back, as a gRPC stream would
    const wired = (peer.ChaincodeMessage as PbClass).deserializeBinary(msg.serializeBinary())
    setImmediate(() => stream.emit('data', wired))
  }
  stream.write = (m: unknown) => {
    const msg = m as Pb
    const type = msg.getType?.() as number
    const txid = msg.getTxid?.() as string
    if (type === T.REGISTER) return
    if (type === T.GET_STATE_BY_RANGE) {
      const q = (peer.GetStateByRange as PbClass).deserializeBinary(msg.getPayload_asU8?.() as Uint8Array)
      const start = q.getStartkey?.() as string
      const end = q.getEndkey?.() as string
      const metaBytes = q.getMetadata_asU8?.() as Uint8Array
      const paginated = metaBytes.length > 0
      const meta = (peer.QueryMetadata as PbClass).deserializeBinary(metaBytes)
      const pageSize = paginated ? (meta.getPagesize?.() as number) : Number.MAX_SAFE_INTEGER
      const bookmark = paginated ? (meta.getBookmark?.() as string) : ''
      // the peer: from the bookmark (inclusive) or the start key, up to pageSize results, the next key as bookmark
      const from = bookmark === '' ? start : bookmark
      const inRange = keys.filter((k) => compareKeys(k, from) >= 0 && (end === '' || compareKeys(k, end) < 0))
      const page = inRange.slice(0, pageSize)
      const response = new (peer.QueryResponse as PbClass)()
      for (const key of page) {
        const kv = new (protos.ledger.queryresult.KV as PbClass)()
        kv.setKey?.(key as never)
        kv.setValue?.(state.get(key) as never)
        const item = new (peer.QueryResultBytes as PbClass)()
        item.setResultbytes?.(kv.serializeBinary() as never)
        response.addResults?.(item as never)
      }
      response.setHasMore?.(false as never)
      response.setId?.('iter-1' as never)
      if (paginated) {
        const rm = new (peer.QueryResponseMetadata as PbClass)()
        rm.setFetchedRecordsCount?.(page.length as never)
        rm.setBookmark?.((inRange[pageSize] ?? '') as never)
        response.setMetadata?.(rm.serializeBinary() as never)
      }
      reply(T.RESPONSE as number, txid, response.serializeBinary())
      return
    }
    if (type === T.QUERY_STATE_CLOSE) {
      const response = new (peer.QueryResponse as PbClass)()
      response.setId?.('iter-1' as never)
      reply(T.RESPONSE as number, txid, response.serializeBinary())
      return
    }
    throw new Error(`the fake peer does not serve message type ${type}`)
  }
  stream.end = () => {}
  const handler = new ChaincodeMessageHandler(stream, { Init() {}, Invoke() {} })
  const register = new (peer.ChaincodeMessage as PbClass)()
  register.setType?.(T.REGISTER as never)
  handler.chat(register)
  // peer side of the handshake: REGISTERED, then READY
  for (const type of [T.REGISTERED, T.READY]) {
    const m = new (peer.ChaincodeMessage as PbClass)()
    m.setType?.(type as never)
    stream.emit('data', m)
  }
  const input = new (peer.ChaincodeInput as PbClass)()
  input.setArgsList?.([encoder.encode('Fn')] as never)
  return new RealStub(handler, channel, 'tx-real-shim', input)
}

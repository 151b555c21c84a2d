/**
 * The ledger relay: the `LedgerAdapter` of this process over HTTP, so browsers share a ledger that lives in the
 * service (the file-backed memory ledger). Reads are answered from the ledger; every write is handed to the ledger
 * unchanged, which checks its signature and rules exactly as for a local caller: the relay adds no authority. A reader
 * trusts the service for what the reads return; an EVM chain read directly removes that trust.
 * @module
 */
import {
  type AnchorKind,
  type AnchorRecord,
  anchorKindCodes,
  bytesToHex0x,
  hexToBytes,
  InvalidArgumentError,
  type LedgerAdapter,
} from '@medseal/core'
import { isObject } from './_wire.js'

type Op =
  | 'info'
  | 'time'
  | 'anchorRoot'
  | 'getAnchor'
  | 'registerConsent'
  | 'revokeConsent'
  | 'getConsent'
  | 'getRevocation'
  | 'listConsents'
  | 'recordTombstone'
  | 'getTombstone'
  | 'recordTreeHead'
  | 'getTreeHead'

/** The relay's routes. @internal */
export const LEDGER_RELAY_ROUTES: readonly { method: string; template: string; op: Op }[] = [
  { method: 'GET', template: '/v1/ledger', op: 'info' },
  { method: 'GET', template: '/v1/ledger/time', op: 'time' },
  { method: 'POST', template: '/v1/ledger/anchors', op: 'anchorRoot' },
  { method: 'GET', template: '/v1/ledger/anchors', op: 'getAnchor' },
  { method: 'POST', template: '/v1/ledger/consents', op: 'registerConsent' },
  { method: 'GET', template: '/v1/ledger/consents', op: 'listConsents' },
  { method: 'GET', template: '/v1/ledger/consents/{key}', op: 'getConsent' },
  { method: 'POST', template: '/v1/ledger/revocations', op: 'revokeConsent' },
  { method: 'GET', template: '/v1/ledger/revocations/{key}', op: 'getRevocation' },
  { method: 'POST', template: '/v1/ledger/tombstones', op: 'recordTombstone' },
  { method: 'GET', template: '/v1/ledger/tombstones/{commitment}/{owner}', op: 'getTombstone' },
  { method: 'POST', template: '/v1/ledger/tree-heads', op: 'recordTreeHead' },
  { method: 'GET', template: '/v1/ledger/tree-heads/{logId}', op: 'getTreeHead' },
]

/** An anchor record on the wire: its root as 0x hex. @internal */
export const anchorToJson = (a: AnchorRecord) => ({ ...a, root: bytesToHex0x(a.root) })

const bad = (m: string) => new InvalidArgumentError('INVALID_ARGUMENT', m)

const whole = (v: string | null, name: string): number | undefined => {
  if (v === null) return undefined
  if (!/^\d{1,15}$/.test(v)) throw bad(`${name} must be a whole number.`)
  return Number(v)
}

const anchorInput = (root: unknown, treeSize: unknown, kind: unknown) => {
  if (typeof root !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(root)) throw bad('root must be 32-byte 0x hex.')
  if (typeof treeSize !== 'number' || !Number.isSafeInteger(treeSize)) throw bad('treeSize must be a whole number.')
  if (typeof kind !== 'string' || !Object.hasOwn(anchorKindCodes, kind)) throw bad('kind must be an anchor kind.')
  return { root: hexToBytes(root), treeSize, kind: kind as AnchorKind }
}

const ok = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value ?? null), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  })

/** Answers one relay route. @internal */
export async function handleLedgerRelay(
  ledger: LedgerAdapter,
  op: Op,
  ctx: {
    readonly url: URL
    readonly params: Readonly<Record<string, string>>
    readonly json: () => Promise<unknown>
    readonly limit: (identity: string) => void
  },
): Promise<Response> {
  const q = ctx.url.searchParams
  const body = async () => {
    const b = await ctx.json()
    if (!isObject(b)) throw new InvalidArgumentError('INVALID_TYPE', 'The body must be a JSON object.')
    return b
  }
  const hex = (name: string) => (ctx.params[name] ?? '') as `0x${string}`
  switch (op) {
    case 'info':
      return ok({ name: ledger.name, ledgerId: ledger.ledgerId, domain: ledger.domain })
    case 'time':
      return ok({ time: await ledger.getTime() })
    case 'anchorRoot': {
      const b = await body()
      return ok(anchorToJson(await ledger.anchorRoot(anchorInput(b.root, b.treeSize, b.kind))), 201)
    }
    case 'getAnchor': {
      const a = await ledger.getAnchor(anchorInput(q.get('root'), whole(q.get('treeSize'), 'treeSize'), q.get('kind')))
      return ok(a ? anchorToJson(a) : null)
    }
    case 'registerConsent':
      return ok(await ledger.registerConsent((await body()) as never), 201)
    case 'revokeConsent':
      return ok(await ledger.revokeConsent((await body()) as never), 201)
    case 'getConsent':
      return ok(await ledger.getConsent(hex('key')))
    case 'getRevocation':
      return ok(await ledger.getRevocation(hex('key')))
    case 'listConsents': {
      const limit = whole(q.get('limit'), 'limit')
      const grantor = q.get('grantor')
      const grantee = q.get('grantee')
      const cursor = q.get('cursor')
      return ok(
        await ledger.listConsents({
          ...(grantor !== null ? { grantor: grantor as `0x${string}` } : {}),
          ...(grantee !== null ? { grantee: grantee as `0x${string}` } : {}),
          ...(cursor !== null ? { cursor } : {}),
          ...(limit !== undefined ? { limit } : {}),
        }),
      )
    }
    case 'recordTombstone':
      return ok(await ledger.recordTombstone((await body()) as never), 201)
    case 'getTombstone':
      return ok(await ledger.getTombstone(hex('commitment'), hex('owner')))
    case 'recordTreeHead':
      return ok(await ledger.recordTreeHead((await body()) as never), 201)
    case 'getTreeHead':
      return ok(await ledger.getTreeHead(hex('logId'), whole(q.get('treeSize'), 'treeSize')))
  }
}

/**
 * Defensive parsing of the chaincode's results (RFC 8785 JSON): everything a peer returns is untrusted, so each
 * record is checked field by field and copied into fresh objects. @internal
 * @module
 */
import {
  type AnchorKind,
  type Consent,
  type ConsentAction,
  type Hex,
  LedgerError,
  type Revocation,
  type Tombstone,
  type TreeHead,
} from '@medseal/core'

const HEX32 = /^0x[0-9a-fA-F]{64}$/
const ADDRESS = /^0x[0-9a-fA-F]{40}$/
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/
const KINDS: readonly AnchorKind[] = ['records', 'export', 'events']
const decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true })

/** Where a record was written, without the block (the chaincode cannot know it). */
export type WireRef = { readonly tx: string; readonly timestamp: number }
export type WireAnchor = WireRef & { readonly root: Hex; readonly treeSize: number; readonly kind: AnchorKind }
export type WireRevocation = WireRef & { readonly revocation: Revocation; readonly signature: Hex }
export type WireConsent = WireRef & {
  readonly consent: Consent
  readonly signature: Hex
  readonly revocation?: WireRevocation
}
export type WireTombstone = WireRef & { readonly tombstone: Tombstone; readonly signature: Hex }
export type WireTreeHead = WireRef & { readonly head: TreeHead; readonly signature: Hex }
export type WireWrite<T> = { readonly created: boolean; readonly record: T }
/** An item of a consent page: a record, or where an item the client cannot read was written and why. */
export type WireListed =
  | { readonly ok: true; readonly record: WireConsent }
  | { readonly ok: false; readonly ref: WireRef; readonly code: 'CONSENT_MALFORMED' }
/** An item the chaincode left out of a page, and why. */
export type WireSkipped = WireRef & { readonly code: string }

class WireError extends Error {}

/** The ledger answered with something that is not a medseal record. */
export function unexpected(what: string, cause?: unknown): LedgerError {
  return new LedgerError('LEDGER_REJECTED', 'The Fabric ledger answered with an unexpected result.', {
    details: `Could not read ${what} from the chaincode's answer.`,
    ...(cause === undefined ? {} : { cause }),
  })
}

function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new WireError(path)
  return v as Record<string, unknown>
}
function str(v: unknown, path: string, re?: RegExp): string {
  if (typeof v !== 'string' || (re && !re.test(v))) throw new WireError(path)
  return v
}
function int(v: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw new WireError(path)
  return v
}
function strings(v: unknown, path: string, re?: RegExp): string[] {
  if (!Array.isArray(v)) throw new WireError(path)
  return v.map((x, i) => str(x, `${path}[${i}]`, re))
}
function ref(o: Record<string, unknown>): WireRef {
  return { tx: str(o.tx, 'tx', /^[\x21-\x7e]{1,128}$/), timestamp: int(o.timestamp, 'timestamp') }
}

function anchor(v: unknown): WireAnchor {
  const o = obj(v, 'anchor')
  const kind = str(o.kind, 'kind') as AnchorKind
  if (!KINDS.includes(kind)) throw new WireError('kind')
  return { root: str(o.root, 'root', HEX32) as Hex, treeSize: int(o.treeSize, 'treeSize', 1), kind, ...ref(o) }
}

function consent(v: unknown): Consent {
  const c = obj(v, 'consent')
  return {
    id: str(c.id, 'id', HEX32) as Hex,
    grantor: str(c.grantor, 'grantor', ADDRESS) as Hex,
    grantee: str(c.grantee, 'grantee', ADDRESS) as Hex,
    parent: str(c.parent, 'parent', HEX32) as Hex,
    resourceTypes: strings(c.resourceTypes, 'resourceTypes'),
    commitments: strings(c.commitments, 'commitments', HEX32) as Hex[],
    exclude: strings(c.exclude, 'exclude'),
    actions: strings(c.actions, 'actions') as ConsentAction[],
    purposes: strings(c.purposes, 'purposes'),
    notBefore: int(c.notBefore, 'notBefore'),
    expiresAt: int(c.expiresAt, 'expiresAt'),
    delegationDepth: int(c.delegationDepth, 'delegationDepth', 0, 255),
  }
}

function revocationRecord(v: unknown): WireRevocation {
  const o = obj(v, 'revocation record')
  const r = obj(o.revocation, 'revocation')
  return {
    revocation: {
      consentId: str(r.consentId, 'consentId', HEX32) as Hex,
      grantor: str(r.grantor, 'grantor', ADDRESS) as Hex,
    },
    signature: str(o.signature, 'signature', SIGNATURE) as Hex,
    ...ref(o),
  }
}

function consentRecord(v: unknown): WireConsent {
  const o = obj(v, 'consent record')
  const base = { consent: consent(o.consent), signature: str(o.signature, 'signature', SIGNATURE) as Hex, ...ref(o) }
  if (o.revocation === undefined) return base
  const revocation = revocationRecord(o.revocation)
  if (revocation.revocation.consentId.toLowerCase() !== base.consent.id.toLowerCase()) throw new WireError('revocation')
  return { ...base, revocation }
}

function tombstoneRecord(v: unknown): WireTombstone {
  const o = obj(v, 'tombstone record')
  const t = obj(o.tombstone, 'tombstone')
  return {
    tombstone: {
      commitment: str(t.commitment, 'commitment', HEX32) as Hex,
      owner: str(t.owner, 'owner', ADDRESS) as Hex,
    },
    signature: str(o.signature, 'signature', SIGNATURE) as Hex,
    ...ref(o),
  }
}

function treeHeadRecord(v: unknown): WireTreeHead {
  const o = obj(v, 'tree head record')
  const h = obj(o.head, 'head')
  return {
    head: {
      logId: str(h.logId, 'logId', HEX32) as Hex,
      operator: str(h.operator, 'operator', ADDRESS) as Hex,
      nameHash: str(h.nameHash, 'nameHash', HEX32) as Hex,
      treeSize: int(h.treeSize, 'treeSize'),
      root: str(h.root, 'root', HEX32) as Hex,
      timestamp: int(h.timestamp, 'timestamp'),
    },
    signature: str(o.signature, 'signature', SIGNATURE) as Hex,
    ...ref(o),
  }
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(decoder.decode(bytes))
  } catch (cause) {
    throw unexpected(what, cause)
  }
}

function guard<T>(what: string, fn: () => T): T {
  try {
    return fn()
  } catch (cause) {
    if (cause instanceof WireError) throw unexpected(`${what} (${cause.message})`)
    throw cause
  }
}

/** Parsers of each transaction's result. */
export const wire = {
  /** `{ created, record }` of a write. */
  write<T>(bytes: Uint8Array, what: string, parse: (v: unknown) => T): WireWrite<T> {
    const v = parseJson(bytes, what)
    return guard(what, () => {
      const o = obj(v, what)
      if (typeof o.created !== 'boolean') throw new WireError('created')
      return { created: o.created, record: parse(o.record) }
    })
  },
  /** A record or `null`. */
  maybe<T>(bytes: Uint8Array, what: string, parse: (v: unknown) => T): T | undefined {
    const v = parseJson(bytes, what)
    return v === null ? undefined : guard(what, () => parse(v))
  },
  /**
   * A page of consents. An item that is not a consent record but says where it was written is returned as not `ok`
   * (the caller skips and reports it); an answer that is not a page at all, or an item without a readable `tx` and
   * `timestamp`, is not a medseal answer (`LEDGER_REJECTED`).
   */
  page(bytes: Uint8Array): { items: WireListed[]; skipped: WireSkipped[]; bookmark: string } {
    const v = parseJson(bytes, 'consent page')
    return guard('consent page', () => {
      const o = obj(v, 'page')
      if (!Array.isArray(o.items)) throw new WireError('items')
      const items = o.items.map((item, i): WireListed => {
        const where = ref(obj(item, `items[${i}]`))
        try {
          return { ok: true, record: consentRecord(item) }
        } catch (cause) {
          if (cause instanceof WireError) return { ok: false, ref: where, code: 'CONSENT_MALFORMED' }
          throw cause
        }
      })
      const raw = o.skipped === undefined ? [] : o.skipped
      if (!Array.isArray(raw)) throw new WireError('skipped')
      const skipped = raw.map((x, i) => {
        const s = obj(x, `skipped[${i}]`)
        return { ...ref(s), code: str(s.code, `skipped[${i}].code`, /^[A-Z][A-Z0-9_]{1,63}$/) }
      })
      return { items, skipped, bookmark: str(o.bookmark, 'bookmark') }
    })
  },
  /** `GetLedgerInfo`. */
  info(bytes: Uint8Array): { ledgerId: string; format: number | undefined } {
    const v = parseJson(bytes, 'ledger info')
    return guard('ledger info', () => {
      const o = obj(v, 'info')
      return {
        ledgerId: str(o.ledgerId, 'ledgerId'),
        format: o.format === undefined ? undefined : int(o.format, 'format'),
      }
    })
  },
  anchor: (v: unknown) => guard('anchor', () => anchor(v)),
  consent: (v: unknown) => guard('consent', () => consentRecord(v)),
  revocation: (v: unknown) => guard('revocation', () => revocationRecord(v)),
  tombstone: (v: unknown) => guard('tombstone', () => tombstoneRecord(v)),
  treeHead: (v: unknown) => guard('tree head', () => treeHeadRecord(v)),
}

/**
 * The handler's direct entry for the Node adapter: the same routes, limits and answers as the fetch handler, called
 * with the request's parts (method, target, headers, a body already read whole) instead of a WHATWG `Request`, and
 * answering a JSON {@link Answer} (status, headers, text) instead of a `Response`. A key request then builds neither
 * object. A `Request` is still built (lazily, from the same parts) for a route that needs one (routes added with
 * `routes`, a `clientKey` of the rate limits); the fetch handler stays the public contract, and both entries run one
 * code path. The entry and the answers are found by registry symbols (the package's `.` and `./node` bundles each
 * have their own copy of this module).
 * @module
 */

const DIRECT = Symbol.for('medseal.service.direct')
const ANSWER = Symbol.for('medseal.service.answer')

/** A JSON answer, not yet a `Response`. @internal */
export type Answer = {
  readonly [ANSWER]: true
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
}

/** Makes an {@link Answer}. @internal */
export const answer = (status: number, headers: Readonly<Record<string, string>>, text: string): Answer => ({
  [ANSWER]: true,
  status,
  headers,
  text,
})

/** True for an {@link Answer} (from either bundle). @internal */
export const isAnswer = (v: unknown): v is Answer =>
  typeof v === 'object' && v !== null && (v as { [ANSWER]?: unknown })[ANSWER] === true

/** A request as the Node adapter hands it to the direct entry. @internal */
export type DirectRequest = {
  readonly method: string
  /** The request target: path and query (`/v1/log/entries?start=0`). */
  readonly target: string
  /** A header's value by its lower-case name (`null` when absent; repeated headers joined with `, `). */
  readonly header: (name: string) => string | null
  /** The body, read whole (`undefined`: none). */
  readonly body: Uint8Array | undefined
  /** The same request as a WHATWG `Request` (built on the first call, then the same object). */
  readonly request: () => Request
}

/** The direct entry. @internal */
export type Direct = (input: DirectRequest) => Promise<Response | Answer>

/** Attaches the direct entry to a fetch handler. @internal */
export function withDirect<T extends (request: Request) => Promise<Response>>(handler: T, direct: Direct): T {
  Object.defineProperty(handler, DIRECT, { value: direct })
  return handler
}

/** The direct entry of a handler made by `createCustodianHandler`, if it is one. @internal */
export function directOf(handler: (request: Request) => Promise<Response>): Direct | undefined {
  const v = (handler as unknown as { [DIRECT]?: unknown })[DIRECT]
  return typeof v === 'function' ? (v as Direct) : undefined
}

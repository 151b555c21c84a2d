/**
 * What the Node adapter and the handler know about each other's bodies, so neither pays the WHATWG stream plumbing
 * for a body that is already whole in memory: the bytes of a request body the adapter read before the handler ran,
 * and the text of a JSON answer the handler wrote. Each is carried on the `Request` / `Response` under a registry
 * symbol (the package's `.` and `./node` bundles each have their own copy of this module; `Symbol.for` is one key for
 * both) and is used only while the object's own body is still unread. The objects stay complete fetch-standard
 * objects: their `body` holds the same bytes, for any other code that reads them.
 * @module
 */

const KNOWN_BODY = Symbol.for('medseal.service.knownBody')

type Carrier = { [KNOWN_BODY]?: Uint8Array | string }

/** Marks `request` as carrying `bytes` (exactly its body). @internal */
export function withKnownBody<T extends Request | Response>(target: T, body: Uint8Array | string): T {
  ;(target as T & Carrier)[KNOWN_BODY] = body
  return target
}

/** The bytes of a request body the adapter read, if it did and nobody has read the body since. @internal */
export function knownRequestBody(request: Request): Uint8Array | undefined {
  const v = (request as Request & Carrier)[KNOWN_BODY]
  return v instanceof Uint8Array && !request.bodyUsed ? v : undefined
}

/** The text of a response body the handler wrote, if it did and nobody has read the body since. @internal */
export function knownResponseText(response: Response): string | undefined {
  const v = (response as Response & Carrier)[KNOWN_BODY]
  return typeof v === 'string' && !response.bodyUsed ? v : undefined
}

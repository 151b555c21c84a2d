/**
 * Test helper: validates a real response of the handler against the OpenAPI document (ajv, JSON Schema 2020-12, the
 * dialect OpenAPI 3.1 uses). Tests only.
 * @internal
 * @module
 */
import { Ajv2020 } from 'ajv/dist/2020.js'
import { openApiDocument } from './openApiDocument.js'

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
ajv.addSchema({ $id: 'openapi.json', ...openApiDocument, $schema: undefined })

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')

/** Every (method, template) the tests saw answered, with their statuses. */
export const seen = new Map<string, Set<number>>()

/**
 * Checks `response` is documented for `method` + `template` at its status and content type, validates its body, and
 * returns it (parsed JSON, or text).
 */
export async function conform(response: Response, method: string, template: string): Promise<unknown> {
  const op = (openApiDocument.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)[
    template
  ]?.[method.toLowerCase()]
  if (!op) throw new Error(`${method} ${template} is not in the OpenAPI document`)
  const status = String(response.status)
  const documented = op.responses[status] as { content?: Record<string, unknown> } | undefined
  if (!documented) throw new Error(`${method} ${template} answered ${status}, which the document does not list`)
  const type = (response.headers.get('content-type') ?? '').split(';')[0] as string
  if (!documented.content?.[type])
    throw new Error(`${method} ${template} ${status} answered ${type}, which the document does not list`)
  const key = `${method} ${template}`
  if (!seen.has(key)) seen.set(key, new Set())
  seen.get(key)?.add(response.status)
  if (!type.endsWith('json')) return response.text()
  const body = await response.json()
  const ref = `openapi.json#/${pointer('paths', template, method.toLowerCase(), 'responses', status, 'content', type, 'schema')}`
  const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref })
  if (!validate(body))
    throw new Error(`${method} ${template} ${status}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(body)}`)
  return body
}

/**
 * The OpenAPI 3.1 document of the custodian service (served at `/v1/openapi.json`). The tests validate real responses
 * of every route against it.
 * @module
 */

const hex32 = { type: 'string', pattern: '^0x[0-9a-fA-F]{64}$' } as const
const address = { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$' } as const
const signature = { type: 'string', pattern: '^0x[0-9a-fA-F]{130}$' } as const
const whole = { type: 'integer', minimum: 0 } as const
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const jsonBody = (schema: object) => ({ required: true, content: { 'application/json': { schema } } })
const ok = (description: string, schema: object, status = '200') => ({
  [status]: { description, content: { 'application/json': { schema } } },
})
const problems = (...statuses: string[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: 'A problem', content: { 'application/problem+json': { schema: ref('Problem') } } },
    ]),
  )
const nullable = (schema: object) => ({ oneOf: [schema, { type: 'null' }] })
const q = (name: string, required: boolean, schema: object = whole) => ({ name, in: 'query', required, schema })
const p = (name: string, schema: object = hex32) => ({ name, in: 'path', required: true, schema })
const common = problems('400', '404', '429', '500', '502', '503', '504')
const shlId = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } as const
/** An error answer of the link routes: a problem document with a `detail` saying what to do. */
const shlAnswers = (status: string, description: string, schema = 'ShlProblem') => ({
  [status]: { description, content: { 'application/problem+json': { schema: ref(schema) } } },
})

/** The OpenAPI 3.1 document. */
export type OpenApiDocument = typeof openApiDocument

/**
 * The custodian service's OpenAPI 3.1 document.
 * @example
 * ```ts
 * import { openApiDocument } from '@medseal/service'
 * openApiDocument.openapi // '3.1.0'
 * ```
 */
export const openApiDocument = /* @__PURE__ */ Object.freeze({
  openapi: '3.1.0',
  info: {
    title: 'medseal custodian service',
    version: '1',
    description:
      'Deposits sealed FHIR records, releases wraps of their data keys to grantees the ledger authorizes (every release is in the access log first), and serves the access log. Authorization is the SDK signatures only. Errors are RFC 9457 problem documents carrying the SDK error code.',
    license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
  },
  jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
  paths: {
    '/v1/health': {
      get: { operationId: 'health', responses: { ...ok('Alive', ref('Health')), ...common } },
    },
    '/v1/identity': {
      get: { operationId: 'identity', responses: { ...ok('The custodian identity', ref('Identity')), ...common } },
    },
    '/v1/openapi.json': {
      get: { operationId: 'openapi', responses: { ...ok('This document', { type: 'object' }) } },
    },
    '/v1/deposits': {
      post: {
        operationId: 'deposit',
        requestBody: jsonBody(ref('Deposit')),
        responses: {
          ...ok('Indexed', ref('EntryResponse'), '201'),
          ...common,
          ...problems('403', '409', '410', '413'),
        },
      },
    },
    '/v1/updates': {
      post: {
        operationId: 'updateRecord',
        requestBody: jsonBody(ref('Deposit')),
        responses: {
          ...ok('Replaced', ref('EntryResponse'), '201'),
          ...common,
          ...problems('403', '409', '410', '413'),
        },
      },
    },
    '/v1/key-requests': {
      post: {
        operationId: 'releaseKey',
        requestBody: jsonBody(ref('SignedKeyRequest')),
        responses: { ...ok('Released', ref('KeyRelease')), ...common, ...problems('403', '409', '410', '413') },
      },
    },
    '/v1/entries/{commitment}': {
      get: {
        operationId: 'getEntry',
        parameters: [p('commitment')],
        responses: { ...ok('The entry', ref('EntryResponse')), ...common },
      },
    },
    '/v1/purges': {
      post: {
        operationId: 'purgeConsent',
        requestBody: jsonBody({
          type: 'object',
          required: ['grantor', 'consentId'],
          properties: { grantor: address, consentId: hex32 },
        }),
        responses: {
          ...ok('Purged', { type: 'object', required: ['releases'], properties: { releases: whole } }),
          ...common,
          ...problems('403'),
        },
      },
    },
    '/v1/erasures': {
      post: {
        operationId: 'shred',
        requestBody: jsonBody({ type: 'object', required: ['commitment'], properties: { commitment: hex32 } }),
        responses: {
          ...ok('Erased', {
            type: 'object',
            required: ['commitment', 'shredded'],
            properties: { commitment: hex32, shredded: { const: true } },
          }),
          ...common,
          ...problems('403'),
        },
      },
    },
    '/v1/log': {
      get: { operationId: 'logInfo', responses: { ...ok('The access log', ref('LogInfo')), ...common } },
    },
    '/v1/log/head': {
      get: { operationId: 'logHead', responses: { ...ok('The signed head', ref('SignedTreeHead')), ...common } },
    },
    '/v1/log/entries': {
      get: {
        operationId: 'logEntries',
        parameters: [q('start', false), q('limit', false)],
        responses: { ...ok('A page of events', ref('LogEntries')), ...common },
      },
    },
    '/v1/log/entries/{index}': {
      get: {
        operationId: 'logEntry',
        parameters: [p('index', { type: 'string', pattern: '^[0-9]+$' })],
        responses: { ...ok('One event', ref('LogEntry')), ...common },
      },
    },
    '/v1/log/proofs/inclusion': {
      get: {
        operationId: 'logInclusionProof',
        parameters: [q('index', true), q('treeSize', true)],
        responses: {
          ...ok('RFC 9162 inclusion proof', {
            type: 'object',
            required: ['index', 'treeSize', 'proof'],
            properties: { index: whole, treeSize: whole, proof: { type: 'array', items: hex32 } },
          }),
          ...common,
        },
      },
    },
    '/v1/log/proofs/consistency': {
      get: {
        operationId: 'logConsistencyProof',
        parameters: [q('from', true), q('to', true)],
        responses: {
          ...ok('RFC 9162 consistency proof', {
            type: 'object',
            required: ['from', 'to', 'proof'],
            properties: { from: whole, to: whole, proof: { type: 'array', items: hex32 } },
          }),
          ...common,
        },
      },
    },
    '/v1/log/checkpoint': {
      get: {
        operationId: 'logCheckpoint',
        responses: {
          '200': { description: 'C2SP signed checkpoint', content: { 'text/plain': { schema: { type: 'string' } } } },
          ...common,
        },
      },
    },
    '/v1/log/tile/{path}': {
      get: {
        operationId: 'logTile',
        description: 'C2SP tlog-tiles: `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`.',
        parameters: [p('path', { type: 'string' })],
        responses: {
          '200': { description: 'Tile', content: { 'application/octet-stream': { schema: { type: 'string' } } } },
          ...common,
        },
      },
    },
    '/v1/break-glass': {
      post: {
        operationId: 'acceptBreakGlass',
        requestBody: jsonBody({
          type: 'object',
          required: ['access', 'policy', 'credential'],
          properties: { access: { type: 'object' }, policy: { type: 'object' }, credential: { type: 'object' } },
        }),
        responses: {
          ...ok('Accepted', { type: 'object', required: ['grant'], properties: { grant: { type: 'object' } } }, '201'),
          ...common,
          ...problems('403'),
        },
      },
    },
    '/v1/break-glass/reviews': {
      post: {
        operationId: 'listBreakGlassReviews',
        description: 'A signed review request (pending or list): a privacy officer, or the patient for their own.',
        requestBody: jsonBody(ref('SignedReviewRequest')),
        responses: {
          ...ok('The reviews', {
            type: 'object',
            required: ['reviews'],
            properties: { reviews: { type: 'array', items: ref('BreakGlassReview') } },
          }),
          ...common,
          ...problems('403'),
        },
      },
    },
    '/v1/break-glass/reviews/mark': {
      post: {
        operationId: 'markBreakGlassReviewed',
        description: 'A signed mark request by a privacy officer.',
        requestBody: jsonBody(ref('SignedReviewRequest')),
        responses: {
          ...ok('The review', {
            type: 'object',
            required: ['review'],
            properties: { review: ref('BreakGlassReview') },
          }),
          ...common,
          ...problems('403'),
        },
      },
    },
    '/v1/ledger': {
      get: {
        operationId: 'ledgerInfo',
        responses: {
          ...ok('The relayed ledger', {
            type: 'object',
            required: ['name', 'ledgerId', 'domain'],
            properties: { name: { type: 'string' }, ledgerId: { type: 'string' }, domain: { type: 'object' } },
          }),
          ...common,
        },
      },
    },
    '/v1/ledger/time': {
      get: {
        operationId: 'ledgerTime',
        responses: {
          ...ok('Ledger time', { type: 'object', required: ['time'], properties: { time: whole } }),
          ...common,
        },
      },
    },
    '/v1/ledger/anchors': {
      post: {
        operationId: 'ledgerAnchorRoot',
        requestBody: jsonBody(ref('AnchorInput')),
        responses: { ...ok('Anchored', ref('AnchorRecord'), '201'), ...common, ...problems('403', '409', '422') },
      },
      get: {
        operationId: 'ledgerGetAnchor',
        parameters: [q('root', true, hex32), q('treeSize', true), q('kind', true, { type: 'string' })],
        responses: { ...ok('The anchor or null', nullable(ref('AnchorRecord'))), ...common },
      },
    },
    '/v1/ledger/consents': {
      post: {
        operationId: 'ledgerRegisterConsent',
        requestBody: jsonBody({ type: 'object' }),
        responses: { ...ok('Registered', ref('LedgerItem'), '201'), ...common, ...problems('403', '409', '422') },
      },
      get: {
        operationId: 'ledgerListConsents',
        parameters: [
          q('grantor', false, address),
          q('grantee', false, address),
          q('cursor', false, { type: 'string' }),
          q('limit', false),
        ],
        responses: {
          ...ok('A page', {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: ref('LedgerItem') }, cursor: { type: 'string' } },
          }),
          ...common,
        },
      },
    },
    '/v1/ledger/consents/{key}': {
      get: {
        operationId: 'ledgerGetConsent',
        parameters: [p('key')],
        responses: { ...ok('Or null', nullable(ref('LedgerItem'))), ...common },
      },
    },
    '/v1/ledger/revocations': {
      post: {
        operationId: 'ledgerRevokeConsent',
        requestBody: jsonBody({ type: 'object' }),
        responses: { ...ok('Revoked', ref('LedgerItem'), '201'), ...common, ...problems('403', '409', '422') },
      },
    },
    '/v1/ledger/revocations/{key}': {
      get: {
        operationId: 'ledgerGetRevocation',
        parameters: [p('key')],
        responses: { ...ok('Or null', nullable(ref('LedgerItem'))), ...common },
      },
    },
    '/v1/ledger/tombstones': {
      post: {
        operationId: 'ledgerRecordTombstone',
        requestBody: jsonBody({ type: 'object' }),
        responses: { ...ok('Recorded', ref('LedgerItem'), '201'), ...common, ...problems('403', '409', '422') },
      },
    },
    '/v1/ledger/tombstones/{commitment}/{owner}': {
      get: {
        operationId: 'ledgerGetTombstone',
        parameters: [p('commitment'), p('owner', address)],
        responses: { ...ok('Or null', nullable(ref('LedgerItem'))), ...common },
      },
    },
    '/v1/ledger/tree-heads': {
      post: {
        operationId: 'ledgerRecordTreeHead',
        requestBody: jsonBody({ type: 'object' }),
        responses: { ...ok('Recorded', ref('LedgerItem'), '201'), ...common, ...problems('403', '409', '422') },
      },
    },
    '/v1/ledger/tree-heads/{logId}': {
      get: {
        operationId: 'ledgerGetTreeHead',
        parameters: [p('logId'), q('treeSize', false)],
        responses: { ...ok('Or null', nullable(ref('LedgerItem'))), ...common },
      },
    },
    // SMART Health Links (served when the routes of `createShlRoutes`, @medseal/smart-health, are mounted)
    '/v1/shl': {
      post: {
        operationId: 'shlRegister',
        description:
          "Registers a SMART Health Link (served when `createShlRoutes` of @medseal/smart-health is mounted). The body carries the consent token and a registration signed by the consent's grantee (EIP-712 `ShlRegistration` under the ledger's domain) for this server's public URL; a token alone registers nothing. An id is registered once.",
        requestBody: jsonBody(ref('ShlRegistration')),
        responses: {
          ...ok('Registered', ref('ShlRegistered'), '201'),
          ...shlAnswers('400', 'Malformed (`SHL_MALFORMED`)'),
          ...shlAnswers(
            '403',
            "Not signed by the grantee or records not the grantor's (`SHL_REGISTRATION_UNAUTHORIZED`), stale (`SHL_REGISTRATION_STALE`), for another server (`SHL_REGISTRATION_WRONG_SERVICE`), or not covered by the consent (its `CONSENT_*` code)",
          ),
          ...shlAnswers('409', 'The id is registered already (`SHL_ID_TAKEN`)'),
          ...problems('429', '500', '503'),
        },
      },
    },
    '/v1/shl/{id}/manifest': {
      post: {
        operationId: 'shlManifest',
        description:
          'SMART Health Links manifest request: authorized against the consent on the ledger and written to the access log.',
        parameters: [p('id', shlId)],
        requestBody: jsonBody({
          type: 'object',
          required: ['recipient'],
          properties: { recipient: { type: 'string' }, passcode: { type: 'string' }, embeddedLengthMax: whole },
        }),
        responses: {
          ...ok('The manifest', {
            type: 'object',
            required: ['files'],
            properties: {
              status: {
                type: 'string',
                enum: ['finalized', 'can-change', 'no-longer-valid'],
                description: "SMART Health Links: a link's files are fixed when it is registered, so `finalized`",
              },
              files: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['contentType'],
                  properties: {
                    contentType: { type: 'string' },
                    embedded: { type: 'string' },
                    location: { type: 'string' },
                  },
                },
              },
            },
          }),
          ...shlAnswers('400', 'No recipient (`SHL_MALFORMED`)'),
          ...shlAnswers(
            '401',
            'Missing or wrong passcode (`SHL_PASSCODE_INVALID`); `remainingAttempts` as SMART Health Links requires',
            'ShlPasscodeProblem',
          ),
          ...shlAnswers('404', 'Not served (`SHL_NOT_FOUND`); `reason` says why', 'ShlGoneProblem'),
          ...problems('429', '500', '503'),
        },
      },
    },
    '/v1/shl/{id}/file/{location}': {
      get: {
        operationId: 'shlFile',
        description: 'A file of a manifest (JWE compact serialization), while its location and the consent are valid.',
        parameters: [p('id', shlId), p('location', { type: 'string' })],
        responses: {
          '200': { description: 'The JWE', content: { 'application/jose': { schema: { type: 'string' } } } },
          ...shlAnswers('404', 'No such file, or its location expired (`SHL_NOT_FOUND`)'),
          ...problems('429', '500', '503'),
        },
      },
    },
  },
  components: {
    schemas: {
      Problem: {
        type: 'object',
        description: 'RFC 9457 problem details with the SDK error code.',
        required: ['type', 'title', 'status', 'code', 'errorName'],
        properties: {
          type: { type: 'string', format: 'uri' },
          title: { type: 'string' },
          status: { type: 'integer', minimum: 400, maximum: 599 },
          code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]+$' },
          errorName: { type: 'string' },
          retryAfter: { type: 'integer', minimum: 1 },
        },
      },
      Health: {
        type: 'object',
        description: 'Alive; names the ledger and its EIP-712 domain (what clients sign deposits and requests under).',
        required: ['status', 'ledger', 'ledgerId', 'domain', 'logSize'],
        properties: {
          status: { const: 'ok' },
          ledger: { type: 'string' },
          ledgerId: { type: 'string' },
          domain: { type: 'object', required: ['name', 'version'] },
          logSize: whole,
          breakGlassService: { ...hex32, description: 'what a break-glass request names in `service`' },
        },
      },
      Identity: {
        type: 'object',
        required: ['type', 'version', 'did', 'address', 'signingPublicKey', 'encryptionPublicKey'],
        properties: {
          type: { const: 'medseal-identity' },
          version: { const: 1 },
          did: { type: 'string' },
          address,
          signingPublicKey: { type: 'string' },
          encryptionPublicKey: { type: 'string' },
        },
      },
      Deposit: {
        type: 'object',
        required: ['envelope', 'statement', 'proof'],
        properties: {
          envelope: { type: 'string', description: 'unpadded base64url of encodeEnvelope' },
          statement: {
            type: 'object',
            required: ['statement', 'signature'],
            properties: {
              statement: {
                type: 'object',
                required: ['owner', 'custodian', 'commitment', 'contentId', 'previous'],
                properties: {
                  owner: address,
                  custodian: address,
                  commitment: hex32,
                  contentId: { type: 'string' },
                  previous: hex32,
                },
              },
              signature,
            },
          },
          proof: hex32,
        },
      },
      Entry: {
        type: 'object',
        required: ['commitment', 'owner', 'resourceType', 'labels'],
        additionalProperties: false,
        properties: {
          commitment: hex32,
          owner: address,
          resourceType: { type: 'string' },
          labels: { type: 'array', items: { type: 'string' } },
          supersededBy: hex32,
          shredded: { const: true },
        },
      },
      EntryResponse: { type: 'object', required: ['entry'], properties: { entry: ref('Entry') } },
      SignedKeyRequest: {
        type: 'object',
        required: ['request', 'signature'],
        properties: {
          request: {
            type: 'object',
            required: [
              'consentId',
              'grantor',
              'commitment',
              'action',
              'purpose',
              'encryptionKey',
              'issuedAt',
              'nonce',
              'custodian',
            ],
            properties: {
              consentId: hex32,
              grantor: address,
              commitment: hex32,
              action: { type: 'string' },
              purpose: { type: 'string' },
              encryptionKey: hex32,
              issuedAt: whole,
              nonce: hex32,
              custodian: address,
            },
          },
          signature,
        },
      },
      KeyRelease: {
        type: 'object',
        required: ['envelope', 'decision'],
        properties: {
          envelope: { type: 'string', description: 'the envelope with only the requester as recipient (base64url)' },
          decision: {
            type: 'object',
            required: ['allowed', 'reason', 'at', 'hostAt'],
            properties: { allowed: { const: true }, reason: { type: 'string' }, at: whole, hostAt: whole },
          },
        },
      },
      SignedReviewRequest: {
        type: 'object',
        required: ['request', 'signature'],
        properties: {
          request: {
            type: 'object',
            required: ['action', 'reviewId', 'patient', 'note', 'issuedAt', 'custodian'],
            properties: {
              action: { enum: ['pending', 'list', 'mark'] },
              reviewId: hex32,
              patient: address,
              note: { type: 'string' },
              issuedAt: whole,
              custodian: address,
            },
          },
          signature,
        },
      },
      BreakGlassReview: {
        type: 'object',
        required: ['id', 'grant', 'status', 'notifyFailed'],
        properties: {
          id: hex32,
          grant: { type: 'object', required: ['id', 'patient', 'clinician'] },
          status: { enum: ['pending', 'reviewed'] },
          reviewer: address,
          note: { type: 'string' },
          reviewedAt: whole,
          notifyFailed: { type: 'boolean' },
        },
      },
      LogInfo: {
        type: 'object',
        required: ['logId', 'name', 'operator', 'size'],
        properties: { logId: hex32, name: { type: 'string' }, operator: address, size: whole },
      },
      SignedTreeHead: {
        type: 'object',
        required: ['head', 'signature'],
        properties: {
          head: {
            type: 'object',
            required: ['logId', 'operator', 'nameHash', 'treeSize', 'root'],
            properties: { logId: hex32, operator: address, nameHash: hex32, treeSize: whole, root: hex32 },
          },
          signature,
        },
      },
      AccessEvent: {
        type: 'object',
        required: ['actor', 'action', 'commitment', 'at', 'purpose', 'outcome'],
        properties: {
          actor: address,
          action: { type: 'string' },
          commitment: hex32,
          at: whole,
          purpose: { type: 'string' },
          consentId: hex32,
          outcome: { enum: ['permit', 'deny'] },
          reason: { type: 'string' },
          policyId: { type: 'string' },
        },
      },
      LogEntry: {
        type: 'object',
        required: ['index', 'event'],
        properties: { index: whole, event: ref('AccessEvent') },
      },
      LogEntries: {
        type: 'object',
        required: ['treeSize', 'entries'],
        properties: { treeSize: whole, entries: { type: 'array', items: ref('LogEntry') } },
      },
      AnchorInput: {
        type: 'object',
        required: ['root', 'treeSize', 'kind'],
        properties: { root: hex32, treeSize: whole, kind: { enum: ['records', 'export', 'events'] } },
      },
      LedgerRef: {
        type: 'object',
        required: ['ledger', 'tx', 'block', 'timestamp'],
        properties: { ledger: { type: 'string' }, tx: { type: 'string' }, block: whole, timestamp: whole },
      },
      AnchorRecord: {
        allOf: [ref('AnchorInput'), { type: 'object', required: ['ref'], properties: { ref: ref('LedgerRef') } }],
      },
      LedgerItem: {
        type: 'object',
        required: ['signature', 'ref'],
        properties: { signature, ref: ref('LedgerRef') },
      },
      ShlRegistration: {
        type: 'object',
        required: ['id', 'token', 'files', 'service', 'issuedAt', 'signature'],
        properties: {
          id: shlId,
          token: { type: 'string', description: 'The encoded consent token (`msc1.…`).' },
          files: {
            type: 'array',
            minItems: 1,
            maxItems: 100,
            items: {
              type: 'object',
              required: ['contentType', 'jwe', 'commitment', 'resourceType'],
              properties: {
                contentType: { type: 'string' },
                jwe: { type: 'string' },
                commitment: hex32,
                resourceType: { type: 'string' },
              },
            },
          },
          passcodeHash: {
            ...hex32,
            description:
              "The passcode's PBKDF2-SHA-256 hash salted with the link id (`hashShlPasscode`); never the passcode, which the server refuses.",
          },
          passcodeIterations: {
            type: 'integer',
            minimum: 1,
            maximum: 1_000_000,
            description: "The hash's iterations: at least the server's minimum (default 210,000).",
          },
          maxAttempts: { type: 'integer', minimum: 1, maximum: 100 },
          service: { type: 'string', description: "The server's public base URL the registration is signed for." },
          issuedAt: {
            ...whole,
            description: 'Unix seconds; the server refuses one older than its limit (default 300 s).',
          },
          signature: { ...signature, description: "The consent grantee's EIP-712 signature of `ShlRegistration`." },
        },
      },
      ShlRegistered: {
        type: 'object',
        required: ['id', 'url'],
        properties: { id: shlId, url: { type: 'string', description: 'The manifest URL (under the public URL).' } },
      },
      ShlProblem: {
        description:
          'An error of the link routes: RFC 9457 problem details with the SDK error code and a `detail` saying what to do.',
        allOf: [ref('Problem'), { type: 'object', required: ['detail'], properties: { detail: { type: 'string' } } }],
      },
      ShlPasscodeProblem: {
        description: 'A missing or wrong passcode: `remainingAttempts` is an extension member (RFC 9457 §3.2).',
        allOf: [
          ref('ShlProblem'),
          {
            type: 'object',
            required: ['remainingAttempts'],
            properties: { code: { const: 'SHL_PASSCODE_INVALID' }, status: { const: 401 }, remainingAttempts: whole },
          },
        ],
      },
      ShlGoneProblem: {
        description: 'A link that is not served: `reason` (an extension member) says why.',
        allOf: [
          ref('ShlProblem'),
          {
            type: 'object',
            required: ['reason'],
            properties: {
              code: { const: 'SHL_NOT_FOUND' },
              status: { const: 404 },
              reason: { enum: ['unknown', 'disabled', 'revoked', 'expired', 'unavailable'] },
            },
          },
        ],
      },
    },
  },
} as const)

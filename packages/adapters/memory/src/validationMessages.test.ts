/**
 * Issue 15: the memory ledger's argument errors name the field (a path like `params.grantor`) and the reason, never
 * the value (the same rule as core's validationMessages.test.ts).
 */
import { BaseError } from '@medseal/core'
import { describe, expect, it } from 'vitest'
import { createMemoryLedger } from './createMemoryLedger.js'

const SECRET = 'Jane-Doe-1970-01-01'
const ledger = createMemoryLedger()

const rows: { name: string; run: () => Promise<unknown>; field: string; reason: string }[] = [
  {
    name: 'listConsents grantor',
    run: () => ledger.listConsents({ grantor: SECRET as `0x${string}` }),
    field: 'params.grantor',
    reason: 'must be a 0x-prefixed 20-byte hex address',
  },
  {
    name: 'listConsents limit',
    run: () => ledger.listConsents({ limit: 0 }),
    field: 'params.limit',
    reason: 'must be an integer from 1 to',
  },
  {
    name: 'getTreeHead logId',
    run: () => ledger.getTreeHead(SECRET as `0x${string}`),
    field: 'logId',
    reason: 'must be a 0x-prefixed 32-byte hex string',
  },
]

describe('memory ledger: validation messages name the field and the reason (issue 15)', () => {
  it.each(rows)('$name', async ({ run, field, reason }) => {
    const err = await Promise.resolve()
      .then(run)
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(err).toBeInstanceOf(BaseError)
    expect((err as BaseError).shortMessage).toContain(field)
    expect((err as BaseError).shortMessage).toContain(reason)
    expect((err as BaseError).message).not.toContain(SECRET)
  })
})

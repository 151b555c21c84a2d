// The link registration statement: signed by a party, recovered to it; any change to any field recovers someone else.
import { createMemoryLedger } from '@medseal/adapter-memory'
import { bytesToHex0x, createParty, isSdkError, randomBytes } from '@medseal/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  recoverShlRegistrationSigner,
  type ShlRegistrationStatement,
  signShlRegistration,
} from './signShlRegistration.js'

const ledger = createMemoryLedger({ id: 'shl-statement' })
const party = createParty()
const base: ShlRegistrationStatement = {
  id: 'A'.repeat(43),
  consentId: bytesToHex0x(randomBytes(32)),
  grantor: createParty().address,
  service: 'https://links.example/api',
  files: [
    {
      contentType: 'application/fhir+json',
      jwe: 'a.b.c.d.e',
      commitment: bytesToHex0x(randomBytes(32)),
      resourceType: 'Observation',
    },
  ],
  passcodeHash: `0x${'00'.repeat(32)}` as const,
  passcodeIterations: 0,
  maxAttempts: 0,
  issuedAt: 1_700_000_000,
}

describe('signShlRegistration / recoverShlRegistrationSigner', () => {
  it('recovers the signer; a change to any field recovers someone else', async () => {
    const signature = await signShlRegistration(party, ledger.domain, base)
    expect(await recoverShlRegistrationSigner(ledger.domain, base, signature)).toBe(party.address)
    const changes: Partial<ShlRegistrationStatement>[] = [
      { id: 'B'.repeat(43) },
      { consentId: bytesToHex0x(randomBytes(32)) },
      { grantor: createParty().address },
      { service: 'https://links.example/other' },
      { files: [{ ...(base.files[0] as ShlRegistrationStatement['files'][0]), jwe: 'a.b.c.d.f' }] },
      { files: [{ ...(base.files[0] as ShlRegistrationStatement['files'][0]), contentType: 'text/plain' }] },
      { files: [...base.files, ...base.files] },
      { passcodeHash: bytesToHex0x(randomBytes(32)) },
      { passcodeIterations: 1000 },
      { maxAttempts: 3 },
      { issuedAt: base.issuedAt + 1 },
    ]
    for (const change of changes)
      expect(await recoverShlRegistrationSigner(ledger.domain, { ...base, ...change }, signature)).not.toBe(
        party.address,
      )
    // another ledger's domain (another chain or registry) recovers someone else too
    const other = createMemoryLedger({ id: 'another' })
    expect(await recoverShlRegistrationSigner(other.domain, base, signature)).not.toBe(party.address)
  })

  it('property: any JWE text, passcode hash and time round-trip; a changed JWE does not', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 200 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        async (jwe, hash, issuedAt) => {
          const statement = {
            ...base,
            files: [{ ...(base.files[0] as ShlRegistrationStatement['files'][0]), jwe }],
            passcodeHash: bytesToHex0x(hash),
            passcodeIterations: 1000,
            issuedAt,
          }
          const signature = await signShlRegistration(party, ledger.domain, statement)
          expect(await recoverShlRegistrationSigner(ledger.domain, statement, signature)).toBe(party.address)
          const changed = {
            ...statement,
            files: [{ ...(statement.files[0] as (typeof statement.files)[0]), jwe: `${jwe}.` }],
          }
          expect(await recoverShlRegistrationSigner(ledger.domain, changed, signature)).not.toBe(party.address)
        },
      ),
      { numRuns: 25 },
    )
  })

  it('SHL_REGISTRATION_UNAUTHORIZED for a malformed signature; SHL_MALFORMED for a statement that cannot be signed', async () => {
    for (const bad of ['0x12', `0x${'00'.repeat(65)}`, 'not hex', undefined])
      expect(
        isSdkError(
          await recoverShlRegistrationSigner(ledger.domain, base, bad as never).catch((e: unknown) => e),
          'SHL_REGISTRATION_UNAUTHORIZED',
        ),
        String(bad),
      ).toBe(true)
    const unsignable = { ...base, maxAttempts: -1 }
    expect(
      isSdkError(await signShlRegistration(party, ledger.domain, unsignable).catch((e: unknown) => e), 'SHL_MALFORMED'),
    ).toBe(true)
  })
})

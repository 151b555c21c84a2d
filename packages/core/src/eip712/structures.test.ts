import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak256, toBytes, verifyTypedData as viemVerifyTypedData } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { bytesToHex0x } from '../bytes/index.js'
import type { Consent, LedgerDomain, Revocation, Tombstone, TreeHead } from '../consent/types.js'
import { ConsentError, InvalidArgumentError, VerificationError } from '../errors/base.js'
import type { ErrorCode } from '../errors/codes.js'
import { createParty } from '../identity/createParty.js'
import type { Hex } from '../types.js'
import { hashTypedData } from './hashTypedData.js'
import {
  assertLedgerDomain,
  consentTypedData,
  createEvmDomain,
  createSaltedDomain,
  revocationTypedData,
  signConsent,
  signRevocation,
  signTombstone,
  signTreeHead,
  tombstoneTypedData,
  treeHeadTypedData,
  verifySignedConsent,
  verifySignedRevocation,
  verifySignedTombstone,
  verifySignedTreeHead,
} from './structures.js'

type ErrorClass = typeof InvalidArgumentError | typeof ConsentError | typeof VerificationError
function expectError(fn: () => unknown, cls: ErrorClass, code: ErrorCode): void {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(cls)
    expect((err as InvalidArgumentError).code).toBe(code)
    return
  }
  throw new Error(`expected ${code}`)
}

const seed = (n: number) => new Uint8Array(32).fill(n)
const patient = createParty({ seed: seed(1) })
const clinician = createParty({ seed: seed(2) })
const operator = createParty({ seed: seed(3) })
const intruder = createParty({ seed: seed(4) })
const domain = createSaltedDomain('memory:test') as Extract<LedgerDomain, { salt: Hex }>
const evmDomain = createEvmDomain({
  chainId: 31337,
  verifyingContract: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
}) as Extract<LedgerDomain, { chainId: number }>
const hex32 = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hex
const N = secp256k1.Point.CURVE().n

const consent: Consent = {
  id: hex32(0xc0ffee),
  grantor: patient.address,
  grantee: clinician.address,
  parent: hex32(0),
  resourceTypes: ['Observation', 'Condition'],
  commitments: [hex32(7)],
  exclude: ['PSY'],
  actions: ['read', 'search'],
  purposes: ['TREAT'],
  notBefore: 1_700_000_000,
  expiresAt: 1_800_000_000,
  delegationDepth: 1,
}
const revocation: Revocation = { consentId: consent.id, grantor: patient.address }
const tombstone: Tombstone = { commitment: hex32(99), owner: patient.address }
const head: TreeHead = {
  logId: hex32(5),
  operator: operator.address,
  nameHash: hex32(4),
  treeSize: 8,
  root: hex32(6),
  timestamp: 1_700_000_123,
}

/** Same r, other s: the malleable twin of a valid signature (high-s), with v flipped. */
function highS(signature: Hex): Hex {
  const s = BigInt(`0x${signature.slice(66, 130)}`)
  const v = signature.endsWith('1b') ? '1c' : '1b'
  return `${signature.slice(0, 66)}${(N - s).toString(16).padStart(64, '0')}${v}` as Hex
}

describe('domains', () => {
  it('createSaltedDomain: salt = keccak256(utf8("medseal-ledger:" + id))', () => {
    const d = createSaltedDomain('memory:demo')
    expect(d).toEqual({ name: 'medseal', version: '1', salt: keccak256(toBytes('medseal-ledger:memory:demo')) })
    expect(Object.isFrozen(d)).toBe(true)
    expect(createSaltedDomain('memory:demo')).toEqual(d)
    expect(createSaltedDomain('memory:other')).not.toEqual(d)
  })

  it('createEvmDomain checksums the contract and checks the chain id', () => {
    expect(evmDomain).toEqual({
      name: 'medseal',
      version: '1',
      chainId: 31337,
      verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    })
    expectError(
      () => createEvmDomain({ chainId: 0, verifyingContract: evmDomain.verifyingContract }),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
    expectError(
      () => createEvmDomain({ chainId: 1, verifyingContract: '0x12' }),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
    expectError(() => createEvmDomain(null as never), InvalidArgumentError, 'INVALID_TYPE')
  })

  it('rejects malformed ledger ids and domains', () => {
    expectError(() => createSaltedDomain(''), InvalidArgumentError, 'INVALID_ARGUMENT')
    expectError(() => createSaltedDomain('x'.repeat(257)), InvalidArgumentError, 'INVALID_ARGUMENT')
    expectError(() => createSaltedDomain(7 as never), InvalidArgumentError, 'INVALID_TYPE')
    expectError(() => createSaltedDomain('a\ud800'), InvalidArgumentError, 'INVALID_ENCODING')
    for (const bad of [
      { ...domain, name: 'other' },
      { ...domain, version: '2' },
      { ...domain, salt: '0x12' },
      { ...domain, extra: 1 },
      { name: 'medseal', version: '1' },
      { ...evmDomain, salt: domain.salt },
    ])
      expectError(() => assertLedgerDomain(bad), InvalidArgumentError, 'INVALID_ARGUMENT')
    expectError(
      () => verifySignedConsent('x' as never, signConsent(patient, domain, consent)),
      InvalidArgumentError,
      'INVALID_TYPE',
    )
  })
})

describe('consent', () => {
  it('signs and verifies for the grantor, returning a frozen copy', () => {
    for (const d of [domain, evmDomain]) {
      const signed = signConsent(patient, d, consent)
      expect(signed.signature).toMatch(/^0x[0-9a-f]{130}$/)
      const verified = verifySignedConsent(d, signed)
      expect(verified).toEqual(consent)
      expect(Object.isFrozen(verified)).toBe(true)
      expect(verified).not.toBe(signed.consent)
    }
  })

  it('is viem-compatible both ways', async () => {
    const key = bytesToHex0x(secp256k1.utils.randomSecretKey())
    const account = privateKeyToAccount(key)
    const c = { ...consent, grantor: account.address }
    const typed = consentTypedData(evmDomain, c)
    expect(bytesToHex0x(hashTypedData(typed))).toBe((await import('viem')).hashTypedData(typed as never))
    const signature = await account.signTypedData(typed as never)
    expect(verifySignedConsent(evmDomain, { consent: c, signature })).toEqual(c)
    const ours = signConsent(patient, evmDomain, consent)
    expect(
      await viemVerifyTypedData({
        ...(consentTypedData(evmDomain, consent) as object),
        address: patient.address,
        signature: ours.signature,
      } as never),
    ).toBe(true)
  })

  it('rejects someone else’s signature, another domain, tampering and high-s with CONSENT_SIGNATURE_INVALID', () => {
    const signed = signConsent(patient, domain, consent)
    const cases = [
      signConsent(intruder, domain, consent),
      signConsent(patient, createSaltedDomain('memory:other'), consent),
      signConsent(patient, evmDomain, consent),
      { ...signed, consent: { ...consent, expiresAt: consent.expiresAt + 1 } },
      { ...signed, consent: { ...consent, actions: ['read', 'search', 'write'] } },
      { ...signed, signature: highS(signed.signature) },
      { ...signed, signature: `${signed.signature.slice(0, -2)}00` as Hex },
      { ...signed, signature: `0x${'00'.repeat(64)}1b` as Hex },
    ]
    for (const bad of cases)
      expectError(() => verifySignedConsent(domain, bad as never), ConsentError, 'CONSENT_SIGNATURE_INVALID')
  })

  it('rejects malformed consents with CONSENT_MALFORMED', () => {
    const signed = signConsent(patient, domain, consent)
    const { grantee: _omit, ...missing } = consent
    const cases: unknown[] = [
      { ...signed, consent: missing },
      { ...signed, consent: { ...consent, extra: 1 } },
      { ...signed, consent: { ...consent, id: '0x1234' } },
      { ...signed, consent: { ...consent, grantor: 'patient' } },
      { ...signed, consent: { ...consent, actions: 'read' } },
      { ...signed, consent: { ...consent, actions: ['read', 'teleport'] } },
      { ...signed, consent: { ...consent, resourceTypes: [42] } },
      { ...signed, consent: { ...consent, commitments: ['0x12'] } },
      { ...signed, consent: { ...consent, notBefore: -1 } },
      { ...signed, consent: { ...consent, notBefore: 1.5 } },
      { ...signed, consent: { ...consent, expiresAt: consent.notBefore } },
      { ...signed, consent: { ...consent, expiresAt: 2 ** 64 } },
      { ...signed, consent: { ...consent, delegationDepth: 256 } },
      { ...signed, consent: { ...consent, delegationDepth: -1 } },
      { ...signed, consent: null },
      { consent },
      { ...signed, extra: true },
      { ...signed, signature: '0x1234' },
      { ...signed, signature: 42 },
      null,
      'consent',
    ]
    for (const bad of cases)
      expectError(() => verifySignedConsent(domain, bad as never), ConsentError, 'CONSENT_MALFORMED')
    expectError(() => signConsent(patient, domain, { ...consent, id: '0x12' }), ConsentError, 'CONSENT_MALFORMED')
  })

  it('is not affected by later mutation of the input', () => {
    const input = structuredClone(consent) as { -readonly [K in keyof Consent]: Consent[K] }
    const signed = signConsent(patient, domain, input)
    const verified = verifySignedConsent(domain, { consent: input, signature: signed.signature })
    ;(input.resourceTypes as string[]).push('Patient')
    input.expiresAt = 1
    expect(verified.resourceTypes).toEqual(['Observation', 'Condition'])
    expect(verified.expiresAt).toBe(consent.expiresAt)
  })
})

describe('revocation', () => {
  it('signs and verifies', () => {
    const signed = signRevocation(patient, domain, revocation)
    expect(verifySignedRevocation(domain, signed)).toEqual(revocation)
    expect(revocationTypedData(domain, revocation).primaryType).toBe('Revocation')
  })

  it('a signature by anyone but the named grantor is CONSENT_SIGNATURE_INVALID', () => {
    expectError(
      () => verifySignedRevocation(domain, signRevocation(intruder, domain, revocation)),
      ConsentError,
      'CONSENT_SIGNATURE_INVALID',
    )
    const other = signRevocation(patient, createSaltedDomain('memory:other'), revocation)
    expectError(() => verifySignedRevocation(domain, other), ConsentError, 'CONSENT_SIGNATURE_INVALID')
    const signed = signRevocation(patient, domain, revocation)
    expectError(
      () => verifySignedRevocation(domain, { ...signed, signature: highS(signed.signature) }),
      ConsentError,
      'CONSENT_SIGNATURE_INVALID',
    )
  })

  it('malformed revocations are InvalidArgumentError', () => {
    const good = signRevocation(patient, domain, revocation)
    expectError(
      () => verifySignedRevocation(domain, { ...good, revocation: { ...revocation, consentId: '0x12' } }),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
    expectError(
      () => verifySignedRevocation(domain, { ...good, revocation: { consentId: revocation.consentId } } as never),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
    expectError(
      () => verifySignedRevocation(domain, { ...good, signature: '0x00' }),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
    expectError(() => verifySignedRevocation(domain, { revocation } as never), InvalidArgumentError, 'INVALID_ARGUMENT')
    expectError(() => verifySignedRevocation(domain, null as never), InvalidArgumentError, 'INVALID_ARGUMENT')
    expectError(
      () => verifySignedRevocation(domain, { ...good, revocation: 'x' } as never),
      InvalidArgumentError,
      'INVALID_TYPE',
    )
  })
})

describe('tombstone', () => {
  it('signs and verifies', () => {
    expect(verifySignedTombstone(domain, signTombstone(patient, domain, tombstone))).toEqual(tombstone)
    expect(tombstoneTypedData(evmDomain, tombstone).types).toEqual({
      Tombstone: [
        { name: 'commitment', type: 'bytes32' },
        { name: 'owner', type: 'address' },
      ],
    })
  })

  it('not the owner’s signature is VerificationError INVALID_SIGNATURE', () => {
    expectError(
      () => verifySignedTombstone(domain, signTombstone(intruder, domain, tombstone)),
      VerificationError,
      'INVALID_SIGNATURE',
    )
    expectError(
      () => verifySignedTombstone(domain, signTombstone(patient, evmDomain, tombstone)),
      VerificationError,
      'INVALID_SIGNATURE',
    )
  })

  it('malformed tombstones are InvalidArgumentError', () => {
    const good = signTombstone(patient, domain, tombstone)
    expectError(
      () => verifySignedTombstone(domain, { ...good, tombstone: { ...tombstone, commitment: '0x12' } }),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
    expectError(
      () => verifySignedTombstone(domain, { ...good, tombstone: { ...tombstone, owner: 'me' as Hex } }),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
    expectError(() => verifySignedTombstone(domain, { tombstone } as never), InvalidArgumentError, 'INVALID_ARGUMENT')
    expectError(
      () => signTombstone(patient, domain, { ...tombstone, extra: 1 } as never),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
  })
})

describe('tree head', () => {
  it('signs and verifies', () => {
    expect(verifySignedTreeHead(domain, signTreeHead(operator, domain, head))).toEqual(head)
    expect(verifySignedTreeHead(domain, signTreeHead(operator, domain, { ...head, treeSize: 0 })).treeSize).toBe(0)
    expect(treeHeadTypedData(domain, head).message).toEqual(head)
  })

  it('not the operator’s signature is VerificationError INVALID_SIGNATURE', () => {
    expectError(
      () => verifySignedTreeHead(domain, signTreeHead(intruder, domain, head)),
      VerificationError,
      'INVALID_SIGNATURE',
    )
  })

  it('malformed heads are InvalidArgumentError', () => {
    const good = signTreeHead(operator, domain, head)
    expectError(
      () => verifySignedTreeHead(domain, { ...good, head: { ...head, logId: '0x01' } }),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
    expectError(
      () => verifySignedTreeHead(domain, { ...good, head: { ...head, treeSize: -1 } }),
      InvalidArgumentError,
      'OUT_OF_RANGE',
    )
    expectError(
      () => verifySignedTreeHead(domain, { ...good, head: { ...head, treeSize: 1.5 } }),
      InvalidArgumentError,
      'OUT_OF_RANGE',
    )
    expectError(
      () => verifySignedTreeHead(domain, { ...good, head: { ...head, timestamp: 2 ** 53 } }),
      InvalidArgumentError,
      'OUT_OF_RANGE',
    )
    expectError(
      () => verifySignedTreeHead(domain, { ...good, head: { ...head, treeSize: '3' } } as never),
      InvalidArgumentError,
      'INVALID_TYPE',
    )
    expectError(() => verifySignedTreeHead(domain, { head } as never), InvalidArgumentError, 'INVALID_ARGUMENT')
    const { nameHash: _, ...withoutNameHash } = head
    expectError(
      () => verifySignedTreeHead(domain, { ...good, head: withoutNameHash } as never),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
  })
})

it('domain type check: a LedgerDomain value typed as such', () => {
  const d: LedgerDomain = domain
  expect(assertLedgerDomain(d)).toEqual(domain)
})

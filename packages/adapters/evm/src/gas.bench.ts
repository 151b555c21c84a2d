/**
 * Gas of the MedsealRegistry on a real EVM (anvil, cancun rules) against the Ethereum Attestation Service (EAS
 * 1.9.0, its published compiled artifacts) deployed on the same node in the same run.
 *
 * - Anchoring: one root per batch, so gas per record = gas of one `anchor` / batch size (roots of real RFC 9162
 *   trees over random 32-byte commitments, built with `@medseal/core`'s merkleRoot).
 * - EAS peer: one attestation per record hash (`attest`), and `multiAttest` of 100 hashes in one transaction.
 * - Consent grant: `registerConsent` (on-chain EIP-712 verification of the patient's signature) against EAS
 *   `attestByDelegation` (EAS's on-chain EIP-712 verification of an attester's signature, 32 bytes of data).
 * - Revocation: `revoke` (grantor's EIP-712 signature verified on chain) against EAS `revoke` (sender-authorized).
 *
 * Run: `pnpm bench adapter-evm`.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createParty, type LedgerDomain, merkleRoot, randomBytes, signConsent, signRevocation } from '@medseal/core'
import {
  type Abi,
  type Address,
  createPublicClient,
  createWalletClient,
  decodeEventLog,
  encodeAbiParameters,
  type Hex,
  http,
  parseSignature,
  toHex,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { defineBench } from '../../../../scripts/bench/harness.js'
import { medsealRegistryAbi as abi } from './artifacts/MedsealRegistry.js'
import { deployRegistry } from './deployRegistry.js'
import { anvilPrivateKeys, startAnvil } from './node.js'

const EAS_PEER = '@ethereum-attestation-service/eas-contracts@1.9.0'
const ZERO32: Hex = `0x${'00'.repeat(32)}`
const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000'

type Artifact = { abi: Abi; bytecode: Hex }
function easArtifact(name: 'EAS' | 'SchemaRegistry'): Artifact {
  const require = createRequire(import.meta.url)
  const path = require.resolve(
    `@ethereum-attestation-service/eas-contracts/artifacts/contracts/${name}.sol/${name}.json`,
  )
  return JSON.parse(readFileSync(path, 'utf8')) as Artifact
}

defineBench('adapter-evm: gas (MedsealRegistry vs EAS)', async (ctx) => {
  const anvil = await startAnvil()
  try {
    const transport = http(anvil.rpcUrl)
    const publicClient = createPublicClient({ chain: foundry, transport, pollingInterval: 20 })
    const account = privateKeyToAccount(anvilPrivateKeys[0])
    const walletClient = createWalletClient({ chain: foundry, transport, account, pollingInterval: 20 })
    const gasOf = async (hash: Hex) => {
      const receipt = await publicClient.waitForTransactionReceipt({ hash })
      if (receipt.status !== 'success') throw new Error('a benchmark transaction reverted')
      return receipt
    }

    // ------------------------------------------------------------------ MedsealRegistry
    const address = await deployRegistry({ publicClient, walletClient })
    const domain: LedgerDomain = { name: 'medseal', version: '1', chainId: foundry.id, verifyingContract: address }

    const commitments = (n: number) => Array.from({ length: n }, () => randomBytes(32))
    const anchorGas: Record<number, bigint> = {}
    for (const size of [1, 100, 10_000]) {
      const root = toHex(merkleRoot(commitments(size)))
      const receipt = await gasOf(
        await walletClient.writeContract({ address, abi, functionName: 'anchor', args: [root, BigInt(size), 1] }),
      )
      anchorGas[size] = receipt.gasUsed
      ctx.record({
        name: `MedsealRegistry anchor (batch of ${size}): gas per record`,
        value: Number(receipt.gasUsed) / size,
        unit: 'gas',
      })
    }
    ctx.record({ name: 'MedsealRegistry anchor: gas per transaction', value: Number(anchorGas[1]), unit: 'gas' })

    const patient = createParty({ seed: randomBytes(32) })
    const clinician = createParty({ seed: randomBytes(32) })
    const block = await publicClient.getBlock()
    const now = Number(block.timestamp)
    const grantGas: bigint[] = []
    const revokeGas: bigint[] = []
    const wideGas: bigint[] = []
    for (let i = 0; i < 10; i++) {
      // runs 0-4: a typical grant by resource type; runs 5-9: the same plus 10 specific records (commitments)
      const wide = i >= 5
      const signed = signConsent(patient, domain, {
        id: toHex(randomBytes(32)),
        grantor: patient.address,
        grantee: clinician.address,
        parent: ZERO32,
        resourceTypes: ['Observation', 'Condition'],
        commitments: wide ? Array.from({ length: 10 }, () => toHex(randomBytes(32))) : [],
        exclude: ['PSY'],
        actions: ['read', 'search'],
        purposes: ['TREAT'],
        notBefore: now,
        expiresAt: now + 30 * 86_400,
        delegationDepth: 0,
      })
      const c = signed.consent
      const grant = await gasOf(
        await walletClient.writeContract({
          address,
          abi,
          functionName: 'registerConsent',
          args: [
            {
              ...c,
              resourceTypes: [...c.resourceTypes],
              commitments: [...c.commitments],
              exclude: [...c.exclude],
              actions: [...c.actions],
              purposes: [...c.purposes],
              notBefore: BigInt(c.notBefore),
              expiresAt: BigInt(c.expiresAt),
            },
            signed.signature,
          ],
        }),
      )
      if (wide) {
        wideGas.push(grant.gasUsed)
        continue
      }
      grantGas.push(grant.gasUsed)
      const rev = signRevocation(patient, domain, { consentId: c.id, grantor: patient.address })
      const revoke = await gasOf(
        await walletClient.writeContract({
          address,
          abi,
          functionName: 'revoke',
          args: [rev.revocation, rev.signature],
        }),
      )
      revokeGas.push(revoke.gasUsed)
    }
    const mean = (xs: bigint[]) => Number(xs.reduce((a, b) => a + b, 0n)) / xs.length
    ctx.record({
      name: 'MedsealRegistry registerConsent (EIP-712 verified on chain): gas',
      value: mean(grantGas),
      unit: 'gas',
    })
    ctx.record({
      name: 'MedsealRegistry registerConsent with 10 commitments: gas',
      value: mean(wideGas),
      unit: 'gas',
    })
    ctx.record({ name: 'MedsealRegistry revoke (EIP-712 verified on chain): gas', value: mean(revokeGas), unit: 'gas' })

    // ------------------------------------------------------------------ EAS peer, same node, same run
    const registryArtifact = easArtifact('SchemaRegistry')
    const easArt = easArtifact('EAS')
    const schemaRegistry = (
      await gasOf(await walletClient.deployContract({ abi: registryArtifact.abi, bytecode: registryArtifact.bytecode }))
    ).contractAddress!
    const eas = (
      await gasOf(
        await walletClient.deployContract({ abi: easArt.abi, bytecode: easArt.bytecode, args: [schemaRegistry] }),
      )
    ).contractAddress!
    const { result: schema } = await publicClient.simulateContract({
      address: schemaRegistry,
      abi: registryArtifact.abi,
      functionName: 'register',
      args: ['bytes32 commitment', ZERO_ADDRESS, true],
      account,
    })
    await gasOf(
      await walletClient.writeContract({
        address: schemaRegistry,
        abi: registryArtifact.abi,
        functionName: 'register',
        args: ['bytes32 commitment', ZERO_ADDRESS, true],
      }),
    )
    const requestData = (hash: Uint8Array) => ({
      recipient: ZERO_ADDRESS,
      expirationTime: 0n,
      revocable: true,
      refUID: ZERO32,
      data: encodeAbiParameters([{ type: 'bytes32' }], [toHex(hash)]),
      value: 0n,
    })
    const attestGas: bigint[] = []
    let lastUid: Hex = ZERO32
    for (const hash of commitments(10)) {
      const receipt = await gasOf(
        await walletClient.writeContract({
          address: eas,
          abi: easArt.abi,
          functionName: 'attest',
          args: [{ schema, data: requestData(hash) }],
        }),
      )
      attestGas.push(receipt.gasUsed)
      for (const log of receipt.logs) {
        try {
          const ev = decodeEventLog({ abi: easArt.abi, ...log }) as { eventName: string; args: { uid?: Hex } }
          if (ev.eventName === 'Attested' && ev.args.uid) lastUid = ev.args.uid
        } catch {
          // not an EAS event
        }
      }
    }
    ctx.record({
      name: 'EAS attest (one record hash per attestation): gas per record',
      value: mean(attestGas),
      unit: 'gas',
      peer: EAS_PEER,
    })
    const multi = await gasOf(
      await walletClient.writeContract({
        address: eas,
        abi: easArt.abi,
        functionName: 'multiAttest',
        args: [[{ schema, data: commitments(100).map(requestData) }]],
        gas: 25_000_000n,
      }),
    )
    ctx.record({
      name: 'EAS multiAttest (batch of 100): gas per record',
      value: Number(multi.gasUsed) / 100,
      unit: 'gas',
      peer: EAS_PEER,
    })

    // attestByDelegation: EAS verifies an EIP-712 signature of the attester on chain (the grant's counterpart)
    const [, easName, easVersion, easChainId, easVerifying] = (await publicClient.readContract({
      address: eas,
      abi: easArt.abi,
      functionName: 'eip712Domain',
    })) as readonly [Hex, string, string, bigint, Address, Hex, readonly bigint[]]
    const attester = privateKeyToAccount(anvilPrivateKeys[1])
    const delegatedGas: bigint[] = []
    for (const hash of commitments(5)) {
      const nonce = (await publicClient.readContract({
        address: eas,
        abi: easArt.abi,
        functionName: 'getNonce',
        args: [attester.address],
      })) as bigint
      const data = requestData(hash)
      const deadline = BigInt(now + 86_400)
      const signature = await attester.signTypedData({
        domain: { name: easName, version: easVersion, chainId: easChainId, verifyingContract: easVerifying },
        types: {
          Attest: [
            { name: 'attester', type: 'address' },
            { name: 'schema', type: 'bytes32' },
            { name: 'recipient', type: 'address' },
            { name: 'expirationTime', type: 'uint64' },
            { name: 'revocable', type: 'bool' },
            { name: 'refUID', type: 'bytes32' },
            { name: 'data', type: 'bytes' },
            { name: 'value', type: 'uint256' },
            { name: 'nonce', type: 'uint256' },
            { name: 'deadline', type: 'uint64' },
          ],
        },
        primaryType: 'Attest',
        message: { attester: attester.address, schema: schema as Hex, ...data, nonce, deadline },
      })
      const { r, s, yParity } = parseSignature(signature)
      const receipt = await gasOf(
        await walletClient.writeContract({
          address: eas,
          abi: easArt.abi,
          functionName: 'attestByDelegation',
          args: [{ schema, data, signature: { v: 27 + yParity, r, s }, attester: attester.address, deadline }],
        }),
      )
      delegatedGas.push(receipt.gasUsed)
    }
    ctx.record({
      name: 'EAS attestByDelegation (EIP-712 verified on chain): gas',
      value: mean(delegatedGas),
      unit: 'gas',
      peer: EAS_PEER,
    })
    const easRevoke = await gasOf(
      await walletClient.writeContract({
        address: eas,
        abi: easArt.abi,
        functionName: 'revoke',
        args: [{ schema, data: { uid: lastUid, value: 0n } }],
      }),
    )
    ctx.record({
      name: 'EAS revoke (sender-authorized): gas',
      value: Number(easRevoke.gasUsed),
      unit: 'gas',
      peer: EAS_PEER,
    })
  } finally {
    await anvil.stop()
  }
})

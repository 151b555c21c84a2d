/**
 * MedsealRegistry compiled by `scripts/compile.mjs` from `contracts/MedsealRegistry.sol` with solc 0.8.37+commit.f401782d.Emscripten.clang
 * (evmVersion cancun, optimizer 10000 runs). Generated: do not edit;
 * `src/artifacts.test.ts` fails when this file and a fresh compile differ.
 * @module
 */

/** ABI of the MedsealRegistry contract (`as const`, so viem infers argument and return types). */
export const medsealRegistryAbi = [
  {
    inputs: [],
    stateMutability: 'nonpayable',
    type: 'constructor',
  },
  {
    inputs: [],
    name: 'ConsentMalformed',
    type: 'error',
  },
  {
    inputs: [
      {
        internalType: 'bytes32',
        name: 'id',
        type: 'bytes32',
      },
    ],
    name: 'ConsentReplayed',
    type: 'error',
  },
  {
    inputs: [],
    name: 'InvalidAnchor',
    type: 'error',
  },
  {
    inputs: [],
    name: 'InvalidSignature',
    type: 'error',
  },
  {
    inputs: [
      {
        internalType: 'bytes32',
        name: 'logId',
        type: 'bytes32',
      },
    ],
    name: 'LogIdMismatch',
    type: 'error',
  },
  {
    inputs: [
      {
        internalType: 'bytes32',
        name: 'logId',
        type: 'bytes32',
      },
      {
        internalType: 'uint64',
        name: 'treeSize',
        type: 'uint64',
      },
    ],
    name: 'TreeHeadConflict',
    type: 'error',
  },
  {
    anonymous: false,
    inputs: [
      {
        indexed: true,
        internalType: 'bytes32',
        name: 'key',
        type: 'bytes32',
      },
      {
        indexed: true,
        internalType: 'bytes32',
        name: 'root',
        type: 'bytes32',
      },
      {
        indexed: false,
        internalType: 'uint64',
        name: 'treeSize',
        type: 'uint64',
      },
      {
        indexed: false,
        internalType: 'uint8',
        name: 'kind',
        type: 'uint8',
      },
    ],
    name: 'Anchored',
    type: 'event',
  },
  {
    anonymous: false,
    inputs: [
      {
        indexed: true,
        internalType: 'bytes32',
        name: 'id',
        type: 'bytes32',
      },
      {
        indexed: true,
        internalType: 'address',
        name: 'grantor',
        type: 'address',
      },
      {
        indexed: true,
        internalType: 'address',
        name: 'grantee',
        type: 'address',
      },
      {
        components: [
          {
            internalType: 'bytes32',
            name: 'id',
            type: 'bytes32',
          },
          {
            internalType: 'address',
            name: 'grantor',
            type: 'address',
          },
          {
            internalType: 'address',
            name: 'grantee',
            type: 'address',
          },
          {
            internalType: 'bytes32',
            name: 'parent',
            type: 'bytes32',
          },
          {
            internalType: 'string[]',
            name: 'resourceTypes',
            type: 'string[]',
          },
          {
            internalType: 'bytes32[]',
            name: 'commitments',
            type: 'bytes32[]',
          },
          {
            internalType: 'string[]',
            name: 'exclude',
            type: 'string[]',
          },
          {
            internalType: 'string[]',
            name: 'actions',
            type: 'string[]',
          },
          {
            internalType: 'string[]',
            name: 'purposes',
            type: 'string[]',
          },
          {
            internalType: 'uint64',
            name: 'notBefore',
            type: 'uint64',
          },
          {
            internalType: 'uint64',
            name: 'expiresAt',
            type: 'uint64',
          },
          {
            internalType: 'uint8',
            name: 'delegationDepth',
            type: 'uint8',
          },
        ],
        indexed: false,
        internalType: 'struct MedsealRegistry.Consent',
        name: 'consent',
        type: 'tuple',
      },
      {
        indexed: false,
        internalType: 'bytes',
        name: 'signature',
        type: 'bytes',
      },
    ],
    name: 'ConsentRegistered',
    type: 'event',
  },
  {
    anonymous: false,
    inputs: [
      {
        indexed: true,
        internalType: 'bytes32',
        name: 'key',
        type: 'bytes32',
      },
      {
        indexed: true,
        internalType: 'bytes32',
        name: 'consentId',
        type: 'bytes32',
      },
      {
        indexed: true,
        internalType: 'address',
        name: 'grantor',
        type: 'address',
      },
      {
        indexed: false,
        internalType: 'bytes',
        name: 'signature',
        type: 'bytes',
      },
    ],
    name: 'ConsentRevoked',
    type: 'event',
  },
  {
    anonymous: false,
    inputs: [
      {
        indexed: true,
        internalType: 'bytes32',
        name: 'commitment',
        type: 'bytes32',
      },
      {
        indexed: true,
        internalType: 'address',
        name: 'owner',
        type: 'address',
      },
      {
        indexed: false,
        internalType: 'bytes',
        name: 'signature',
        type: 'bytes',
      },
    ],
    name: 'TombstoneRecorded',
    type: 'event',
  },
  {
    anonymous: false,
    inputs: [
      {
        indexed: true,
        internalType: 'bytes32',
        name: 'logId',
        type: 'bytes32',
      },
      {
        indexed: true,
        internalType: 'address',
        name: 'operator',
        type: 'address',
      },
      {
        indexed: true,
        internalType: 'uint64',
        name: 'treeSize',
        type: 'uint64',
      },
      {
        indexed: false,
        internalType: 'bytes32',
        name: 'nameHash',
        type: 'bytes32',
      },
      {
        indexed: false,
        internalType: 'bytes32',
        name: 'root',
        type: 'bytes32',
      },
      {
        indexed: false,
        internalType: 'uint64',
        name: 'timestamp',
        type: 'uint64',
      },
      {
        indexed: false,
        internalType: 'bytes',
        name: 'signature',
        type: 'bytes',
      },
    ],
    name: 'TreeHeadRecorded',
    type: 'event',
  },
  {
    inputs: [
      {
        internalType: 'bytes32',
        name: 'root',
        type: 'bytes32',
      },
      {
        internalType: 'uint64',
        name: 'treeSize',
        type: 'uint64',
      },
      {
        internalType: 'uint8',
        name: 'kind',
        type: 'uint8',
      },
    ],
    name: 'anchor',
    outputs: [],
    stateMutability: 'nonpayable',
    type: 'function',
  },
  {
    inputs: [
      {
        internalType: 'bytes32',
        name: 'root',
        type: 'bytes32',
      },
      {
        internalType: 'uint64',
        name: 'treeSize',
        type: 'uint64',
      },
      {
        internalType: 'uint8',
        name: 'kind',
        type: 'uint8',
      },
    ],
    name: 'anchorKey',
    outputs: [
      {
        internalType: 'bytes32',
        name: '',
        type: 'bytes32',
      },
    ],
    stateMutability: 'pure',
    type: 'function',
  },
  {
    inputs: [
      {
        internalType: 'address',
        name: 'grantor',
        type: 'address',
      },
      {
        internalType: 'bytes32',
        name: 'id',
        type: 'bytes32',
      },
    ],
    name: 'consentKey',
    outputs: [
      {
        internalType: 'bytes32',
        name: '',
        type: 'bytes32',
      },
    ],
    stateMutability: 'pure',
    type: 'function',
  },
  {
    inputs: [],
    name: 'deploymentBlock',
    outputs: [
      {
        internalType: 'uint256',
        name: '',
        type: 'uint256',
      },
    ],
    stateMutability: 'view',
    type: 'function',
  },
  {
    inputs: [],
    name: 'domainSeparator',
    outputs: [
      {
        internalType: 'bytes32',
        name: '',
        type: 'bytes32',
      },
    ],
    stateMutability: 'view',
    type: 'function',
  },
  {
    inputs: [],
    name: 'eip712Domain',
    outputs: [
      {
        internalType: 'bytes1',
        name: 'fields',
        type: 'bytes1',
      },
      {
        internalType: 'string',
        name: 'name',
        type: 'string',
      },
      {
        internalType: 'string',
        name: 'version',
        type: 'string',
      },
      {
        internalType: 'uint256',
        name: 'chainId',
        type: 'uint256',
      },
      {
        internalType: 'address',
        name: 'verifyingContract',
        type: 'address',
      },
      {
        internalType: 'bytes32',
        name: 'salt',
        type: 'bytes32',
      },
      {
        internalType: 'uint256[]',
        name: 'extensions',
        type: 'uint256[]',
      },
    ],
    stateMutability: 'view',
    type: 'function',
  },
  {
    inputs: [
      {
        internalType: 'bytes32',
        name: 'root',
        type: 'bytes32',
      },
      {
        internalType: 'uint64',
        name: 'treeSize',
        type: 'uint64',
      },
      {
        internalType: 'uint8',
        name: 'kind',
        type: 'uint8',
      },
    ],
    name: 'getAnchor',
    outputs: [
      {
        internalType: 'uint64',
        name: 'blockNumber',
        type: 'uint64',
      },
      {
        internalType: 'uint64',
        name: 'timestamp',
        type: 'uint64',
      },
    ],
    stateMutability: 'view',
    type: 'function',
  },
  {
    inputs: [
      {
        internalType: 'bytes32',
        name: 'key',
        type: 'bytes32',
      },
    ],
    name: 'getConsent',
    outputs: [
      {
        internalType: 'bytes32',
        name: 'structHash',
        type: 'bytes32',
      },
      {
        internalType: 'address',
        name: 'grantor',
        type: 'address',
      },
      {
        internalType: 'uint64',
        name: 'blockNumber',
        type: 'uint64',
      },
      {
        internalType: 'uint64',
        name: 'timestamp',
        type: 'uint64',
      },
      {
        internalType: 'uint64',
        name: 'revokedBlockNumber',
        type: 'uint64',
      },
      {
        internalType: 'uint64',
        name: 'revokedTimestamp',
        type: 'uint64',
      },
    ],
    stateMutability: 'view',
    type: 'function',
  },
  {
    inputs: [
      {
        internalType: 'bytes32',
        name: 'logId',
        type: 'bytes32',
      },
    ],
    name: 'getLog',
    outputs: [
      {
        internalType: 'address',
        name: 'operator',
        type: 'address',
      },
      {
        internalType: 'uint64',
        name: 'latestTreeSize',
        type: 'uint64',
      },
    ],
    stateMutability: 'view',
    type: 'function',
  },
  {
    inputs: [
      {
        internalType: 'bytes32',
        name: 'commitment',
        type: 'bytes32',
      },
      {
        internalType: 'address',
        name: 'owner',
        type: 'address',
      },
    ],
    name: 'getTombstone',
    outputs: [
      {
        internalType: 'uint64',
        name: 'blockNumber',
        type: 'uint64',
      },
      {
        internalType: 'uint64',
        name: 'timestamp',
        type: 'uint64',
      },
    ],
    stateMutability: 'view',
    type: 'function',
  },
  {
    inputs: [
      {
        internalType: 'bytes32',
        name: 'logId',
        type: 'bytes32',
      },
      {
        internalType: 'uint64',
        name: 'treeSize',
        type: 'uint64',
      },
    ],
    name: 'getTreeHead',
    outputs: [
      {
        internalType: 'bytes32',
        name: 'root',
        type: 'bytes32',
      },
      {
        internalType: 'uint64',
        name: 'timestamp',
        type: 'uint64',
      },
      {
        internalType: 'uint64',
        name: 'blockNumber',
        type: 'uint64',
      },
      {
        internalType: 'uint64',
        name: 'blockTimestamp',
        type: 'uint64',
      },
    ],
    stateMutability: 'view',
    type: 'function',
  },
  {
    inputs: [
      {
        components: [
          {
            internalType: 'bytes32',
            name: 'id',
            type: 'bytes32',
          },
          {
            internalType: 'address',
            name: 'grantor',
            type: 'address',
          },
          {
            internalType: 'address',
            name: 'grantee',
            type: 'address',
          },
          {
            internalType: 'bytes32',
            name: 'parent',
            type: 'bytes32',
          },
          {
            internalType: 'string[]',
            name: 'resourceTypes',
            type: 'string[]',
          },
          {
            internalType: 'bytes32[]',
            name: 'commitments',
            type: 'bytes32[]',
          },
          {
            internalType: 'string[]',
            name: 'exclude',
            type: 'string[]',
          },
          {
            internalType: 'string[]',
            name: 'actions',
            type: 'string[]',
          },
          {
            internalType: 'string[]',
            name: 'purposes',
            type: 'string[]',
          },
          {
            internalType: 'uint64',
            name: 'notBefore',
            type: 'uint64',
          },
          {
            internalType: 'uint64',
            name: 'expiresAt',
            type: 'uint64',
          },
          {
            internalType: 'uint8',
            name: 'delegationDepth',
            type: 'uint8',
          },
        ],
        internalType: 'struct MedsealRegistry.Consent',
        name: 'c',
        type: 'tuple',
      },
    ],
    name: 'hashConsent',
    outputs: [
      {
        internalType: 'bytes32',
        name: '',
        type: 'bytes32',
      },
    ],
    stateMutability: 'pure',
    type: 'function',
  },
  {
    inputs: [
      {
        components: [
          {
            internalType: 'bytes32',
            name: 'id',
            type: 'bytes32',
          },
          {
            internalType: 'address',
            name: 'grantor',
            type: 'address',
          },
          {
            internalType: 'address',
            name: 'grantee',
            type: 'address',
          },
          {
            internalType: 'bytes32',
            name: 'parent',
            type: 'bytes32',
          },
          {
            internalType: 'string[]',
            name: 'resourceTypes',
            type: 'string[]',
          },
          {
            internalType: 'bytes32[]',
            name: 'commitments',
            type: 'bytes32[]',
          },
          {
            internalType: 'string[]',
            name: 'exclude',
            type: 'string[]',
          },
          {
            internalType: 'string[]',
            name: 'actions',
            type: 'string[]',
          },
          {
            internalType: 'string[]',
            name: 'purposes',
            type: 'string[]',
          },
          {
            internalType: 'uint64',
            name: 'notBefore',
            type: 'uint64',
          },
          {
            internalType: 'uint64',
            name: 'expiresAt',
            type: 'uint64',
          },
          {
            internalType: 'uint8',
            name: 'delegationDepth',
            type: 'uint8',
          },
        ],
        internalType: 'struct MedsealRegistry.Consent',
        name: 'c',
        type: 'tuple',
      },
    ],
    name: 'isConsentActive',
    outputs: [
      {
        internalType: 'bool',
        name: '',
        type: 'bool',
      },
    ],
    stateMutability: 'view',
    type: 'function',
  },
  {
    inputs: [
      {
        components: [
          {
            internalType: 'bytes32',
            name: 'commitment',
            type: 'bytes32',
          },
          {
            internalType: 'address',
            name: 'owner',
            type: 'address',
          },
        ],
        internalType: 'struct MedsealRegistry.Tombstone',
        name: 't',
        type: 'tuple',
      },
      {
        internalType: 'bytes',
        name: 'signature',
        type: 'bytes',
      },
    ],
    name: 'recordTombstone',
    outputs: [],
    stateMutability: 'nonpayable',
    type: 'function',
  },
  {
    inputs: [
      {
        components: [
          {
            internalType: 'bytes32',
            name: 'logId',
            type: 'bytes32',
          },
          {
            internalType: 'address',
            name: 'operator',
            type: 'address',
          },
          {
            internalType: 'bytes32',
            name: 'nameHash',
            type: 'bytes32',
          },
          {
            internalType: 'uint64',
            name: 'treeSize',
            type: 'uint64',
          },
          {
            internalType: 'bytes32',
            name: 'root',
            type: 'bytes32',
          },
          {
            internalType: 'uint64',
            name: 'timestamp',
            type: 'uint64',
          },
        ],
        internalType: 'struct MedsealRegistry.TreeHead',
        name: 'h',
        type: 'tuple',
      },
      {
        internalType: 'bytes',
        name: 'signature',
        type: 'bytes',
      },
    ],
    name: 'recordTreeHead',
    outputs: [],
    stateMutability: 'nonpayable',
    type: 'function',
  },
  {
    inputs: [
      {
        components: [
          {
            internalType: 'bytes32',
            name: 'id',
            type: 'bytes32',
          },
          {
            internalType: 'address',
            name: 'grantor',
            type: 'address',
          },
          {
            internalType: 'address',
            name: 'grantee',
            type: 'address',
          },
          {
            internalType: 'bytes32',
            name: 'parent',
            type: 'bytes32',
          },
          {
            internalType: 'string[]',
            name: 'resourceTypes',
            type: 'string[]',
          },
          {
            internalType: 'bytes32[]',
            name: 'commitments',
            type: 'bytes32[]',
          },
          {
            internalType: 'string[]',
            name: 'exclude',
            type: 'string[]',
          },
          {
            internalType: 'string[]',
            name: 'actions',
            type: 'string[]',
          },
          {
            internalType: 'string[]',
            name: 'purposes',
            type: 'string[]',
          },
          {
            internalType: 'uint64',
            name: 'notBefore',
            type: 'uint64',
          },
          {
            internalType: 'uint64',
            name: 'expiresAt',
            type: 'uint64',
          },
          {
            internalType: 'uint8',
            name: 'delegationDepth',
            type: 'uint8',
          },
        ],
        internalType: 'struct MedsealRegistry.Consent',
        name: 'c',
        type: 'tuple',
      },
      {
        internalType: 'bytes',
        name: 'signature',
        type: 'bytes',
      },
    ],
    name: 'registerConsent',
    outputs: [],
    stateMutability: 'nonpayable',
    type: 'function',
  },
  {
    inputs: [
      {
        components: [
          {
            internalType: 'bytes32',
            name: 'consentId',
            type: 'bytes32',
          },
          {
            internalType: 'address',
            name: 'grantor',
            type: 'address',
          },
        ],
        internalType: 'struct MedsealRegistry.Revocation',
        name: 'r',
        type: 'tuple',
      },
      {
        internalType: 'bytes',
        name: 'signature',
        type: 'bytes',
      },
    ],
    name: 'revoke',
    outputs: [],
    stateMutability: 'nonpayable',
    type: 'function',
  },
] as const

/** Creation bytecode of the MedsealRegistry contract (the constructor takes no arguments). */
export const medsealRegistryBytecode =
  '0x60e0346100ec5746608052602081017f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f81527fcf45feaa077be2f75aab3a029a544abe05195127bb8b26e5c572a51a9939b30960408301527fc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc660608301524660808301523060a083015260a0825260c082019180831060018060401b038411176100d8578260405251902060a0524360c052611e1d90816100f182396080518161181c015260a05181611842015260c051816103940152f35b634e487b7160e01b5f52604160045260245ffd5b5f80fdfe60806040526004361015610011575f80fd5b5f3560e01c806301c96dec146106fa578063293fb22e146106305780632b1091a01461061957806349e848a2146105d757806351c4a3d5146105365780635ede3b5e146104f6578063640a8af6146104b65780637010416e14610465578063709b9ede1461044c5780637715ae34146103b757806382100e3f1461037d57806384b0196e14610250578063a3d03a16146101f1578063a485f04c1461012b578063cd8805ad14610112578063d2e7404f146100fa5763f698da25146100d4575f80fd5b346100f6575f6003193601126100f65760206100ee611819565b604051908152f35b5f80fd5b346100f65760206100ee61010d3661075b565b6117c4565b346100f657610129610123366107bd565b9161162e565b005b346100f65760406003193601126100f65760243573ffffffffffffffffffffffffffffffffffffffff811681036100f6576040516101a58161019760208201946004358690929173ffffffffffffffffffffffffffffffffffffffff6020916040840195845216910152565b03601f19810183528261093d565b5190205f5260046020526101ed60405f2054604051918167ffffffffffffffff80859460401c1691168390929167ffffffffffffffff60209181604085019616845216910152565b0390f35b346100f65760406003193601126100f65760043567ffffffffffffffff81116100f65761018060031982360301126100f6576024359067ffffffffffffffff82116100f65761024761012992369060040161078f565b91600401610f52565b346100f6575f6003193601126100f6576103226020604051610272828261093d565b5f81525f36813760409161032f83519361028c818661093d565b600785527f6d65647365616c000000000000000000000000000000000000000000000000008386015280516102c1828261093d565b600181527f31000000000000000000000000000000000000000000000000000000000000008482015281519687967f0f00000000000000000000000000000000000000000000000000000000000000885260e08689015260e0880190610819565b9186830390870152610819565b4660608501523060808501525f60a085015283810360c08501528180845192838152019301915f5b82811061036657505050500390f35b835185528695509381019392810192600101610357565b346100f6575f6003193601126100f65760206040517f00000000000000000000000000000000000000000000000000000000000000008152f35b346100f65760206003193601126100f65760c0600435805f52600260205260405f205490805f52600360205260405f2054905f52600160205260405f20549160405192835273ffffffffffffffffffffffffffffffffffffffff8116602084015265ffffffffffff8160a01c16604084015260d01c606083015265ffffffffffff8160a01c16608083015260d01c60a0820152f35b346100f65760206100ee61045f36610726565b91610e0b565b346100f65760206003193601126100f6576004355f5260056020526040805f205467ffffffffffffffff82519173ffffffffffffffffffffffffffffffffffffffff8116835260a01c166020820152f35b346100f65760406003193601126100f65760043573ffffffffffffffffffffffffffffffffffffffff811681036100f6576100ee60209160243590610dcf565b346100f65761050761045f36610726565b5f908152602081815260409182902054825167ffffffffffffffff808316825291841c90911691810191909152f35b346100f65760406003193601126100f65760243567ffffffffffffffff811681036100f65760809060405161058d8161019760208201946004358690929167ffffffffffffffff6020916040840195845216910152565b519020805f52600760205260405f2054905f52600660205267ffffffffffffffff60405f2054916040519283528181166020840152818160401c166040840152831c166060820152f35b346100f657600319360160e081126100f65760c0136100f65760c43567ffffffffffffffff81116100f65761061361012991369060040161078f565b90610ada565b346100f65761012961062a366107bd565b916109ad565b346100f65760206106403661075b565b61065661064e838301610907565b823590610dcf565b90815f526001835260405f20549182151592836106e6575b50826106d0575b50816106ae575b8161068d575b506040519015158152f35b67ffffffffffffffff91506101406106a59101610928565b16421082610682565b905067ffffffffffffffff6106c66101208301610928565b164210159061067c565b9091505f526003825260405f2054159083610675565b9092506106f2826117c4565b14918461066e565b346100f65761012961070b36610726565b9161083e565b359067ffffffffffffffff821682036100f657565b60031960609101126100f6576004359060243567ffffffffffffffff811681036100f6579060443560ff811681036100f65790565b60206003198201126100f6576004359067ffffffffffffffff82116100f65760031982610180920301126100f65760040190565b9181601f840112156100f65782359167ffffffffffffffff83116100f657602083818601950101116100f657565b906003198201606081126100f6576040136100f6576004916044359067ffffffffffffffff82116100f6576107f49160040161078f565b9091565b359073ffffffffffffffffffffffffffffffffffffffff821682036100f657565b90601f19601f602080948051918291828752018686015e5f8582860101520116010190565b919067ffffffffffffffff811690811580156108fc575b80156108ef575b6108c7578261086b9185610e0b565b91825f525f60205260405f20546108c1577f44459212e2454b853d7399f36b6060c963922fedb137c56885dedb284a1a5d239160ff604092855f525f60205242841b4317845f20558351928352166020820152a3565b50505050565b7f080631d5000000000000000000000000000000000000000000000000000000005f5260045ffd5b50600360ff84161161085c565b5060ff831615610855565b3573ffffffffffffffffffffffffffffffffffffffff811681036100f65790565b3567ffffffffffffffff811681036100f65790565b90601f601f19910116810190811067ffffffffffffffff82111761096057604052565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52604160045260245ffd5b601f8260209493601f1993818652868601375f8582860101520116010190565b90602082359201610a2f6109c082610907565b60405173ffffffffffffffffffffffffffffffffffffffff60208201927fa37c7fc01b0a1cf9f5e0415fb21c3963f11a6d094a081d1a2e1b51addcbd7ec4845287604084015216606082015260608152610a1b60808261093d565b5190208584610a2985610907565b926118f6565b610a4183610a3c83610907565b610dcf565b91825f52600360205260405f2054610ad35773ffffffffffffffffffffffffffffffffffffffff610ab58382610a977f38f0ba183c547063cd8e776d74a2afeded5b44c588df2a510c786916bcb00b2096610907565b16865f5260036020524260d01b904360a01b171760405f2055610907565b1694610ace60405192839260208452602084019161098d565b0390a4565b5050505050565b9060043560243573ffffffffffffffffffffffffffffffffffffffff8116928382036100f65760443560405160208101907fffffffffffffffffffffffffffffffffffffffff0000000000000000000000008560601b16825282603482015260348152610b4860548261093d565b5190208403610da35760643567ffffffffffffffff8116968782036100f6576084359360a4359567ffffffffffffffff8716908188141590816100f65760405160208101907f8f9e49aa3560d269ec334a553550d46e33a48b321b81faf48957784ef666b60682528b60408201528c60608201528860808201528d60a08201528960c08201528460e082015260e08152610be46101008261093d565b519020610bf48286885f946118f6565b60408051602081018d815267ffffffffffffffff8a16928201929092525f949190610c228160608101610197565b51902090815f52600760205260405f205480610d2d57508c5f52600560205260405f20548015908115610d11575b50610cd3575b815f5260066020528a60405f20556100f6575f5260076020524260801b4360401b85171760405f20556100f657506100f6577ff6ec15879c8c2d39642306f7bb1d4a36cbdb238528e23f9c01e747d36ced09ed96610ace94505060405195869586526020860152604085015260806060850152608084019161098d565b5f9250846100f6578c5f5260056020528d7bffffffffffffffff00000000000000000000000000000000000000008a60a01b161760405f2055610c56565b9050856100f65760a01c67ffffffffffffffff168f115f610c50565b99505095505050509492969750505f52600660205260405f20541492831593610d8c575b505050610d5d57505050565b507f9e1a6d61000000000000000000000000000000000000000000000000000000005f5260045260245260445ffd5b5067ffffffffffffffff16141590505f8080610d51565b837fdfa74308000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b906040519073ffffffffffffffffffffffffffffffffffffffff6020830193168352604082015260408152610e0560608261093d565b51902090565b9160ff9067ffffffffffffffff604051936020850195865216604084015216606082015260608152610e0560808261093d565b67ffffffffffffffff81116109605760051b60200190565b90357fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe1823603018112156100f657016020813591019167ffffffffffffffff82116100f6578160051b360383136100f657565b90602083828152019060208160051b85010193835f917fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe182360301905b848410610ef7575050505050505090565b90919293949596601f198282030187528735838112156100f6578401906020823592019167ffffffffffffffff81116100f65780360383136100f657610f43602092839260019561098d565b99019701959401929190610ee6565b916080830190610f628285611770565b905060a0850192610f738487611770565b9050820180921161160157610140860191610f8d83610928565b9061012088019167ffffffffffffffff80610fa785610928565b16911611908115916115f7575b81156115cc575b8115611592575b8115611589575b508015611574575b801561155e575b8015611546575b801561152f575b8015611516575b61141c57611004610ffe8389611770565b90611b8d565b9660c0810190611017610ffe8383611770565b9160e08201996110278b84611770565b908115801561150c575b61141c5761103e82611a48565b915f90815b8183106113ad5750505050906110859160405161106881610197602082018095611b60565b51902061010085019561107e610ffe8888611770565b9286611c48565b97602083019661109f61109789610907565b8a8d8d6118f6565b6110a888610907565b996110b58535809c610dcf565b90815f52600160205260405f20548061136b5750815f52600160205260405f20556110df89610907565b73ffffffffffffffffffffffffffffffffffffffff16905f5260026020524260d01b904360a01b171760405f205561111688610907565b9b604085019761112589610907565b986040519a60408c528d60408d015261113d906107f8565b73ffffffffffffffffffffffffffffffffffffffff1660608c0152611161906107f8565b73ffffffffffffffffffffffffffffffffffffffff1660808b0152606086013560a08b01526111909086610e56565b60c08b0161018090526101c08b01906111a892610ea9565b926111b39086610e56565b8a85037fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc00160e08c01528085527f07ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff81116100f657610160976112be6112b767ffffffffffffffff98958e61128661127f8d60206112488f9c6112ff9f9c6112f59d6112ef9d60051b8092868301370193610e56565b9190927fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc08288830301016101008801520191610ea9565b928d610e56565b916101207fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc082860301910152610ea9565b9189610e56565b8d83037fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc0016101408f015290610ea9565b97610711565b1685890152610711565b1661018086015201359060ff821682036100f6577f3368b0adc8f9bdb75769d974e0fcff5d59bd57a06e82729414e918e65dbb8f5e9473ffffffffffffffffffffffffffffffffffffffff80869560ff610ace96166101a088015286850360208801521699169761098d565b9b9d509b5050505050505050505050036113825750565b7fdc630617000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b6113c26113bb848487611a79565b3691611b06565b60208151910120925f7fe49ede7c272d2d65e6ea541cd18a0e88d67917e802fd62bbfb6a63e7c352989185145f1461144f575060015b80158015611444575b61141c5760019217936114148288611b4c565b520191611043565b7fb5e75dc4000000000000000000000000000000000000000000000000000000005f5260045ffd5b508083161515611401565b7f0259ba8cce2c61dbad32b32612a23c67a7d94bfec543414f9cc82d9f85eb47d6850361147f575060025b6113f8565b7fa1a0991154d6b5aa49663b8f9985f4ae485e4b2a98ee499b3cf4fd0992ce6a7e85036114ae575060046113f8565b7fa9fa01c26207c18282c14b44c5f0897b971e27a185537fe05a841a47d4b5145485036114dd575060086113f8565b7f6fdcb8fff5ef717a847d344b0a6ae7be40a2656cce2c3881dd009fc855b9d1ec850361147a575060106113f8565b5060058211611031565b506040611527610100890189611770565b905011610fed565b5061153e610100880188611770565b905015610fe6565b50604061155660c0890189611770565b905011610fdf565b5061040061156c8689611770565b905011610fd8565b5060406115818389611770565b905011610fd1565b9050155f610fc9565b90506115a060408901610907565b73ffffffffffffffffffffffffffffffffffffffff806115c260208c01610907565b1691161490610fc2565b905073ffffffffffffffffffffffffffffffffffffffff6115ef60408a01610907565b161590610fbb565b8835159150610fb4565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b90602082359201906116ab61164283610907565b60405173ffffffffffffffffffffffffffffffffffffffff60208201927f2ee2648fbf5e860c5b361c22ba40a2db9c392a5d7c28cd4cd0053ad680abd29884528760408401521660608201526060815261169d60808261093d565b5190208583610a2986610907565b6116b482610907565b604080516020810186815273ffffffffffffffffffffffffffffffffffffffff909316918101919091526116eb8160608101610197565b51902091825f52600460205260405f2054610ad35761175273ffffffffffffffffffffffffffffffffffffffff917f259dd75661502c15b5094a41a0ffb23006a3bba2c30b3db3228dbd46c6e4d849945f5260046020524260401b431760405f2055610907565b169361176b60405192839260208452602084019161098d565b0390a3565b9035907fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe1813603018212156100f6570180359067ffffffffffffffff82116100f657602001918160051b360383136100f657565b611816906117de6117d86080830183611770565b90611bf4565b6117ee6117d860c0840184611770565b6117fe6117d860e0850185611770565b916118106117d8610100860186611770565b93611c48565b90565b467f000000000000000000000000000000000000000000000000000000000000000003611864577f000000000000000000000000000000000000000000000000000000000000000090565b60405160208101907f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f82527fcf45feaa077be2f75aab3a029a544abe05195127bb8b26e5c572a51a9939b30960408201527fc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc660608201524660808201523060a082015260a08152610e0560c08261093d565b916041036119dd5760208101359160408201355f1a7f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a084118015611a31575b6119dd576020935f93608093611949611819565b9060405190888201927f19010000000000000000000000000000000000000000000000000000000000008452602283015260428201526042815261198e60628261093d565b5190209260405193845286840152356040830152606082015282805260015afa15611a265773ffffffffffffffffffffffffffffffffffffffff5f51168015918215611a05575b50506119dd57565b7f8baa579f000000000000000000000000000000000000000000000000000000005f5260045ffd5b73ffffffffffffffffffffffffffffffffffffffff16141590505f806119d5565b6040513d5f823e3d90fd5b50601b81141580156119355750601c811415611935565b90611a5282610e3e565b611a5f604051918261093d565b828152601f19611a6f8294610e3e565b0190602036910137565b9190811015611ad95760051b810135907fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe1813603018212156100f657019081359167ffffffffffffffff83116100f65760200182360381136100f6579190565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52603260045260245ffd5b92919267ffffffffffffffff82116109605760405191611b30601f8201601f19166020018461093d565b8294818452818301116100f6578281602093845f960137010152565b8051821015611ad95760209160051b010190565b80516020909101905f5b818110611b775750505090565b8251845260209384019390920191600101611b6a565b611b9682611a48565b915f5b818110611bb857505050604051610e0581610197602082018095611b60565b611bc3818385611a79565b6040819392931161141c57600192611bdc913691611b06565b60208151910120611bed8287611b4c565b5201611b99565b611bfd82611a48565b915f5b818110611c1f57505050604051610e0581610197602082018095611b60565b80611c306113bb6001938587611a79565b60208151910120611c418287611b4c565b5201611c00565b92939193611c5860208501610907565b91611c6560408601610907565b9573ffffffffffffffffffffffffffffffffffffffff604051978160208a01967ff50771cd10e56e1d94eaa90f4f96ebbc87a072fe38808a7d4abf90d030e739c68852893560408c01521660608a0152166080880152606086013560a088015260a08752611cd460c08861093d565b611ce160a0870187611770565b6040519060208201927f07ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff82116100f65782602091611d319360051b8091873781010301601f19810183528261093d565b51902090611d426101208801610928565b96610160611d536101408301610928565b9101359260ff84168094036100f657604098610e059860209767ffffffffffffffff9586948d519d8e8c81019b8c52015260608d015260808c015260a08b01521660c08901521660e08701526101008601526101008552611db66101208661093d565b60405194859383850197518091895e840190838201905f8252519283915e01015f815203601f19810183528261093d56fea2646970667358221220ae0cdab7dd2ddcba5357779083ca9b909b2fc4bd0d31100ee513ad93733a925064736f6c63430008250033' as const

/**
 * Runtime bytecode of the MedsealRegistry contract, to check that an address holds a genuine registry. The bytes at
 * {@link medsealRegistryImmutableReferences} are zero here and set by the constructor on chain.
 */
export const medsealRegistryDeployedBytecode =
  '0x60806040526004361015610011575f80fd5b5f3560e01c806301c96dec146106fa578063293fb22e146106305780632b1091a01461061957806349e848a2146105d757806351c4a3d5146105365780635ede3b5e146104f6578063640a8af6146104b65780637010416e14610465578063709b9ede1461044c5780637715ae34146103b757806382100e3f1461037d57806384b0196e14610250578063a3d03a16146101f1578063a485f04c1461012b578063cd8805ad14610112578063d2e7404f146100fa5763f698da25146100d4575f80fd5b346100f6575f6003193601126100f65760206100ee611819565b604051908152f35b5f80fd5b346100f65760206100ee61010d3661075b565b6117c4565b346100f657610129610123366107bd565b9161162e565b005b346100f65760406003193601126100f65760243573ffffffffffffffffffffffffffffffffffffffff811681036100f6576040516101a58161019760208201946004358690929173ffffffffffffffffffffffffffffffffffffffff6020916040840195845216910152565b03601f19810183528261093d565b5190205f5260046020526101ed60405f2054604051918167ffffffffffffffff80859460401c1691168390929167ffffffffffffffff60209181604085019616845216910152565b0390f35b346100f65760406003193601126100f65760043567ffffffffffffffff81116100f65761018060031982360301126100f6576024359067ffffffffffffffff82116100f65761024761012992369060040161078f565b91600401610f52565b346100f6575f6003193601126100f6576103226020604051610272828261093d565b5f81525f36813760409161032f83519361028c818661093d565b600785527f6d65647365616c000000000000000000000000000000000000000000000000008386015280516102c1828261093d565b600181527f31000000000000000000000000000000000000000000000000000000000000008482015281519687967f0f00000000000000000000000000000000000000000000000000000000000000885260e08689015260e0880190610819565b9186830390870152610819565b4660608501523060808501525f60a085015283810360c08501528180845192838152019301915f5b82811061036657505050500390f35b835185528695509381019392810192600101610357565b346100f6575f6003193601126100f65760206040517f00000000000000000000000000000000000000000000000000000000000000008152f35b346100f65760206003193601126100f65760c0600435805f52600260205260405f205490805f52600360205260405f2054905f52600160205260405f20549160405192835273ffffffffffffffffffffffffffffffffffffffff8116602084015265ffffffffffff8160a01c16604084015260d01c606083015265ffffffffffff8160a01c16608083015260d01c60a0820152f35b346100f65760206100ee61045f36610726565b91610e0b565b346100f65760206003193601126100f6576004355f5260056020526040805f205467ffffffffffffffff82519173ffffffffffffffffffffffffffffffffffffffff8116835260a01c166020820152f35b346100f65760406003193601126100f65760043573ffffffffffffffffffffffffffffffffffffffff811681036100f6576100ee60209160243590610dcf565b346100f65761050761045f36610726565b5f908152602081815260409182902054825167ffffffffffffffff808316825291841c90911691810191909152f35b346100f65760406003193601126100f65760243567ffffffffffffffff811681036100f65760809060405161058d8161019760208201946004358690929167ffffffffffffffff6020916040840195845216910152565b519020805f52600760205260405f2054905f52600660205267ffffffffffffffff60405f2054916040519283528181166020840152818160401c166040840152831c166060820152f35b346100f657600319360160e081126100f65760c0136100f65760c43567ffffffffffffffff81116100f65761061361012991369060040161078f565b90610ada565b346100f65761012961062a366107bd565b916109ad565b346100f65760206106403661075b565b61065661064e838301610907565b823590610dcf565b90815f526001835260405f20549182151592836106e6575b50826106d0575b50816106ae575b8161068d575b506040519015158152f35b67ffffffffffffffff91506101406106a59101610928565b16421082610682565b905067ffffffffffffffff6106c66101208301610928565b164210159061067c565b9091505f526003825260405f2054159083610675565b9092506106f2826117c4565b14918461066e565b346100f65761012961070b36610726565b9161083e565b359067ffffffffffffffff821682036100f657565b60031960609101126100f6576004359060243567ffffffffffffffff811681036100f6579060443560ff811681036100f65790565b60206003198201126100f6576004359067ffffffffffffffff82116100f65760031982610180920301126100f65760040190565b9181601f840112156100f65782359167ffffffffffffffff83116100f657602083818601950101116100f657565b906003198201606081126100f6576040136100f6576004916044359067ffffffffffffffff82116100f6576107f49160040161078f565b9091565b359073ffffffffffffffffffffffffffffffffffffffff821682036100f657565b90601f19601f602080948051918291828752018686015e5f8582860101520116010190565b919067ffffffffffffffff811690811580156108fc575b80156108ef575b6108c7578261086b9185610e0b565b91825f525f60205260405f20546108c1577f44459212e2454b853d7399f36b6060c963922fedb137c56885dedb284a1a5d239160ff604092855f525f60205242841b4317845f20558351928352166020820152a3565b50505050565b7f080631d5000000000000000000000000000000000000000000000000000000005f5260045ffd5b50600360ff84161161085c565b5060ff831615610855565b3573ffffffffffffffffffffffffffffffffffffffff811681036100f65790565b3567ffffffffffffffff811681036100f65790565b90601f601f19910116810190811067ffffffffffffffff82111761096057604052565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52604160045260245ffd5b601f8260209493601f1993818652868601375f8582860101520116010190565b90602082359201610a2f6109c082610907565b60405173ffffffffffffffffffffffffffffffffffffffff60208201927fa37c7fc01b0a1cf9f5e0415fb21c3963f11a6d094a081d1a2e1b51addcbd7ec4845287604084015216606082015260608152610a1b60808261093d565b5190208584610a2985610907565b926118f6565b610a4183610a3c83610907565b610dcf565b91825f52600360205260405f2054610ad35773ffffffffffffffffffffffffffffffffffffffff610ab58382610a977f38f0ba183c547063cd8e776d74a2afeded5b44c588df2a510c786916bcb00b2096610907565b16865f5260036020524260d01b904360a01b171760405f2055610907565b1694610ace60405192839260208452602084019161098d565b0390a4565b5050505050565b9060043560243573ffffffffffffffffffffffffffffffffffffffff8116928382036100f65760443560405160208101907fffffffffffffffffffffffffffffffffffffffff0000000000000000000000008560601b16825282603482015260348152610b4860548261093d565b5190208403610da35760643567ffffffffffffffff8116968782036100f6576084359360a4359567ffffffffffffffff8716908188141590816100f65760405160208101907f8f9e49aa3560d269ec334a553550d46e33a48b321b81faf48957784ef666b60682528b60408201528c60608201528860808201528d60a08201528960c08201528460e082015260e08152610be46101008261093d565b519020610bf48286885f946118f6565b60408051602081018d815267ffffffffffffffff8a16928201929092525f949190610c228160608101610197565b51902090815f52600760205260405f205480610d2d57508c5f52600560205260405f20548015908115610d11575b50610cd3575b815f5260066020528a60405f20556100f6575f5260076020524260801b4360401b85171760405f20556100f657506100f6577ff6ec15879c8c2d39642306f7bb1d4a36cbdb238528e23f9c01e747d36ced09ed96610ace94505060405195869586526020860152604085015260806060850152608084019161098d565b5f9250846100f6578c5f5260056020528d7bffffffffffffffff00000000000000000000000000000000000000008a60a01b161760405f2055610c56565b9050856100f65760a01c67ffffffffffffffff168f115f610c50565b99505095505050509492969750505f52600660205260405f20541492831593610d8c575b505050610d5d57505050565b507f9e1a6d61000000000000000000000000000000000000000000000000000000005f5260045260245260445ffd5b5067ffffffffffffffff16141590505f8080610d51565b837fdfa74308000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b906040519073ffffffffffffffffffffffffffffffffffffffff6020830193168352604082015260408152610e0560608261093d565b51902090565b9160ff9067ffffffffffffffff604051936020850195865216604084015216606082015260608152610e0560808261093d565b67ffffffffffffffff81116109605760051b60200190565b90357fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe1823603018112156100f657016020813591019167ffffffffffffffff82116100f6578160051b360383136100f657565b90602083828152019060208160051b85010193835f917fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe182360301905b848410610ef7575050505050505090565b90919293949596601f198282030187528735838112156100f6578401906020823592019167ffffffffffffffff81116100f65780360383136100f657610f43602092839260019561098d565b99019701959401929190610ee6565b916080830190610f628285611770565b905060a0850192610f738487611770565b9050820180921161160157610140860191610f8d83610928565b9061012088019167ffffffffffffffff80610fa785610928565b16911611908115916115f7575b81156115cc575b8115611592575b8115611589575b508015611574575b801561155e575b8015611546575b801561152f575b8015611516575b61141c57611004610ffe8389611770565b90611b8d565b9660c0810190611017610ffe8383611770565b9160e08201996110278b84611770565b908115801561150c575b61141c5761103e82611a48565b915f90815b8183106113ad5750505050906110859160405161106881610197602082018095611b60565b51902061010085019561107e610ffe8888611770565b9286611c48565b97602083019661109f61109789610907565b8a8d8d6118f6565b6110a888610907565b996110b58535809c610dcf565b90815f52600160205260405f20548061136b5750815f52600160205260405f20556110df89610907565b73ffffffffffffffffffffffffffffffffffffffff16905f5260026020524260d01b904360a01b171760405f205561111688610907565b9b604085019761112589610907565b986040519a60408c528d60408d015261113d906107f8565b73ffffffffffffffffffffffffffffffffffffffff1660608c0152611161906107f8565b73ffffffffffffffffffffffffffffffffffffffff1660808b0152606086013560a08b01526111909086610e56565b60c08b0161018090526101c08b01906111a892610ea9565b926111b39086610e56565b8a85037fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc00160e08c01528085527f07ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff81116100f657610160976112be6112b767ffffffffffffffff98958e61128661127f8d60206112488f9c6112ff9f9c6112f59d6112ef9d60051b8092868301370193610e56565b9190927fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc08288830301016101008801520191610ea9565b928d610e56565b916101207fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc082860301910152610ea9565b9189610e56565b8d83037fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc0016101408f015290610ea9565b97610711565b1685890152610711565b1661018086015201359060ff821682036100f6577f3368b0adc8f9bdb75769d974e0fcff5d59bd57a06e82729414e918e65dbb8f5e9473ffffffffffffffffffffffffffffffffffffffff80869560ff610ace96166101a088015286850360208801521699169761098d565b9b9d509b5050505050505050505050036113825750565b7fdc630617000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b6113c26113bb848487611a79565b3691611b06565b60208151910120925f7fe49ede7c272d2d65e6ea541cd18a0e88d67917e802fd62bbfb6a63e7c352989185145f1461144f575060015b80158015611444575b61141c5760019217936114148288611b4c565b520191611043565b7fb5e75dc4000000000000000000000000000000000000000000000000000000005f5260045ffd5b508083161515611401565b7f0259ba8cce2c61dbad32b32612a23c67a7d94bfec543414f9cc82d9f85eb47d6850361147f575060025b6113f8565b7fa1a0991154d6b5aa49663b8f9985f4ae485e4b2a98ee499b3cf4fd0992ce6a7e85036114ae575060046113f8565b7fa9fa01c26207c18282c14b44c5f0897b971e27a185537fe05a841a47d4b5145485036114dd575060086113f8565b7f6fdcb8fff5ef717a847d344b0a6ae7be40a2656cce2c3881dd009fc855b9d1ec850361147a575060106113f8565b5060058211611031565b506040611527610100890189611770565b905011610fed565b5061153e610100880188611770565b905015610fe6565b50604061155660c0890189611770565b905011610fdf565b5061040061156c8689611770565b905011610fd8565b5060406115818389611770565b905011610fd1565b9050155f610fc9565b90506115a060408901610907565b73ffffffffffffffffffffffffffffffffffffffff806115c260208c01610907565b1691161490610fc2565b905073ffffffffffffffffffffffffffffffffffffffff6115ef60408a01610907565b161590610fbb565b8835159150610fb4565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b90602082359201906116ab61164283610907565b60405173ffffffffffffffffffffffffffffffffffffffff60208201927f2ee2648fbf5e860c5b361c22ba40a2db9c392a5d7c28cd4cd0053ad680abd29884528760408401521660608201526060815261169d60808261093d565b5190208583610a2986610907565b6116b482610907565b604080516020810186815273ffffffffffffffffffffffffffffffffffffffff909316918101919091526116eb8160608101610197565b51902091825f52600460205260405f2054610ad35761175273ffffffffffffffffffffffffffffffffffffffff917f259dd75661502c15b5094a41a0ffb23006a3bba2c30b3db3228dbd46c6e4d849945f5260046020524260401b431760405f2055610907565b169361176b60405192839260208452602084019161098d565b0390a3565b9035907fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe1813603018212156100f6570180359067ffffffffffffffff82116100f657602001918160051b360383136100f657565b611816906117de6117d86080830183611770565b90611bf4565b6117ee6117d860c0840184611770565b6117fe6117d860e0850185611770565b916118106117d8610100860186611770565b93611c48565b90565b467f000000000000000000000000000000000000000000000000000000000000000003611864577f000000000000000000000000000000000000000000000000000000000000000090565b60405160208101907f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f82527fcf45feaa077be2f75aab3a029a544abe05195127bb8b26e5c572a51a9939b30960408201527fc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc660608201524660808201523060a082015260a08152610e0560c08261093d565b916041036119dd5760208101359160408201355f1a7f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a084118015611a31575b6119dd576020935f93608093611949611819565b9060405190888201927f19010000000000000000000000000000000000000000000000000000000000008452602283015260428201526042815261198e60628261093d565b5190209260405193845286840152356040830152606082015282805260015afa15611a265773ffffffffffffffffffffffffffffffffffffffff5f51168015918215611a05575b50506119dd57565b7f8baa579f000000000000000000000000000000000000000000000000000000005f5260045ffd5b73ffffffffffffffffffffffffffffffffffffffff16141590505f806119d5565b6040513d5f823e3d90fd5b50601b81141580156119355750601c811415611935565b90611a5282610e3e565b611a5f604051918261093d565b828152601f19611a6f8294610e3e565b0190602036910137565b9190811015611ad95760051b810135907fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe1813603018212156100f657019081359167ffffffffffffffff83116100f65760200182360381136100f6579190565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52603260045260245ffd5b92919267ffffffffffffffff82116109605760405191611b30601f8201601f19166020018461093d565b8294818452818301116100f6578281602093845f960137010152565b8051821015611ad95760209160051b010190565b80516020909101905f5b818110611b775750505090565b8251845260209384019390920191600101611b6a565b611b9682611a48565b915f5b818110611bb857505050604051610e0581610197602082018095611b60565b611bc3818385611a79565b6040819392931161141c57600192611bdc913691611b06565b60208151910120611bed8287611b4c565b5201611b99565b611bfd82611a48565b915f5b818110611c1f57505050604051610e0581610197602082018095611b60565b80611c306113bb6001938587611a79565b60208151910120611c418287611b4c565b5201611c00565b92939193611c5860208501610907565b91611c6560408601610907565b9573ffffffffffffffffffffffffffffffffffffffff604051978160208a01967ff50771cd10e56e1d94eaa90f4f96ebbc87a072fe38808a7d4abf90d030e739c68852893560408c01521660608a0152166080880152606086013560a088015260a08752611cd460c08861093d565b611ce160a0870187611770565b6040519060208201927f07ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff82116100f65782602091611d319360051b8091873781010301601f19810183528261093d565b51902090611d426101208801610928565b96610160611d536101408301610928565b9101359260ff84168094036100f657604098610e059860209767ffffffffffffffff9586948d519d8e8c81019b8c52015260608d015260808c015260a08b01521660c08901521660e08701526101008601526101008552611db66101208661093d565b60405194859383850197518091895e840190838201905f8252519283915e01015f815203601f19810183528261093d56fea2646970667358221220ae0cdab7dd2ddcba5357779083ca9b909b2fc4bd0d31100ee513ad93733a925064736f6c63430008250033' as const

/** Byte ranges of the runtime bytecode holding immutables (chain id, domain separator, deployment block). */
export const medsealRegistryImmutableReferences = [
  { start: 916, length: 32 },
  { start: 6172, length: 32 },
  { start: 6210, length: 32 },
] as const

/** The compiler and settings the artifacts come from. */
export const medsealRegistryCompiler = {
  solcVersion: '0.8.37+commit.f401782d.Emscripten.clang',
  settings: {
    evmVersion: 'cancun',
    optimizer: {
      enabled: true,
      runs: 10000,
    },
    viaIR: true,
    metadata: {
      bytecodeHash: 'ipfs',
    },
    outputSelection: {
      '*': {
        '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.deployedBytecode.immutableReferences'],
      },
    },
  },
} as const

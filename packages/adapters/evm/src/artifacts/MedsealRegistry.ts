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
    inputs: [
      {
        internalType: 'bytes32',
        name: 'root',
        type: 'bytes32',
      },
    ],
    name: 'AnchorConflict',
    type: 'error',
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
    name: 'ConsentNotFound',
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
    name: 'LogOperatorMismatch',
    type: 'error',
  },
  {
    inputs: [
      {
        internalType: 'bytes32',
        name: 'consentId',
        type: 'bytes32',
      },
    ],
    name: 'NotGrantor',
    type: 'error',
  },
  {
    inputs: [
      {
        internalType: 'bytes32',
        name: 'commitment',
        type: 'bytes32',
      },
    ],
    name: 'TombstoneConflict',
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
    ],
    name: 'getAnchor',
    outputs: [
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
        name: 'id',
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
    ],
    name: 'getTombstone',
    outputs: [
      {
        internalType: 'address',
        name: 'owner',
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
  '0x60e0346100ec5746608052602081017f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f81527fcf45feaa077be2f75aab3a029a544abe05195127bb8b26e5c572a51a9939b30960408301527fc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc660608301524660808301523060a083015260a0825260c082019180831060018060401b038411176100d8578260405251902060a0524360c05261195e90816100f182396080518161159c015260a051816115c2015260c051816103540152f35b634e487b7160e01b5f52604160045260245ffd5b5f80fdfe60806040526004361015610011575f80fd5b5f3560e01c806301c96dec14610622578063293fb22e1461056c5780632b1091a01461055557806351c4a3d5146104b35780637010416e146104625780637715ae34146103cc5780637feb51d91461037757806382100e3f1461033d57806384b0196e14610210578063a3d03a16146101b1578063b4a0b96014610157578063c020e0ab14610115578063cd8805ad146100fc578063d2e7404f146100e45763f698da25146100be575f80fd5b346100e0575f6003193601126100e05760206100d8611599565b604051908152f35b5f80fd5b346100e05760206100d86100f736610680565b6113ae565b346100e05761011361010d366106e2565b9161120e565b005b346100e057600319360160c081126100e05760a0136100e05760a43567ffffffffffffffff81116100e0576101516101139136906004016106b4565b90610f3f565b346100e05760206003193601126100e0576004355f526004602052606060405f20546040519073ffffffffffffffffffffffffffffffffffffffff8116825265ffffffffffff8160a01c16602083015260d01c6040820152f35b346100e05760406003193601126100e05760043567ffffffffffffffff81116100e05761018060031982360301126100e0576024359067ffffffffffffffff82116100e0576102076101139236906004016106b4565b91600401610bd6565b346100e0575f6003193601126100e0576102e260206040516102328282610895565b5f81525f3681376040916102ef83519361024c8186610895565b600785527f6d65647365616c000000000000000000000000000000000000000000000000008386015280516102818282610895565b600181527f31000000000000000000000000000000000000000000000000000000000000008482015281519687967f0f00000000000000000000000000000000000000000000000000000000000000885260e08689015260e088019061071d565b918683039087015261071d565b4660608501523060808501525f60a085015283810360c08501528180845192838152019301915f5b82811061032657505050500390f35b835185528695509381019392810192600101610317565b346100e0575f6003193601126100e05760206040517f00000000000000000000000000000000000000000000000000000000000000008152f35b346100e05760206003193601126100e0576004355f525f602052608060405f205467ffffffffffffffff60405191818116835260ff8160401c166020840152818160481c16604084015260881c166060820152f35b346100e05760206003193601126100e05760c0600435805f52600260205267ffffffffffffffff60405f205491805f52600360205260405f2054905f52600160205260405f20549260405193845273ffffffffffffffffffffffffffffffffffffffff8116602085015265ffffffffffff8160a01c16604085015260d01c6060840152818116608084015260401c1660a0820152f35b346100e05760206003193601126100e0576004355f5260056020526040805f205467ffffffffffffffff82519173ffffffffffffffffffffffffffffffffffffffff8116835260a01c166020820152f35b346100e05760406003193601126100e05760806104ce610654565b60405161050b816104fd60208201946004358690929167ffffffffffffffff6020916040840195845216910152565b03601f198101835282610895565b519020805f52600760205260405f2054905f52600660205267ffffffffffffffff60405f2054916040519283528181166020840152818160401c166040840152831c166060820152f35b346100e057610113610566366106e2565b91610905565b346100e057602061057c36610680565b803590815f526001835260405f205491821515928361060e575b50826105f8575b50816105d6575b816105b5575b506040519015158152f35b67ffffffffffffffff91506101406105cd910161085f565b164210826105aa565b905067ffffffffffffffff6105ee610120830161085f565b16421015906105a4565b9091505f526003825260405f205415908361059d565b90925061061a826113ae565b149184610596565b346100e05760606003193601126100e05761063b610654565b60443560ff811681036100e05761011391600435610742565b6024359067ffffffffffffffff821682036100e057565b359067ffffffffffffffff821682036100e057565b60206003198201126100e0576004359067ffffffffffffffff82116100e05760031982610180920301126100e05760040190565b9181601f840112156100e05782359167ffffffffffffffff83116100e057602083818601950101116100e057565b906003198201606081126100e0576040136100e0576004916044359067ffffffffffffffff82116100e057610719916004016106b4565b9091565b90601f19601f602080948051918291828752018686015e5f8582860101520116010190565b919067ffffffffffffffff169081158015610854575b8015610847575b61081f57825f525f60205260405f2054806107cf57507f985b0b43aea0d4df237c7a433eb3cf23a43e73b7eddb4b6a72beb9103f3af2089160ff604092855f525f6020524260881b4360481b68ff000000000000000083871b1685171717845f20558351928352166020820152a2565b9168ff000000000000000068ffffffffffffffffff9260401b16179116036107f45750565b7f586186bd000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b7f080631d5000000000000000000000000000000000000000000000000000000005f5260045ffd5b50600360ff82161161075f565b5060ff811615610758565b3567ffffffffffffffff811681036100e05790565b3573ffffffffffffffffffffffffffffffffffffffff811681036100e05790565b90601f601f19910116810190811067ffffffffffffffff8211176108b857604052565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52604160045260245ffd5b601f8260209493601f1993818652868601375f8582860101520116010190565b803591825f52600260205260405f2054918215610a75576020019173ffffffffffffffffffffffffffffffffffffffff8061093f85610874565b16911603610a49576109c261095383610874565b60405173ffffffffffffffffffffffffffffffffffffffff60208201927fa37c7fc01b0a1cf9f5e0415fb21c3963f11a6d094a081d1a2e1b51addcbd7ec48452876040840152166060820152606081526109ae608082610895565b51902085836109bc86610874565b92611676565b825f52600360205260405f2054610a435773ffffffffffffffffffffffffffffffffffffffff610a257f774b7f17b0d7b3e84ddf93d922cfd771dee33dee984750c0c6df92d804d64bfe93855f5260036020524260401b431760405f2055610874565b1693610a3e6040519283926020845260208401916108e5565b0390a3565b50505050565b827f7d1dc857000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b837fddae8389000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b67ffffffffffffffff81116108b85760051b60200190565b359073ffffffffffffffffffffffffffffffffffffffff821682036100e057565b90357fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe1823603018112156100e057016020813591019167ffffffffffffffff82116100e0578160051b360383136100e057565b90602083828152019060208160051b85010193835f917fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe182360301905b848410610b7b575050505050505090565b90919293949596601f198282030187528735838112156100e0578401906020823592019167ffffffffffffffff81116100e05780360383136100e057610bc760209283926001956108e5565b99019701959401929190610b6a565b610140810192610be58461085f565b61012083019067ffffffffffffffff80610bfe8461085f565b1691161115610f1757610c10836113ae565b926020810191610c2a610c2284610874565b858888611676565b813594855f52600160205260405f205480610edb5750855f52600160205260405f205573ffffffffffffffffffffffffffffffffffffffff610c6b84610874565b16855f5260026020524260d01b904360a01b171760405f2055610c8d83610874565b96604083019273ffffffffffffffffffffffffffffffffffffffff610cd7610cb486610874565b9582610ccc6040519960408b528c60408c0152610ab9565b166060890152610ab9565b166080860152606081013560a0860152610d0a610cf76080830183610ada565b61018060c08901526101c0880191610b2d565b610d1760a0830183610ada565b90937fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc08884030160e08901528183527f07ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff82116100e05767ffffffffffffffff610e62610e5c610e1d610dde8c6101609a8699610e6c9960051b80926020830137016020610da760c08d018d610ada565b9290936101007fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc08483850301019101520191610b2d565b8c610dec60e08b018b610ada565b916101207fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc082860301910152610b2d565b610e2b610100890189610ada565b8d83037fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc0016101408f015290610b2d565b9761066b565b168589015261066b565b1661018086015201359060ff82168092036100e0577f3368b0adc8f9bdb75769d974e0fcff5d59bd57a06e82729414e918e65dbb8f5e9473ffffffffffffffffffffffffffffffffffffffff808695610ed6956101a08801528685036020880152169916976108e5565b0390a4565b95975095505050505003610eec5750565b7fdc630617000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b7fb5e75dc4000000000000000000000000000000000000000000000000000000005f5260045ffd5b906004356024359173ffffffffffffffffffffffffffffffffffffffff8316928381036100e0576044359467ffffffffffffffff8616958681036100e057606435916084359467ffffffffffffffff8616948587141590816100e05760405160208101907f41cf405d655dbdde4c70ed458ee47063cd88a6b1763adefe314f312400d0329182528a60408201528b60608201528c60808201528760a08201528860c082015260c08152610ff360e082610895565b5190206110038285875f94611676565b895f52600560205260405f20549283159081158080916111eb575b6111bf5760408051602081018f815267ffffffffffffffff8c16928201929092525f97919061105081606081016104fd565b51902093845f52600760205260405f20548061114857509161112b575b506110eb575b815f5260066020528860405f20556100e0575f5260076020524260801b4360401b89171760405f20556100e057506100e0577fe0c92bb80b2b0bf2178680ff7d8aab20d3b242ed566d03f374d1a3c25aed0bbb95610ed6935050604051948594855260208501526060604085015260608401916108e5565b826100e057846100e0578b5f5260056020527bffffffffffffffff00000000000000000000000000000000000000008860a01b168d1760405f2055611073565b9050856100e05767ffffffffffffffff8f9160a01c16105f61106d565b9b9a9e9f50505050509450505050505f52600660205260405f205414928315936111a8575b50505061117957505050565b507f9e1a6d61000000000000000000000000000000000000000000000000000000005f5260045260245260445ffd5b5067ffffffffffffffff16141590505f808061116d565b8c7f70cdad42000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b505f935073ffffffffffffffffffffffffffffffffffffffff86168e141561101e565b9060208235920161128a61122182610874565b60405173ffffffffffffffffffffffffffffffffffffffff60208201927f2ee2648fbf5e860c5b361c22ba40a2db9c392a5d7c28cd4cd0053ad680abd29884528760408401521660608201526060815261127c608082610895565b51902085846109bc85610874565b825f52600460205260405f20548061130057509073ffffffffffffffffffffffffffffffffffffffff610a2583826112e27f259dd75661502c15b5094a41a0ffb23006a3bba2c30b3db3228dbd46c6e4d84996610874565b16865f5260046020524260d01b904360a01b171760405f2055610874565b92935073ffffffffffffffffffffffffffffffffffffffff91506113248291610874565b1691160361132f5750565b7fc33acd53000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b9035907fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe1813603018212156100e0570180359067ffffffffffffffff82116100e057602001918160051b360383136100e057565b6113ba60208201610874565b906113c760408201610874565b9173ffffffffffffffffffffffffffffffffffffffff604051938160208601937ff50771cd10e56e1d94eaa90f4f96ebbc87a072fe38808a7d4abf90d030e739c6855285356040880152166060860152166080840152606082013560a084015260a0835261143660c084610895565b61144c611446608084018461135a565b906117c8565b9061145a60a084018461135a565b6040519060208201927f07ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff82116100e057826020916114aa9360051b8091873781010301601f198101835282610895565b5190206114bd61144660c086018661135a565b926114ce61144660e087018761135a565b916114e061144661010088018861135a565b946114ee610120880161085f565b966101606114ff610140830161085f565b9101359260ff84168094036100e0576040986115939860209767ffffffffffffffff9586948d519d8e8c81019b8c52015260608d015260808c015260a08b01521660c08901521660e0870152610100860152610100855261156261012086610895565b60405194859383850197518091895e840190838201905f8252519283915e01015f815203601f198101835282610895565b51902090565b467f0000000000000000000000000000000000000000000000000000000000000000036115e4577f000000000000000000000000000000000000000000000000000000000000000090565b60405160208101907f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f82527fcf45feaa077be2f75aab3a029a544abe05195127bb8b26e5c572a51a9939b30960408201527fc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc660608201524660808201523060a082015260a0815261159360c082610895565b9160410361175d5760208101359160408201355f1a7f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0841180156117b1575b61175d576020935f936080936116c9611599565b9060405190888201927f19010000000000000000000000000000000000000000000000000000000000008452602283015260428201526042815261170e606282610895565b5190209260405193845286840152356040830152606082015282805260015afa156117a65773ffffffffffffffffffffffffffffffffffffffff5f51168015918215611785575b505061175d57565b7f8baa579f000000000000000000000000000000000000000000000000000000005f5260045ffd5b73ffffffffffffffffffffffffffffffffffffffff16141590505f80611755565b6040513d5f823e3d90fd5b50601b81141580156116b55750601c8114156116b5565b916117d282610aa1565b906117e06040519283610895565b8282526117ec83610aa1565b90601f196020840192013683375f917fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe186360301925b858110156118dc578060051b9081880135858112156100e0578801803567ffffffffffffffff81116100e057602082019080360382136100e05760405191611874601f8301601f191660200184610895565b818352602083019360208336920101116100e057815f9260209286378301015251902086518210156118af5760206001938801015201611822565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52603260045260245ffd5b5060405193519195506020840194509150829084905f5b81811061190f575050611593925003601f198101835282610895565b84518352602094850194869450909201916001016118f356fea264697066735822122015b84ea749d3e472b719d064e3d69a37cd70c0cd66fa8becdb0d93e97ac6261564736f6c63430008250033' as const

/**
 * Runtime bytecode of the MedsealRegistry contract, to check that an address holds a genuine registry. The bytes at
 * {@link medsealRegistryImmutableReferences} are zero here and set by the constructor on chain.
 */
export const medsealRegistryDeployedBytecode =
  '0x60806040526004361015610011575f80fd5b5f3560e01c806301c96dec14610622578063293fb22e1461056c5780632b1091a01461055557806351c4a3d5146104b35780637010416e146104625780637715ae34146103cc5780637feb51d91461037757806382100e3f1461033d57806384b0196e14610210578063a3d03a16146101b1578063b4a0b96014610157578063c020e0ab14610115578063cd8805ad146100fc578063d2e7404f146100e45763f698da25146100be575f80fd5b346100e0575f6003193601126100e05760206100d8611599565b604051908152f35b5f80fd5b346100e05760206100d86100f736610680565b6113ae565b346100e05761011361010d366106e2565b9161120e565b005b346100e057600319360160c081126100e05760a0136100e05760a43567ffffffffffffffff81116100e0576101516101139136906004016106b4565b90610f3f565b346100e05760206003193601126100e0576004355f526004602052606060405f20546040519073ffffffffffffffffffffffffffffffffffffffff8116825265ffffffffffff8160a01c16602083015260d01c6040820152f35b346100e05760406003193601126100e05760043567ffffffffffffffff81116100e05761018060031982360301126100e0576024359067ffffffffffffffff82116100e0576102076101139236906004016106b4565b91600401610bd6565b346100e0575f6003193601126100e0576102e260206040516102328282610895565b5f81525f3681376040916102ef83519361024c8186610895565b600785527f6d65647365616c000000000000000000000000000000000000000000000000008386015280516102818282610895565b600181527f31000000000000000000000000000000000000000000000000000000000000008482015281519687967f0f00000000000000000000000000000000000000000000000000000000000000885260e08689015260e088019061071d565b918683039087015261071d565b4660608501523060808501525f60a085015283810360c08501528180845192838152019301915f5b82811061032657505050500390f35b835185528695509381019392810192600101610317565b346100e0575f6003193601126100e05760206040517f00000000000000000000000000000000000000000000000000000000000000008152f35b346100e05760206003193601126100e0576004355f525f602052608060405f205467ffffffffffffffff60405191818116835260ff8160401c166020840152818160481c16604084015260881c166060820152f35b346100e05760206003193601126100e05760c0600435805f52600260205267ffffffffffffffff60405f205491805f52600360205260405f2054905f52600160205260405f20549260405193845273ffffffffffffffffffffffffffffffffffffffff8116602085015265ffffffffffff8160a01c16604085015260d01c6060840152818116608084015260401c1660a0820152f35b346100e05760206003193601126100e0576004355f5260056020526040805f205467ffffffffffffffff82519173ffffffffffffffffffffffffffffffffffffffff8116835260a01c166020820152f35b346100e05760406003193601126100e05760806104ce610654565b60405161050b816104fd60208201946004358690929167ffffffffffffffff6020916040840195845216910152565b03601f198101835282610895565b519020805f52600760205260405f2054905f52600660205267ffffffffffffffff60405f2054916040519283528181166020840152818160401c166040840152831c166060820152f35b346100e057610113610566366106e2565b91610905565b346100e057602061057c36610680565b803590815f526001835260405f205491821515928361060e575b50826105f8575b50816105d6575b816105b5575b506040519015158152f35b67ffffffffffffffff91506101406105cd910161085f565b164210826105aa565b905067ffffffffffffffff6105ee610120830161085f565b16421015906105a4565b9091505f526003825260405f205415908361059d565b90925061061a826113ae565b149184610596565b346100e05760606003193601126100e05761063b610654565b60443560ff811681036100e05761011391600435610742565b6024359067ffffffffffffffff821682036100e057565b359067ffffffffffffffff821682036100e057565b60206003198201126100e0576004359067ffffffffffffffff82116100e05760031982610180920301126100e05760040190565b9181601f840112156100e05782359167ffffffffffffffff83116100e057602083818601950101116100e057565b906003198201606081126100e0576040136100e0576004916044359067ffffffffffffffff82116100e057610719916004016106b4565b9091565b90601f19601f602080948051918291828752018686015e5f8582860101520116010190565b919067ffffffffffffffff169081158015610854575b8015610847575b61081f57825f525f60205260405f2054806107cf57507f985b0b43aea0d4df237c7a433eb3cf23a43e73b7eddb4b6a72beb9103f3af2089160ff604092855f525f6020524260881b4360481b68ff000000000000000083871b1685171717845f20558351928352166020820152a2565b9168ff000000000000000068ffffffffffffffffff9260401b16179116036107f45750565b7f586186bd000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b7f080631d5000000000000000000000000000000000000000000000000000000005f5260045ffd5b50600360ff82161161075f565b5060ff811615610758565b3567ffffffffffffffff811681036100e05790565b3573ffffffffffffffffffffffffffffffffffffffff811681036100e05790565b90601f601f19910116810190811067ffffffffffffffff8211176108b857604052565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52604160045260245ffd5b601f8260209493601f1993818652868601375f8582860101520116010190565b803591825f52600260205260405f2054918215610a75576020019173ffffffffffffffffffffffffffffffffffffffff8061093f85610874565b16911603610a49576109c261095383610874565b60405173ffffffffffffffffffffffffffffffffffffffff60208201927fa37c7fc01b0a1cf9f5e0415fb21c3963f11a6d094a081d1a2e1b51addcbd7ec48452876040840152166060820152606081526109ae608082610895565b51902085836109bc86610874565b92611676565b825f52600360205260405f2054610a435773ffffffffffffffffffffffffffffffffffffffff610a257f774b7f17b0d7b3e84ddf93d922cfd771dee33dee984750c0c6df92d804d64bfe93855f5260036020524260401b431760405f2055610874565b1693610a3e6040519283926020845260208401916108e5565b0390a3565b50505050565b827f7d1dc857000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b837fddae8389000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b67ffffffffffffffff81116108b85760051b60200190565b359073ffffffffffffffffffffffffffffffffffffffff821682036100e057565b90357fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe1823603018112156100e057016020813591019167ffffffffffffffff82116100e0578160051b360383136100e057565b90602083828152019060208160051b85010193835f917fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe182360301905b848410610b7b575050505050505090565b90919293949596601f198282030187528735838112156100e0578401906020823592019167ffffffffffffffff81116100e05780360383136100e057610bc760209283926001956108e5565b99019701959401929190610b6a565b610140810192610be58461085f565b61012083019067ffffffffffffffff80610bfe8461085f565b1691161115610f1757610c10836113ae565b926020810191610c2a610c2284610874565b858888611676565b813594855f52600160205260405f205480610edb5750855f52600160205260405f205573ffffffffffffffffffffffffffffffffffffffff610c6b84610874565b16855f5260026020524260d01b904360a01b171760405f2055610c8d83610874565b96604083019273ffffffffffffffffffffffffffffffffffffffff610cd7610cb486610874565b9582610ccc6040519960408b528c60408c0152610ab9565b166060890152610ab9565b166080860152606081013560a0860152610d0a610cf76080830183610ada565b61018060c08901526101c0880191610b2d565b610d1760a0830183610ada565b90937fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc08884030160e08901528183527f07ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff82116100e05767ffffffffffffffff610e62610e5c610e1d610dde8c6101609a8699610e6c9960051b80926020830137016020610da760c08d018d610ada565b9290936101007fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc08483850301019101520191610b2d565b8c610dec60e08b018b610ada565b916101207fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc082860301910152610b2d565b610e2b610100890189610ada565b8d83037fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc0016101408f015290610b2d565b9761066b565b168589015261066b565b1661018086015201359060ff82168092036100e0577f3368b0adc8f9bdb75769d974e0fcff5d59bd57a06e82729414e918e65dbb8f5e9473ffffffffffffffffffffffffffffffffffffffff808695610ed6956101a08801528685036020880152169916976108e5565b0390a4565b95975095505050505003610eec5750565b7fdc630617000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b7fb5e75dc4000000000000000000000000000000000000000000000000000000005f5260045ffd5b906004356024359173ffffffffffffffffffffffffffffffffffffffff8316928381036100e0576044359467ffffffffffffffff8616958681036100e057606435916084359467ffffffffffffffff8616948587141590816100e05760405160208101907f41cf405d655dbdde4c70ed458ee47063cd88a6b1763adefe314f312400d0329182528a60408201528b60608201528c60808201528760a08201528860c082015260c08152610ff360e082610895565b5190206110038285875f94611676565b895f52600560205260405f20549283159081158080916111eb575b6111bf5760408051602081018f815267ffffffffffffffff8c16928201929092525f97919061105081606081016104fd565b51902093845f52600760205260405f20548061114857509161112b575b506110eb575b815f5260066020528860405f20556100e0575f5260076020524260801b4360401b89171760405f20556100e057506100e0577fe0c92bb80b2b0bf2178680ff7d8aab20d3b242ed566d03f374d1a3c25aed0bbb95610ed6935050604051948594855260208501526060604085015260608401916108e5565b826100e057846100e0578b5f5260056020527bffffffffffffffff00000000000000000000000000000000000000008860a01b168d1760405f2055611073565b9050856100e05767ffffffffffffffff8f9160a01c16105f61106d565b9b9a9e9f50505050509450505050505f52600660205260405f205414928315936111a8575b50505061117957505050565b507f9e1a6d61000000000000000000000000000000000000000000000000000000005f5260045260245260445ffd5b5067ffffffffffffffff16141590505f808061116d565b8c7f70cdad42000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b505f935073ffffffffffffffffffffffffffffffffffffffff86168e141561101e565b9060208235920161128a61122182610874565b60405173ffffffffffffffffffffffffffffffffffffffff60208201927f2ee2648fbf5e860c5b361c22ba40a2db9c392a5d7c28cd4cd0053ad680abd29884528760408401521660608201526060815261127c608082610895565b51902085846109bc85610874565b825f52600460205260405f20548061130057509073ffffffffffffffffffffffffffffffffffffffff610a2583826112e27f259dd75661502c15b5094a41a0ffb23006a3bba2c30b3db3228dbd46c6e4d84996610874565b16865f5260046020524260d01b904360a01b171760405f2055610874565b92935073ffffffffffffffffffffffffffffffffffffffff91506113248291610874565b1691160361132f5750565b7fc33acd53000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b9035907fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe1813603018212156100e0570180359067ffffffffffffffff82116100e057602001918160051b360383136100e057565b6113ba60208201610874565b906113c760408201610874565b9173ffffffffffffffffffffffffffffffffffffffff604051938160208601937ff50771cd10e56e1d94eaa90f4f96ebbc87a072fe38808a7d4abf90d030e739c6855285356040880152166060860152166080840152606082013560a084015260a0835261143660c084610895565b61144c611446608084018461135a565b906117c8565b9061145a60a084018461135a565b6040519060208201927f07ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff82116100e057826020916114aa9360051b8091873781010301601f198101835282610895565b5190206114bd61144660c086018661135a565b926114ce61144660e087018761135a565b916114e061144661010088018861135a565b946114ee610120880161085f565b966101606114ff610140830161085f565b9101359260ff84168094036100e0576040986115939860209767ffffffffffffffff9586948d519d8e8c81019b8c52015260608d015260808c015260a08b01521660c08901521660e0870152610100860152610100855261156261012086610895565b60405194859383850197518091895e840190838201905f8252519283915e01015f815203601f198101835282610895565b51902090565b467f0000000000000000000000000000000000000000000000000000000000000000036115e4577f000000000000000000000000000000000000000000000000000000000000000090565b60405160208101907f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f82527fcf45feaa077be2f75aab3a029a544abe05195127bb8b26e5c572a51a9939b30960408201527fc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc660608201524660808201523060a082015260a0815261159360c082610895565b9160410361175d5760208101359160408201355f1a7f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0841180156117b1575b61175d576020935f936080936116c9611599565b9060405190888201927f19010000000000000000000000000000000000000000000000000000000000008452602283015260428201526042815261170e606282610895565b5190209260405193845286840152356040830152606082015282805260015afa156117a65773ffffffffffffffffffffffffffffffffffffffff5f51168015918215611785575b505061175d57565b7f8baa579f000000000000000000000000000000000000000000000000000000005f5260045ffd5b73ffffffffffffffffffffffffffffffffffffffff16141590505f80611755565b6040513d5f823e3d90fd5b50601b81141580156116b55750601c8114156116b5565b916117d282610aa1565b906117e06040519283610895565b8282526117ec83610aa1565b90601f196020840192013683375f917fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe186360301925b858110156118dc578060051b9081880135858112156100e0578801803567ffffffffffffffff81116100e057602082019080360382136100e05760405191611874601f8301601f191660200184610895565b818352602083019360208336920101116100e057815f9260209286378301015251902086518210156118af5760206001938801015201611822565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52603260045260245ffd5b5060405193519195506020840194509150829084905f5b81811061190f575050611593925003601f198101835282610895565b84518352602094850194869450909201916001016118f356fea264697066735822122015b84ea749d3e472b719d064e3d69a37cd70c0cd66fa8becdb0d93e97ac6261564736f6c63430008250033' as const

/** Byte ranges of the runtime bytecode holding immutables (chain id, domain separator, deployment block). */
export const medsealRegistryImmutableReferences = [
  { start: 852, length: 32 },
  { start: 5532, length: 32 },
  { start: 5570, length: 32 },
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

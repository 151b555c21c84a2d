// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title MedsealRegistry
/// @notice The medseal ledger on an EVM chain: batch-root anchors, patient-signed consent grants and their
/// revocations, shred receipts (tombstones) and signed access-log tree heads.
/// @dev Append-only by construction: no owner, no admin, no upgrade path, no function that rewrites a record.
/// Every signed structure is verified here, on chain, as EIP-712 typed data (domain: name "medseal", version "1",
/// chainId, verifyingContract = this registry), exactly as medseal core signs it. Only commitments, roots,
/// signed consent structures and tree heads are ever stored: never PHI.
/// Storage is kept to one slot per record where possible; full signed structures are carried by events and read
/// back off-chain from the logs (the block number stored with each record tells a client where to look).
contract MedsealRegistry {
    // ------------------------------------------------------------------ EIP-712 structures (docs/spec/consent.md)

    /// @notice A consent grant signed by `grantor` (see consentTypes in medseal core).
    struct Consent {
        bytes32 id;
        address grantor;
        address grantee;
        bytes32 parent;
        string[] resourceTypes;
        bytes32[] commitments;
        string[] exclude;
        string[] actions;
        string[] purposes;
        uint64 notBefore;
        uint64 expiresAt;
        uint8 delegationDepth;
    }

    /// @notice A revocation of consent `consentId`, signed by that consent's grantor.
    struct Revocation {
        bytes32 consentId;
        address grantor;
    }

    /// @notice A shred receipt: `owner` destroyed the keys and salt of the record with this commitment.
    struct Tombstone {
        bytes32 commitment;
        address owner;
    }

    /// @notice An access-log tree head signed by the log's operator.
    struct TreeHead {
        bytes32 logId;
        address operator;
        uint64 treeSize;
        bytes32 root;
        uint64 timestamp;
    }

    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant NAME_HASH = keccak256("medseal");
    bytes32 private constant VERSION_HASH = keccak256("1");
    bytes32 private constant CONSENT_TYPEHASH = keccak256(
        "Consent(bytes32 id,address grantor,address grantee,bytes32 parent,string[] resourceTypes,"
        "bytes32[] commitments,string[] exclude,string[] actions,string[] purposes,uint64 notBefore,"
        "uint64 expiresAt,uint8 delegationDepth)"
    );
    bytes32 private constant REVOCATION_TYPEHASH = keccak256("Revocation(bytes32 consentId,address grantor)");
    bytes32 private constant TOMBSTONE_TYPEHASH = keccak256("Tombstone(bytes32 commitment,address owner)");
    bytes32 private constant TREEHEAD_TYPEHASH =
        keccak256("TreeHead(bytes32 logId,address operator,uint64 treeSize,bytes32 root,uint64 timestamp)");

    /// @dev secp256k1 n / 2: signatures with a larger `s` are malleable twins and are refused (EIP-2).
    uint256 private constant HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    // ------------------------------------------------------------------ storage (packed, one slot per record)

    /// @dev root => treeSize (bits 0..63) | kind (64..71) | block number (72..135) | block timestamp (136..199).
    mapping(bytes32 => uint256) private _anchors;
    /// @dev consent id => EIP-712 struct hash of the Consent.
    mapping(bytes32 => bytes32) private _consentHashes;
    /// @dev consent id => grantor (bits 0..159) | block number (160..207) | block timestamp (208..255).
    mapping(bytes32 => uint256) private _consents;
    /// @dev consent id => block number (bits 0..63) | block timestamp (64..127) of its revocation.
    mapping(bytes32 => uint256) private _revocations;
    /// @dev commitment => owner (bits 0..159) | block number (160..207) | block timestamp (208..255).
    mapping(bytes32 => uint256) private _tombstones;
    /// @dev log id => operator (bits 0..159) | largest recorded tree size (160..223).
    mapping(bytes32 => uint256) private _logs;
    /// @dev keccak256(logId, treeSize) => root.
    mapping(bytes32 => bytes32) private _headRoots;
    /// @dev keccak256(logId, treeSize) => head timestamp (bits 0..63) | block number (64..127) | block timestamp
    /// (128..191).
    mapping(bytes32 => uint256) private _heads;

    uint256 private immutable _cachedChainId;
    bytes32 private immutable _cachedDomainSeparator;
    /// @notice The block this registry was deployed in: clients read its event logs from here on.
    uint256 public immutable deploymentBlock;

    // ------------------------------------------------------------------ events (one per write)

    /// @notice A batch root was anchored (the block and its timestamp are the log's own).
    event Anchored(bytes32 indexed root, uint64 treeSize, uint8 kind);
    /// @notice A consent was registered; carries the full signed structure.
    event ConsentRegistered(
        bytes32 indexed id, address indexed grantor, address indexed grantee, Consent consent, bytes signature
    );
    /// @notice A consent was revoked by its grantor.
    event ConsentRevoked(bytes32 indexed consentId, address indexed grantor, bytes signature);
    /// @notice A shred receipt was recorded.
    event TombstoneRecorded(bytes32 indexed commitment, address indexed owner, bytes signature);
    /// @notice An access-log tree head was recorded.
    event TreeHeadRecorded(
        bytes32 indexed logId, address indexed operator, uint64 indexed treeSize, bytes32 root, uint64 timestamp,
        bytes signature
    );

    // ------------------------------------------------------------------ errors

    /// @notice treeSize is 0 or kind is not 1 (records), 2 (export) or 3 (events).
    error InvalidAnchor();
    /// @notice The root is already anchored with other metadata.
    error AnchorConflict(bytes32 root);
    /// @notice The signature is malformed (not 65 bytes, high s, v not 27/28) or does not recover to the signer.
    error InvalidSignature();
    /// @notice The consent is malformed (its validity window is empty).
    error ConsentMalformed();
    /// @notice Another consent is already registered under this id.
    error ConsentReplayed(bytes32 id);
    /// @notice No consent is registered under this id.
    error ConsentNotFound(bytes32 id);
    /// @notice The revocation's grantor is not the consent's grantor.
    error NotGrantor(bytes32 consentId);
    /// @notice Another owner already recorded a tombstone for this commitment.
    error TombstoneConflict(bytes32 commitment);
    /// @notice Another head is already recorded for this log and tree size.
    error TreeHeadConflict(bytes32 logId, uint64 treeSize);
    /// @notice The log is bound to another operator (its first head's signer).
    error LogOperatorMismatch(bytes32 logId);

    constructor() {
        _cachedChainId = block.chainid;
        _cachedDomainSeparator = _buildDomainSeparator();
        deploymentBlock = block.number;
    }

    // ------------------------------------------------------------------ writes

    /// @notice Anchors a batch root. Anchoring the same root with the same metadata again is a no-op.
    /// @param root RFC 9162 Merkle root of the batch.
    /// @param treeSize Number of leaves (>= 1).
    /// @param kind 1 records, 2 export, 3 events.
    function anchor(bytes32 root, uint64 treeSize, uint8 kind) external {
        if (treeSize == 0 || kind == 0 || kind > 3) revert InvalidAnchor();
        uint256 existing = _anchors[root];
        if (existing != 0) {
            if (uint72(existing) != ((uint256(kind) << 64) | treeSize)) revert AnchorConflict(root);
            return;
        }
        _anchors[root] = uint256(treeSize) | (uint256(kind) << 64) | (block.number << 72) | (block.timestamp << 136);
        emit Anchored(root, treeSize, kind);
    }

    /// @notice Registers a consent signed by its grantor. Registering the same consent again is a no-op.
    function registerConsent(Consent calldata c, bytes calldata signature) external {
        if (c.expiresAt <= c.notBefore) revert ConsentMalformed();
        bytes32 structHash = hashConsent(c);
        _verify(structHash, signature, c.grantor);
        bytes32 existing = _consentHashes[c.id];
        if (existing != bytes32(0)) {
            if (existing != structHash) revert ConsentReplayed(c.id);
            return;
        }
        _consentHashes[c.id] = structHash;
        _consents[c.id] = uint256(uint160(c.grantor)) | (block.number << 160) | (block.timestamp << 208);
        emit ConsentRegistered(c.id, c.grantor, c.grantee, c, signature);
    }

    /// @notice Revokes a consent by its grantor's signature. Revoking it again is a no-op.
    function revoke(Revocation calldata r, bytes calldata signature) external {
        uint256 entry = _consents[r.consentId];
        if (entry == 0) revert ConsentNotFound(r.consentId);
        if (address(uint160(entry)) != r.grantor) revert NotGrantor(r.consentId);
        _verify(keccak256(abi.encode(REVOCATION_TYPEHASH, r.consentId, r.grantor)), signature, r.grantor);
        if (_revocations[r.consentId] != 0) return;
        _revocations[r.consentId] = block.number | (block.timestamp << 64);
        emit ConsentRevoked(r.consentId, r.grantor, signature);
    }

    /// @notice Records a shred receipt signed by its owner. One tombstone per commitment; the same again is a no-op.
    function recordTombstone(Tombstone calldata t, bytes calldata signature) external {
        _verify(keccak256(abi.encode(TOMBSTONE_TYPEHASH, t.commitment, t.owner)), signature, t.owner);
        uint256 existing = _tombstones[t.commitment];
        if (existing != 0) {
            if (address(uint160(existing)) != t.owner) revert TombstoneConflict(t.commitment);
            return;
        }
        _tombstones[t.commitment] = uint256(uint160(t.owner)) | (block.number << 160) | (block.timestamp << 208);
        emit TombstoneRecorded(t.commitment, t.owner, signature);
    }

    /// @notice Records an access-log tree head signed by its operator. The first head of a log binds the log to its
    /// operator. One head per (logId, treeSize); the same head again is a no-op.
    function recordTreeHead(TreeHead calldata h, bytes calldata signature) external {
        _verify(
            keccak256(abi.encode(TREEHEAD_TYPEHASH, h.logId, h.operator, h.treeSize, h.root, h.timestamp)),
            signature,
            h.operator
        );
        uint256 log = _logs[h.logId];
        if (log != 0 && address(uint160(log)) != h.operator) revert LogOperatorMismatch(h.logId);
        bytes32 key = keccak256(abi.encode(h.logId, h.treeSize));
        uint256 existing = _heads[key];
        if (existing != 0) {
            if (_headRoots[key] != h.root || uint64(existing) != h.timestamp) {
                revert TreeHeadConflict(h.logId, h.treeSize);
            }
            return;
        }
        uint64 largest = uint64(log >> 160);
        if (log == 0 || h.treeSize > largest) {
            _logs[h.logId] = uint256(uint160(h.operator)) | (uint256(h.treeSize) << 160);
        }
        _headRoots[key] = h.root;
        _heads[key] = uint256(h.timestamp) | (block.number << 64) | (block.timestamp << 128);
        emit TreeHeadRecorded(h.logId, h.operator, h.treeSize, h.root, h.timestamp, signature);
    }

    // ------------------------------------------------------------------ reads

    /// @notice An anchored root's metadata; all zero when the root is not anchored.
    function getAnchor(bytes32 root)
        external
        view
        returns (uint64 treeSize, uint8 kind, uint64 blockNumber, uint64 timestamp)
    {
        uint256 e = _anchors[root];
        return (uint64(e), uint8(e >> 64), uint64(e >> 72), uint64(e >> 136));
    }

    /// @notice A consent's struct hash, grantor, registration block and time, and revocation block and time (all
    /// zero when absent / not revoked).
    function getConsent(bytes32 id)
        external
        view
        returns (
            bytes32 structHash,
            address grantor,
            uint64 blockNumber,
            uint64 timestamp,
            uint64 revokedBlockNumber,
            uint64 revokedTimestamp
        )
    {
        uint256 e = _consents[id];
        uint256 r = _revocations[id];
        return (
            _consentHashes[id],
            address(uint160(e)),
            uint64(uint48(e >> 160)),
            uint64(e >> 208),
            uint64(r),
            uint64(r >> 64)
        );
    }

    /// @notice True when `c` is registered (same struct hash), not revoked, and `block.timestamp` lies in
    /// [notBefore, expiresAt). Scope, purpose and action checks are the caller's.
    function isConsentActive(Consent calldata c) external view returns (bool) {
        bytes32 stored = _consentHashes[c.id];
        return stored != bytes32(0) && stored == hashConsent(c) && _revocations[c.id] == 0
            && block.timestamp >= c.notBefore && block.timestamp < c.expiresAt;
    }

    /// @notice A commitment's tombstone: owner, block and time (all zero when absent).
    function getTombstone(bytes32 commitment)
        external
        view
        returns (address owner, uint64 blockNumber, uint64 timestamp)
    {
        uint256 e = _tombstones[commitment];
        return (address(uint160(e)), uint64(uint48(e >> 160)), uint64(e >> 208));
    }

    /// @notice A log's operator (zero when no head was recorded) and its largest recorded tree size.
    function getLog(bytes32 logId) external view returns (address operator, uint64 latestTreeSize) {
        uint256 e = _logs[logId];
        return (address(uint160(e)), uint64(e >> 160));
    }

    /// @notice A recorded tree head: root, head timestamp, block and block time (all zero when absent).
    function getTreeHead(bytes32 logId, uint64 treeSize)
        external
        view
        returns (bytes32 root, uint64 timestamp, uint64 blockNumber, uint64 blockTimestamp)
    {
        bytes32 key = keccak256(abi.encode(logId, treeSize));
        uint256 e = _heads[key];
        return (_headRoots[key], uint64(e), uint64(e >> 64), uint64(e >> 128));
    }

    // ------------------------------------------------------------------ EIP-712

    /// @notice The EIP-712 domain separator of this registry on the current chain.
    function domainSeparator() public view returns (bytes32) {
        return block.chainid == _cachedChainId ? _cachedDomainSeparator : _buildDomainSeparator();
    }

    /// @notice EIP-5267 domain description (fields 0x0f: name, version, chainId, verifyingContract).
    function eip712Domain()
        external
        view
        returns (
            bytes1 fields,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifyingContract,
            bytes32 salt,
            uint256[] memory extensions
        )
    {
        return (hex"0f", "medseal", "1", block.chainid, address(this), bytes32(0), new uint256[](0));
    }

    /// @notice EIP-712 `hashStruct` of a Consent (arrays hashed per EIP-712: string[] as the keccak of the
    /// concatenated keccaks of its elements, bytes32[] as the keccak of its packed elements).
    function hashConsent(Consent calldata c) public pure returns (bytes32) {
        bytes memory head = abi.encode(CONSENT_TYPEHASH, c.id, c.grantor, c.grantee, c.parent);
        bytes memory tail = abi.encode(
            _hashStrings(c.resourceTypes),
            keccak256(abi.encodePacked(c.commitments)),
            _hashStrings(c.exclude),
            _hashStrings(c.actions),
            _hashStrings(c.purposes),
            c.notBefore,
            c.expiresAt,
            c.delegationDepth
        );
        return keccak256(bytes.concat(head, tail));
    }

    function _hashStrings(string[] calldata items) private pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](items.length);
        for (uint256 i; i < items.length; ++i) {
            hashes[i] = keccak256(bytes(items[i]));
        }
        return keccak256(abi.encodePacked(hashes));
    }

    function _buildDomainSeparator() private view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
    }

    /// @dev Reverts unless `signature` is a canonical (low-s, v in {27, 28}) signature by `signer` (non-zero) of
    /// the EIP-712 digest of `structHash` under this registry's domain.
    function _verify(bytes32 structHash, bytes calldata signature, address signer) private view {
        if (signature.length != 65) revert InvalidSignature();
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            r := calldataload(signature.offset)
            s := calldataload(add(signature.offset, 32))
            v := byte(0, calldataload(add(signature.offset, 64)))
        }
        if (uint256(s) > HALF_N || (v != 27 && v != 28)) revert InvalidSignature();
        bytes32 digest = keccak256(abi.encodePacked(hex"1901", domainSeparator(), structHash));
        address recovered = ecrecover(digest, v, r, s);
        if (recovered == address(0) || recovered != signer) revert InvalidSignature();
    }
}

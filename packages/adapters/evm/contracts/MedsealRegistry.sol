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
/// Every key includes everything a stranger could otherwise squat on (security review, issue 12): anchors are keyed
/// by (root, treeSize, kind), consents and revocations by keccak256(abi.encode(grantor, id)), tombstones by
/// (commitment, owner), and a tree head's logId must be keccak256(abi.encodePacked(operator, nameHash)).
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

    /// @notice A withdrawal, signed by `grantor`, of the id `consentId` it signed (a consent, an emergency policy, a
    /// clinician credential). Keyed by (grantor, consentId): nobody else can withdraw it, and it needs no consent.
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
        bytes32 nameHash;
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
    bytes32 private constant TREEHEAD_TYPEHASH = keccak256(
        "TreeHead(bytes32 logId,address operator,bytes32 nameHash,uint64 treeSize,bytes32 root,uint64 timestamp)"
    );

    /// @dev secp256k1 n / 2: signatures with a larger `s` are malleable twins and are refused (EIP-2).
    uint256 private constant HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;


    // ------------------------------------------------------------------ consent limits (core CONSENT_LIMITS)

    /// @dev The cheap part of medseal core's consent validation, mirrored on chain (security review, issue 12,
    /// finding 6): list sizes, string lengths, known actions without duplicates, a non-empty scope, a real grantee
    /// and a non-empty window. Purpose codes, resource type and label syntax stay off-chain checks: a listing skips
    /// (and reports) a consent that fails them.
    uint256 private constant MAX_RESOURCE_TYPES = 64;
    uint256 private constant MAX_COMMITMENTS = 1024;
    uint256 private constant MAX_EXCLUDE = 64;
    uint256 private constant MAX_ACTIONS = 5;
    uint256 private constant MAX_PURPOSES = 64;
    uint256 private constant MAX_STRING_LENGTH = 64;
    bytes32 private constant ACTION_READ = keccak256("read");
    bytes32 private constant ACTION_SEARCH = keccak256("search");
    bytes32 private constant ACTION_VREAD = keccak256("vread");
    bytes32 private constant ACTION_WRITE = keccak256("write");
    bytes32 private constant ACTION_DELEGATE = keccak256("delegate");

    // ------------------------------------------------------------------ storage (packed, one slot per record)

    /// @dev keccak256(abi.encode(root, treeSize, kind)) => block number (bits 0..63) | block timestamp (64..127).
    mapping(bytes32 => uint256) private _anchors;
    /// @dev consent key keccak256(abi.encode(grantor, id)) => EIP-712 struct hash of the Consent.
    mapping(bytes32 => bytes32) private _consentHashes;
    /// @dev consent key => grantor (bits 0..159) | block number (160..207) | block timestamp (208..255).
    mapping(bytes32 => uint256) private _consents;
    /// @dev consent key => grantor (bits 0..159) | block number (160..207) | block timestamp (208..255) of its
    /// revocation (whether or not a consent is registered under the key).
    mapping(bytes32 => uint256) private _revocations;
    /// @dev keccak256(abi.encode(commitment, owner)) => block number (bits 0..63) | block timestamp (64..127).
    mapping(bytes32 => uint256) private _tombstones;
    /// @dev log id => operator (bits 0..159) | largest recorded tree size (160..223).
    mapping(bytes32 => uint256) private _logs;
    /// @dev keccak256(abi.encode(logId, treeSize)) => root.
    mapping(bytes32 => bytes32) private _headRoots;
    /// @dev keccak256(abi.encode(logId, treeSize)) => head timestamp (bits 0..63) | block number (64..127) | block
    /// timestamp (128..191).
    mapping(bytes32 => uint256) private _heads;

    uint256 private immutable _cachedChainId;
    bytes32 private immutable _cachedDomainSeparator;
    /// @notice The block this registry was deployed in: clients read its event logs from here on.
    uint256 public immutable deploymentBlock;

    // ------------------------------------------------------------------ events (one per write)

    /// @notice A batch root was anchored under `key` = keccak256(abi.encode(root, treeSize, kind)) (the block and its
    /// timestamp are the log's own).
    event Anchored(bytes32 indexed key, bytes32 indexed root, uint64 treeSize, uint8 kind);
    /// @notice A consent was registered; carries the full signed structure.
    event ConsentRegistered(
        bytes32 indexed id, address indexed grantor, address indexed grantee, Consent consent, bytes signature
    );
    /// @notice `grantor` withdrew the id `consentId` it signed; `key` = keccak256(abi.encode(grantor, consentId)).
    event ConsentRevoked(bytes32 indexed key, bytes32 indexed consentId, address indexed grantor, bytes signature);
    /// @notice A shred receipt was recorded.
    event TombstoneRecorded(bytes32 indexed commitment, address indexed owner, bytes signature);
    /// @notice An access-log tree head was recorded.
    event TreeHeadRecorded(
        bytes32 indexed logId,
        address indexed operator,
        uint64 indexed treeSize,
        bytes32 nameHash,
        bytes32 root,
        uint64 timestamp,
        bytes signature
    );

    // ------------------------------------------------------------------ errors

    /// @notice treeSize is 0 or kind is not 1 (records), 2 (export) or 3 (events).
    error InvalidAnchor();
    /// @notice The signature is malformed (not 65 bytes, high s, v not 27/28) or does not recover to the signer.
    error InvalidSignature();
    /// @notice The consent is malformed: an empty window, a zero id, a missing or self grantee, an empty scope, no
    /// action or purpose, an unknown or repeated action, a list or string over its limit.
    error ConsentMalformed();
    /// @notice The grantor already registered another consent under this id.
    error ConsentReplayed(bytes32 id);
    /// @notice Another head is already recorded for this log and tree size.
    error TreeHeadConflict(bytes32 logId, uint64 treeSize);
    /// @notice The head's logId is not keccak256(abi.encodePacked(operator, nameHash)): the log is not its signer's.
    error LogIdMismatch(bytes32 logId);

    constructor() {
        _cachedChainId = block.chainid;
        _cachedDomainSeparator = _buildDomainSeparator();
        deploymentBlock = block.number;
    }

    // ------------------------------------------------------------------ writes

    /// @notice Anchors a batch root under (root, treeSize, kind). Anchoring the same triple again is a no-op; the same
    /// root with other metadata is another anchor, so nobody can block an anchor by writing its root first.
    /// @param root RFC 9162 Merkle root of the batch.
    /// @param treeSize Number of leaves (>= 1).
    /// @param kind 1 records, 2 export, 3 events.
    function anchor(bytes32 root, uint64 treeSize, uint8 kind) external {
        if (treeSize == 0 || kind == 0 || kind > 3) revert InvalidAnchor();
        bytes32 key = anchorKey(root, treeSize, kind);
        if (_anchors[key] != 0) return;
        _anchors[key] = block.number | (block.timestamp << 64);
        emit Anchored(key, root, treeSize, kind);
    }

    /// @notice Registers a consent signed by its grantor, under its key keccak256(abi.encode(grantor, id)).
    /// Registering the same consent again is a no-op; another consent under the same key is ConsentReplayed.
    function registerConsent(Consent calldata c, bytes calldata signature) external {
        bytes32 structHash = _checkedConsentHash(c);
        _verify(structHash, signature, c.grantor);
        bytes32 key = consentKey(c.grantor, c.id);
        bytes32 existing = _consentHashes[key];
        if (existing != bytes32(0)) {
            if (existing != structHash) revert ConsentReplayed(c.id);
            return;
        }
        _consentHashes[key] = structHash;
        _consents[key] = uint256(uint160(c.grantor)) | (block.number << 160) | (block.timestamp << 208);
        emit ConsentRegistered(c.id, c.grantor, c.grantee, c, signature);
    }

    /// @notice Records `r.grantor`'s withdrawal of the id `r.consentId` it signed, by its signature. The id need not be
    /// registered as a consent (emergency policies and clinician credentials are withdrawn the same way, and a
    /// revocation may come first). Revoking it again is a no-op.
    function revoke(Revocation calldata r, bytes calldata signature) external {
        _verify(keccak256(abi.encode(REVOCATION_TYPEHASH, r.consentId, r.grantor)), signature, r.grantor);
        bytes32 key = consentKey(r.grantor, r.consentId);
        if (_revocations[key] != 0) return;
        _revocations[key] = uint256(uint160(r.grantor)) | (block.number << 160) | (block.timestamp << 208);
        emit ConsentRevoked(key, r.consentId, r.grantor, signature);
    }

    /// @notice Records a shred receipt signed by its owner, under (commitment, owner): a stranger's tombstone for the
    /// same commitment is its own record and never blocks the owner's. The same again is a no-op.
    function recordTombstone(Tombstone calldata t, bytes calldata signature) external {
        _verify(keccak256(abi.encode(TOMBSTONE_TYPEHASH, t.commitment, t.owner)), signature, t.owner);
        bytes32 key = keccak256(abi.encode(t.commitment, t.owner));
        if (_tombstones[key] != 0) return;
        _tombstones[key] = block.number | (block.timestamp << 64);
        emit TombstoneRecorded(t.commitment, t.owner, signature);
    }

    /// @notice Records an access-log tree head signed by its operator. The logId must be
    /// keccak256(abi.encodePacked(operator, nameHash)), so a log id belongs to its signer from the first head on.
    /// One head per (logId, treeSize); the same head again is a no-op.
    function recordTreeHead(TreeHead calldata h, bytes calldata signature) external {
        if (h.logId != keccak256(abi.encodePacked(h.operator, h.nameHash))) revert LogIdMismatch(h.logId);
        _verify(
            keccak256(abi.encode(TREEHEAD_TYPEHASH, h.logId, h.operator, h.nameHash, h.treeSize, h.root, h.timestamp)),
            signature,
            h.operator
        );
        bytes32 key = keccak256(abi.encode(h.logId, h.treeSize));
        uint256 existing = _heads[key];
        if (existing != 0) {
            if (_headRoots[key] != h.root || uint64(existing) != h.timestamp) {
                revert TreeHeadConflict(h.logId, h.treeSize);
            }
            return;
        }
        uint256 log = _logs[h.logId];
        if (log == 0 || h.treeSize > uint64(log >> 160)) {
            _logs[h.logId] = uint256(uint160(h.operator)) | (uint256(h.treeSize) << 160);
        }
        _headRoots[key] = h.root;
        _heads[key] = uint256(h.timestamp) | (block.number << 64) | (block.timestamp << 128);
        emit TreeHeadRecorded(h.logId, h.operator, h.treeSize, h.nameHash, h.root, h.timestamp, signature);
    }

    // ------------------------------------------------------------------ reads

    /// @notice The key of an anchor: keccak256(abi.encode(root, treeSize, kind)).
    function anchorKey(bytes32 root, uint64 treeSize, uint8 kind) public pure returns (bytes32) {
        return keccak256(abi.encode(root, treeSize, kind));
    }

    /// @notice The key of a consent or revocation: keccak256(abi.encode(grantor, id)) (medseal core `consentKey`).
    function consentKey(address grantor, bytes32 id) public pure returns (bytes32) {
        return keccak256(abi.encode(grantor, id));
    }

    /// @notice The block and time the anchor (root, treeSize, kind) was written in; zero when it was not.
    function getAnchor(bytes32 root, uint64 treeSize, uint8 kind)
        external
        view
        returns (uint64 blockNumber, uint64 timestamp)
    {
        uint256 e = _anchors[anchorKey(root, treeSize, kind)];
        return (uint64(e), uint64(e >> 64));
    }

    /// @notice The consent under `key`: struct hash, grantor, registration block and time; and the revocation under
    /// `key`: its block and time (all zero when absent / not revoked). Either may exist without the other.
    function getConsent(bytes32 key)
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
        uint256 e = _consents[key];
        uint256 r = _revocations[key];
        return (
            _consentHashes[key],
            address(uint160(e)),
            uint64(uint48(e >> 160)),
            uint64(e >> 208),
            uint64(uint48(r >> 160)),
            uint64(r >> 208)
        );
    }

    /// @notice True when `c` is registered (same struct hash), not revoked, and `block.timestamp` lies in
    /// [notBefore, expiresAt). Scope, purpose and action checks are the caller's.
    function isConsentActive(Consent calldata c) external view returns (bool) {
        bytes32 key = consentKey(c.grantor, c.id);
        bytes32 stored = _consentHashes[key];
        return stored != bytes32(0) && stored == hashConsent(c) && _revocations[key] == 0
            && block.timestamp >= c.notBefore && block.timestamp < c.expiresAt;
    }

    /// @notice The tombstone `owner` recorded for `commitment`: block and time (zero when absent).
    function getTombstone(bytes32 commitment, address owner)
        external
        view
        returns (uint64 blockNumber, uint64 timestamp)
    {
        uint256 e = _tombstones[keccak256(abi.encode(commitment, owner))];
        return (uint64(e), uint64(e >> 64));
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
        return _consentHash(
            c,
            _hashStrings(c.resourceTypes, type(uint256).max),
            _hashStrings(c.exclude, type(uint256).max),
            _hashStrings(c.actions, type(uint256).max),
            _hashStrings(c.purposes, type(uint256).max)
        );
    }

    /// @dev hashConsent, reverting ConsentMalformed unless `c` passes the cheap checks of core's validation.
    function _checkedConsentHash(Consent calldata c) private pure returns (bytes32) {
        uint256 scope = c.resourceTypes.length + c.commitments.length;
        if (
            c.expiresAt <= c.notBefore || c.id == bytes32(0) || c.grantee == address(0) || c.grantee == c.grantor
                || scope == 0 || c.resourceTypes.length > MAX_RESOURCE_TYPES || c.commitments.length > MAX_COMMITMENTS
                || c.exclude.length > MAX_EXCLUDE || c.purposes.length == 0 || c.purposes.length > MAX_PURPOSES
        ) revert ConsentMalformed();
        return _consentHash(
            c,
            _hashStrings(c.resourceTypes, MAX_STRING_LENGTH),
            _hashStrings(c.exclude, MAX_STRING_LENGTH),
            _hashActions(c.actions),
            _hashStrings(c.purposes, MAX_STRING_LENGTH)
        );
    }

    function _consentHash(
        Consent calldata c,
        bytes32 resourceTypes,
        bytes32 exclude,
        bytes32 actions,
        bytes32 purposes
    ) private pure returns (bytes32) {
        bytes memory head = abi.encode(CONSENT_TYPEHASH, c.id, c.grantor, c.grantee, c.parent);
        bytes memory tail = abi.encode(
            resourceTypes,
            keccak256(abi.encodePacked(c.commitments)),
            exclude,
            actions,
            purposes,
            c.notBefore,
            c.expiresAt,
            c.delegationDepth
        );
        return keccak256(bytes.concat(head, tail));
    }

    /// @dev EIP-712 hash of a string[], reverting ConsentMalformed for a string longer than `maxLength` bytes.
    function _hashStrings(string[] calldata items, uint256 maxLength) private pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](items.length);
        for (uint256 i; i < items.length; ++i) {
            bytes calldata item = bytes(items[i]);
            if (item.length > maxLength) revert ConsentMalformed();
            hashes[i] = keccak256(item);
        }
        return keccak256(abi.encodePacked(hashes));
    }

    /// @dev EIP-712 hash of the actions, reverting ConsentMalformed unless there are 1..5 known actions, each once.
    function _hashActions(string[] calldata items) private pure returns (bytes32) {
        uint256 n = items.length;
        if (n == 0 || n > MAX_ACTIONS) revert ConsentMalformed();
        bytes32[] memory hashes = new bytes32[](n);
        uint256 seen;
        for (uint256 i; i < n; ++i) {
            bytes32 h = keccak256(bytes(items[i]));
            uint256 bit;
            if (h == ACTION_READ) bit = 1;
            else if (h == ACTION_SEARCH) bit = 2;
            else if (h == ACTION_VREAD) bit = 4;
            else if (h == ACTION_WRITE) bit = 8;
            else if (h == ACTION_DELEGATE) bit = 16;
            if (bit == 0 || seen & bit != 0) revert ConsentMalformed();
            seen |= bit;
            hashes[i] = h;
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

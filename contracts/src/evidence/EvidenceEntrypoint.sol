// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ICustody} from "../interfaces/ICustody.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Signatures} from "../libraries/Signatures.sol";
import {AssetService} from "./AssetService.sol";
import {PerpService} from "./PerpService.sol";
import {EvidenceHandlers} from "./EvidenceHandlers.sol";
import {EvidenceMerkle} from "./EvidenceMerkle.sol";

/// On-chain evidence of the exchange's events (seed 004, docs/PROTOCOL.md "Evidence"): the
/// exchange anchors its journal's Merkle tree head batch by batch, strictly in sequence, each
/// head proven (on-chain, RFC 9162 consistency) to extend the previous one, and each batch's
/// events replayed by the Handlers into the Asset and Perp services, so the chain mirrors the
/// engine and anyone can check it. A thin shell: rules in EvidenceHandlers and the services,
/// proofs in EvidenceMerkle (docs/adr/0010-evidence-entrypoint.md says why one contract).
contract EvidenceEntrypoint is EIP712 {
    using EvidenceHandlers for EvidenceHandlers.Services;
    using AssetService for AssetService.State;

    /// What the exchange signs (EIP-712 `Batch`, `events` hashed as EIP-712 hashes `bytes`).
    struct BatchHead {
        uint64 batchId;
        uint64 prevSize;
        bytes32 prevRoot;
        uint64 newSize;
        bytes32 newRoot;
    }

    bytes32 public constant BATCH_TYPEHASH = keccak256(
        "Batch(uint64 batchId,uint64 prevSize,bytes32 prevRoot,uint64 newSize,bytes32 newRoot,bytes events)"
    );

    /// The only signer of batches (the custody's exchange).
    address public immutable exchange;
    ICustody public immutable custody;

    /// Batches anchored so far (ids 1..batchCount) and the anchored tree's size: one slot.
    uint64 public batchCount;
    uint64 public treeSize;
    /// Every anchored root → its batch id << 64 | its tree size: one new slot per batch holds the
    /// whole head (keyed by the root, so no second slot for the size; ADR 0010 has the figures).
    mapping(bytes32 root => uint256) private _anchors;
    EvidenceHandlers.Services private _services;

    event BatchAnchored(uint64 indexed batchId, uint64 size, bytes32 root);

    error EvidenceBatchOutOfSequence(uint64 expected, uint64 batchId);
    error EvidenceHeadMismatch(uint64 size, uint64 prevSize, bytes32 prevRoot);
    error EvidenceBatchEmpty(uint64 size, uint64 newSize);
    error EvidenceConsistencyRefused(EvidenceMerkle.Refusal refusal);
    error EvidenceRootNotAnchored(bytes32 root);
    error EvidenceRootAlreadyAnchored(bytes32 root, uint64 batchId);
    error EvidenceZeroAddress();

    constructor(address custody_) EIP712("Clearline Evidence", "1") {
        if (custody_ == address(0)) revert EvidenceZeroAddress();
        custody = ICustody(custody_);
        exchange = ICustody(custody_).exchange();
    }

    /// Anchors the next batch and replays its events. Anyone may submit; only the exchange signs.
    function anchor(
        BatchHead calldata head,
        bytes32[] calldata consistencyProof,
        bytes calldata events,
        bytes calldata signature
    ) external {
        _verifyExchange(hashBatch(head, events), signature);
        _extend(head, consistencyProof);
        _services.route(custody, head.batchId, events);
        emit BatchAnchored(head.batchId, head.newSize, head.newRoot);
    }

    /// Signatures' rules (an EOA's 65-byte low-s signature, or ERC-1271), ecrecover first: an
    /// ECDSA signature recovering to the exchange is valid whatever its code, and trying it
    /// first skips the EXTCODESIZE SignatureChecker starts with (2,600 gas per batch).
    function _verifyExchange(bytes32 digest, bytes calldata signature) private view {
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err == ECDSA.RecoverError.NoError && recovered == exchange) return;
        if (!SignatureChecker.isValidERC1271SignatureNowCalldata(exchange, digest, signature)) {
            revert Signatures.SignatureInvalid(exchange, digest);
        }
    }

    /// Checks that `head` is the next batch and extends the anchored tree, then records it.
    function _extend(BatchHead calldata head, bytes32[] calldata consistencyProof) private {
        uint64 batchId = head.batchId;
        uint64 count = batchCount;
        // unchecked: batchCount grows by one per anchored batch, never near 2^64
        unchecked {
            if (batchId != count + 1) revert EvidenceBatchOutOfSequence(count + 1, batchId);
        }
        uint64 size = treeSize;
        bytes32 prevRoot = head.prevRoot;
        // the stored head: (size, the root anchored by batch `count` at that size)
        bool isHead = count == 0
            ? prevRoot == EvidenceMerkle.EMPTY_ROOT
            : _anchors[prevRoot] == (uint256(count) << 64 | size);
        if (head.prevSize != size || !isHead) revert EvidenceHeadMismatch(size, head.prevSize, prevRoot);
        uint64 newSize = head.newSize;
        if (newSize <= size) revert EvidenceBatchEmpty(size, newSize);
        bytes32 newRoot = head.newRoot;
        EvidenceMerkle.Refusal refusal = EvidenceMerkle.verifyConsistency(size, newSize, prevRoot, newRoot, consistencyProof);
        if (refusal != EvidenceMerkle.Refusal.None) revert EvidenceConsistencyRefused(refusal);
        // a root names one tree: proven consistent with a smaller one, it cannot be anchored yet
        // (except by a keccak256 collision); checked so an anchor is never overwritten
        uint256 anchored = _anchors[newRoot];
        if (anchored != 0) revert EvidenceRootAlreadyAnchored(newRoot, uint64(anchored >> 64));
        batchCount = batchId;
        treeSize = newSize;
        _anchors[newRoot] = uint256(batchId) << 64 | newSize;
    }

    /// The EIP-712 digest the exchange signs for a batch.
    function hashBatch(BatchHead calldata head, bytes calldata events) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    BATCH_TYPEHASH,
                    head.batchId,
                    head.prevSize,
                    head.prevRoot,
                    head.newSize,
                    head.newRoot,
                    keccak256(events)
                )
            )
        );
    }

    // ── proofs against anchored heads ──────────────────────────────────────────────────

    /// The batch that anchored `root` and the size of its tree (batch 0, size 0: the empty tree).
    function anchorOf(bytes32 root) public view returns (uint64 batchId, uint64 size) {
        if (root == EvidenceMerkle.EMPTY_ROOT) return (0, 0);
        uint256 anchored = _anchors[root];
        if (anchored == 0) revert EvidenceRootNotAnchored(root);
        return (uint64(anchored >> 64), uint64(anchored));
    }

    /// Why (or None if not) `proof` fails to put `leafHash` at `index` of the anchored tree whose
    /// root is `root`; the size comes from storage, never from the caller.
    function inclusionRefusal(bytes32 root, bytes32 leafHash, uint256 index, bytes32[] calldata proof)
        public
        view
        returns (EvidenceMerkle.Refusal)
    {
        (, uint64 size) = anchorOf(root);
        return EvidenceMerkle.verifyInclusion(leafHash, index, size, root, proof);
    }

    /// Whether `leafHash` is leaf `index` of the anchored tree whose root is `root` (reverts if none is).
    function verifyInclusion(bytes32 root, bytes32 leafHash, uint256 index, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        return inclusionRefusal(root, leafHash, index, proof) == EvidenceMerkle.Refusal.None;
    }

    // ── the services' state ───────────────────────────────────────────────────────────

    function collateralOf(address account, address asset) external view returns (int256) {
        return _services.assets.balances[account][asset];
    }

    function positionOf(address account, uint8 market) external view returns (int64 lots, int128 entryQuote) {
        PerpService.Position storage p = _services.perps.positions[account][market];
        return (p.lots, p.entryQuote);
    }

    function marketOf(uint8 market) external view returns (PerpService.Market memory config, uint256 markPerLot) {
        return (_services.perps.markets[market], _services.perps.marks[market]);
    }

    function isFlagged(address account) external view returns (bool) {
        return _services.perps.flagged[account];
    }

    function protocolAccount(uint8 role) external view returns (address) {
        return _services.assets.protocolAccounts[role];
    }

    /// The engine's margin figures of `account` in settlement asset `quote` at the on-chain marks.
    function marginOf(address account, address quote)
        external
        view
        returns (int256 equity, uint256 maintenance, uint256 initial, uint256 withdrawable)
    {
        int256 balance = _services.assets.balances[account][quote];
        (equity, maintenance, initial,,) = PerpService.margin(_services.perps, account, quote, balance);
        withdrawable = PerpService.withdrawable(_services.perps, account, quote, balance);
    }

    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }
}

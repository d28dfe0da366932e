// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ICustody} from "../interfaces/ICustody.sol";
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
/// proofs in EvidenceMerkle (docs/adr/0009-evidence-entrypoint.md says why one contract).
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
    mapping(uint256 batchId => bytes32) private _roots;
    /// four uint64 tree sizes per slot: batch b at word b / 4, bits 64 × (b % 4)
    mapping(uint256 word => uint256) private _sizes;
    EvidenceHandlers.Services private _services;

    event BatchAnchored(uint64 indexed batchId, uint64 size, bytes32 root, uint256 eventCount);

    error EvidenceBatchOutOfSequence(uint64 expected, uint64 batchId);
    error EvidenceHeadMismatch(uint64 size, bytes32 root, uint64 prevSize, bytes32 prevRoot);
    error EvidenceBatchEmpty(uint64 size, uint64 newSize);
    error EvidenceConsistencyRefused(EvidenceMerkle.Refusal refusal);
    error EvidenceBatchUnknown(uint64 batchId);
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
        Signatures.verify(exchange, hashBatch(head, events), signature);
        _extend(head, consistencyProof);
        uint256 eventCount = _services.route(custody, head.batchId, events);
        emit BatchAnchored(head.batchId, head.newSize, head.newRoot, eventCount);
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
        bytes32 root = headRoot();
        if (head.prevSize != size || head.prevRoot != root) {
            revert EvidenceHeadMismatch(size, root, head.prevSize, head.prevRoot);
        }
        uint64 newSize = head.newSize;
        if (newSize <= size) revert EvidenceBatchEmpty(size, newSize);
        bytes32 newRoot = head.newRoot;
        EvidenceMerkle.Refusal refusal = EvidenceMerkle.verifyConsistency(size, newSize, root, newRoot, consistencyProof);
        if (refusal != EvidenceMerkle.Refusal.None) revert EvidenceConsistencyRefused(refusal);
        batchCount = batchId;
        treeSize = newSize;
        _roots[batchId] = newRoot;
        // batch ids fit 64 bits; shift = 64 × (id % 4) < 256
        _sizes[batchId >> 2] |= uint256(newSize) << ((batchId & 3) << 6);
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

    /// The root of the newest anchored head (EMPTY_ROOT before the first batch).
    function headRoot() public view returns (bytes32) {
        uint64 count = batchCount;
        return count == 0 ? EvidenceMerkle.EMPTY_ROOT : _roots[count];
    }

    /// The tree head anchored by `batchId` (0: the empty tree).
    function headOf(uint64 batchId) public view returns (uint64 size, bytes32 root) {
        if (batchId > batchCount) revert EvidenceBatchUnknown(batchId);
        if (batchId == 0) return (0, EvidenceMerkle.EMPTY_ROOT);
        size = uint64(_sizes[batchId >> 2] >> ((batchId & 3) << 6));
        root = _roots[batchId];
    }

    /// Why (or None if not) `proof` fails to put `leafHash` at `index` of the tree batch
    /// `batchId` anchored; size and root come from storage, never from the caller.
    function inclusionRefusal(uint64 batchId, bytes32 leafHash, uint256 index, bytes32[] calldata proof)
        public
        view
        returns (EvidenceMerkle.Refusal)
    {
        (uint64 size, bytes32 root) = headOf(batchId);
        return EvidenceMerkle.verifyInclusion(leafHash, index, size, root, proof);
    }

    /// Whether `leafHash` is leaf `index` of the tree batch `batchId` anchored.
    function verifyInclusion(uint64 batchId, bytes32 leafHash, uint256 index, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        return inclusionRefusal(batchId, leafHash, index, proof) == EvidenceMerkle.Refusal.None;
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

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EvidenceEntrypoint} from "../../../src/evidence/EvidenceEntrypoint.sol";
import {EvidenceHandlers} from "../../../src/evidence/EvidenceHandlers.sol";
import {EvidenceMerkle} from "../../../src/evidence/EvidenceMerkle.sol";
import {EvidenceCodec as C} from "../../../src/evidence/EvidenceCodec.sol";
import {PerpService} from "../../../src/evidence/PerpService.sol";
import {Signatures} from "../../../src/libraries/Signatures.sol";
import {EvidenceFixture} from "./EvidenceFixture.sol";
import {MerkleReference as Ref} from "./MerkleReference.sol";

/// Anchoring (sequence, head, signature, consistency) and the attacks of SECURITY.md's evidence list.
contract EvidenceAnchorTest is EvidenceFixture {
    function test_anchorsInSequenceAndProvesInclusion() public {
        _setupMarket();
        _anchor(_mark(M, 101e6));
        _anchor(_mark(M, 102e6));
        assertEq(entry.batchCount(), 3, "batches");
        assertEq(entry.treeSize(), 3, "size");
        bytes32[] memory all = journal;
        for (uint64 b = 1; b <= 3; ++b) {
            bytes32[] memory upTo = Ref.prefix(all, b);
            bytes32 root = Ref.root(upTo);
            (uint64 batchId, uint64 size) = entry.anchorOf(root);
            assertEq(batchId, b, "batch of the root");
            assertEq(size, b, "size of the root");
            for (uint256 i; i < b; ++i) {
                assertTrue(entry.verifyInclusion(root, all[i], i, Ref.inclusionProof(upTo, i)), "leaf in batch");
            }
        }
        // a proof valid for batch 3's tree is refused against batch 2's root (the size is the contract's)
        bytes32 root2 = Ref.root(Ref.prefix(all, 2));
        bytes32[] memory proof3 = Ref.inclusionProof(all, 2);
        assertTrue(!entry.verifyInclusion(root2, all[2], 2, proof3), "leaf past the batch");
        // and a root nobody anchored is no root
        bytes32 stranger = keccak256("never anchored");
        vm.expectRevert(abi.encodeWithSelector(EvidenceEntrypoint.EvidenceRootNotAnchored.selector, stranger));
        entry.verifyInclusion(stranger, all[0], 0, proof3);
    }

    function test_batchOutOfSequenceRefused() public {
        _setupMarket();
        bytes memory events = _mark(M, 99e6);
        (EvidenceEntrypoint.BatchHead memory head, bytes32[] memory proof,) = _batch(events, EXCHANGE_KEY);
        head.batchId = 3; // skips 2
        bytes memory sig = _sign(EXCHANGE_KEY, entry.hashBatch(head, events));
        vm.expectRevert(abi.encodeWithSelector(EvidenceEntrypoint.EvidenceBatchOutOfSequence.selector, 2, 3));
        entry.anchor(head, proof, events, sig);
        head.batchId = 1; // a replay of an anchored id
        sig = _sign(EXCHANGE_KEY, entry.hashBatch(head, events));
        vm.expectRevert(abi.encodeWithSelector(EvidenceEntrypoint.EvidenceBatchOutOfSequence.selector, 2, 1));
        entry.anchor(head, proof, events, sig);
    }

    function test_headMustBeTheStoredOne() public {
        _setupMarket();
        bytes memory events = _mark(M, 99e6);
        (EvidenceEntrypoint.BatchHead memory head, bytes32[] memory proof,) = _batch(events, EXCHANGE_KEY);
        head.prevRoot = keccak256("another past");
        bytes memory sig = _sign(EXCHANGE_KEY, entry.hashBatch(head, events));
        vm.expectRevert(abi.encodeWithSelector(EvidenceEntrypoint.EvidenceHeadMismatch.selector, 1, 1, head.prevRoot));
        entry.anchor(head, proof, events, sig);
        journal.pop();
        // nor a stored root of an older batch
        _anchor(_mark(M, 98e6));
        (head, proof,) = _batch(events, EXCHANGE_KEY);
        head.prevRoot = Ref.root(Ref.prefix(journal, 1));
        sig = _sign(EXCHANGE_KEY, entry.hashBatch(head, events));
        vm.expectRevert(abi.encodeWithSelector(EvidenceEntrypoint.EvidenceHeadMismatch.selector, 2, 2, head.prevRoot));
        entry.anchor(head, proof, events, sig);
    }

    function test_forgedSignatureRefused() public {
        bytes memory events = _mark(M, 99e6);
        (EvidenceEntrypoint.BatchHead memory head, bytes32[] memory proof,) = _batch(events, TRADER_KEY);
        bytes32 digest = entry.hashBatch(head, events);
        bytes memory forged = _sign(TRADER_KEY, digest);
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureInvalid.selector, exchange, digest));
        entry.anchor(head, proof, events, forged);
        // the exchange's signature over other events does not carry over
        bytes memory sig = _sign(EXCHANGE_KEY, digest);
        bytes memory altered = _mark(M, 1);
        vm.expectRevert(
            abi.encodeWithSelector(Signatures.SignatureInvalid.selector, exchange, entry.hashBatch(head, altered))
        );
        entry.anchor(head, proof, altered, sig);
    }

    /// The exchange signs a new head whose tree rewrote an anchored entry: the consistency proof cannot be made.
    function test_fuzz_forkedHistoryRefused(uint256 changed, uint8 batchCount) public {
        batchCount = 2 + batchCount % 6;
        _setupMarket();
        for (uint256 i = 1; i < batchCount; ++i) _anchor(_mark(M, uint128(100e6 + i)));
        changed = changed % journal.length;
        bytes32 anchoredRoot = Ref.root(journal);
        journal[changed] = keccak256(abi.encode("rewritten", changed));
        bytes memory events = _mark(M, 77e6);
        uint256 oldSize = journal.length;
        journal.push(keccak256("next"));
        bytes32[] memory leaves = journal;
        EvidenceEntrypoint.BatchHead memory head = EvidenceEntrypoint.BatchHead(
            batches + 1, uint64(oldSize), anchoredRoot, uint64(leaves.length), Ref.root(leaves)
        );
        bytes32[] memory proof = Ref.consistencyProof(leaves, oldSize);
        bytes memory sig = _sign(EXCHANGE_KEY, entry.hashBatch(head, events));
        // the proof, built from the forked tree, leads to another old root; when the old size is a
        // power of two the stored old root starts the path instead, and the new root is missed
        EvidenceMerkle.Refusal refusal = oldSize & (oldSize - 1) == 0
            ? EvidenceMerkle.Refusal.NewRootMismatch
            : EvidenceMerkle.Refusal.OldRootMismatch;
        vm.expectRevert(abi.encodeWithSelector(EvidenceEntrypoint.EvidenceConsistencyRefused.selector, refusal));
        entry.anchor(head, proof, events, sig);
        assertEq(entry.batchCount(), batches, "nothing anchored");
    }

    function test_batchMustGrowTheLog() public {
        _setupMarket();
        bytes memory events = _mark(M, 99e6);
        bytes32 root = Ref.root(journal);
        EvidenceEntrypoint.BatchHead memory head = EvidenceEntrypoint.BatchHead(2, 1, root, 1, root);
        bytes memory sig = _sign(EXCHANGE_KEY, entry.hashBatch(head, events));
        vm.expectRevert(abi.encodeWithSelector(EvidenceEntrypoint.EvidenceBatchEmpty.selector, 1, 1));
        entry.anchor(head, new bytes32[](0), events, sig);
    }

    function test_malformedEventsRevertTheBatch() public {
        _setupMarket();
        bytes memory cut = _mark(M, 99e6);
        assembly {
            mstore(cut, 10) // 10 of its 18 bytes
        }
        _anchorReverts(cut, abi.encodeWithSelector(C.EvidenceEventTruncated.selector, 0, 0, 18, 10));
        _anchorReverts(hex"09", abi.encodeWithSelector(C.EvidenceEventKindUnknown.selector, 0, 9));
        _anchorReverts(_mark(7, 1e6), abi.encodeWithSelector(PerpService.PerpMarketNotOpen.selector, 7));
        assertEq(entry.batchCount(), 1, "only the setup batch");
    }
}

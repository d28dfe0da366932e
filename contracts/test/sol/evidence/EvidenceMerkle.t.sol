// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EvidenceMerkle} from "../../../src/evidence/EvidenceMerkle.sol";
import {EvidenceMerkleHarness} from "../../../src/evidence/test/EvidenceMerkleHarness.sol";
import {TestBase} from "../utils/Vm.sol";
import {MerkleReference as Ref} from "./MerkleReference.sol";

/// The Solidity verifier against RFC 9162's recursive definitions: every honest proof of a random
/// tree verifies, and every change (a leaf, a proof hash, the index, a forked history) is refused.
contract EvidenceMerkleTest is TestBase {
    EvidenceMerkleHarness internal h;

    function setUp() public {
        h = new EvidenceMerkleHarness();
    }

    function _ok(EvidenceMerkle.Refusal r) internal pure returns (bool) {
        return r == EvidenceMerkle.Refusal.None;
    }

    function _eq(EvidenceMerkle.Refusal r, EvidenceMerkle.Refusal expected, string memory message) internal pure {
        assertEq(uint256(r), uint256(expected), message);
    }

    function test_emptyRootIsKeccakOfNothing() public pure {
        assertEq(EvidenceMerkle.EMPTY_ROOT, keccak256(""), "EMPTY_ROOT");
    }

    function test_journalRowLeafMatchesItsBytes() public view {
        bytes32 c = keccak256("command");
        bytes32 e = keccak256("events");
        assertEq(h.journalRowLeafHash(7, c, e), h.leafHash(abi.encodePacked(uint64(7), c, e)), "row leaf");
    }

    function test_fuzz_inclusionOfRandomTrees(uint256 seed, uint256 size, uint256 index) public view {
        size = 1 + size % 70;
        index = index % size;
        bytes32[] memory leaves = Ref.randomLeaves(seed, size);
        bytes32 root = Ref.root(leaves);
        bytes32[] memory proof = Ref.inclusionProof(leaves, index);
        assertEq(proof.length, h.inclusionProofLength(index, size), "length");
        assertTrue(_ok(h.verifyInclusion(leaves[index], index, size, root, proof)), "honest proof");
        _eq(h.verifyInclusion(keccak256("other"), index, size, root, proof), EvidenceMerkle.Refusal.RootMismatch, "leaf");
        if (proof.length > 0) {
            proof[seed % proof.length] ^= bytes32(uint256(1));
            _eq(h.verifyInclusion(leaves[index], index, size, root, proof), EvidenceMerkle.Refusal.RootMismatch, "hash");
        }
        if (size > 1) {
            uint256 other = (index + 1) % size;
            bool refused = !_ok(h.verifyInclusion(leaves[index], other, size, root, Ref.inclusionProof(leaves, index)));
            assertTrue(refused, "another index");
        }
    }

    function test_fuzz_consistencyOfRandomTrees(uint256 seed, uint256 newSize, uint256 oldSize) public view {
        newSize = newSize % 70;
        oldSize = newSize == 0 ? 0 : oldSize % (newSize + 1);
        bytes32[] memory leaves = Ref.randomLeaves(seed, newSize);
        bytes32 newRoot = Ref.root(leaves);
        bytes32 oldRoot = Ref.root(Ref.prefix(leaves, oldSize));
        bytes32[] memory proof = Ref.consistencyProof(leaves, oldSize);
        assertEq(proof.length, h.consistencyProofLength(oldSize, newSize), "length");
        assertTrue(_ok(h.verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof)), "honest proof");
        if (oldSize > 0 && oldSize < newSize) {
            // (from the empty tree nothing is proven about the new root)
            assertTrue(!_ok(h.verifyConsistency(oldSize, newSize, oldRoot, keccak256("x"), proof)), "new root");
        }
    }

    /// A history rewritten under the old head — any old leaf changed — is refused whatever proof comes with it.
    function test_fuzz_forkedHistoryRefused(uint256 seed, uint256 newSize, uint256 oldSize, uint256 changed) public view {
        newSize = 2 + newSize % 68;
        oldSize = 1 + oldSize % (newSize - 1);
        changed = changed % oldSize;
        bytes32[] memory leaves = Ref.randomLeaves(seed, newSize);
        bytes32 oldRoot = Ref.root(Ref.prefix(leaves, oldSize));
        leaves[changed] = keccak256(abi.encode("fork", leaves[changed]));
        bytes32 forkedRoot = Ref.root(leaves);
        bytes32[] memory proof = Ref.consistencyProof(leaves, oldSize);
        assertTrue(!_ok(h.verifyConsistency(oldSize, newSize, oldRoot, forkedRoot, proof)), "forked history");
    }

    function test_refusesSizesAndLengthsAsCore() public view {
        bytes32[] memory none = new bytes32[](0);
        bytes32[] memory tooLong = new bytes32[](65);
        bytes32 r = keccak256("r");
        _eq(h.verifyInclusion(r, 0, 2 ** 53, r, none), EvidenceMerkle.Refusal.SizeInvalid, "size above 2^53-1");
        _eq(h.verifyInclusion(r, 3, 3, r, none), EvidenceMerkle.Refusal.IndexOutOfRange, "index = size");
        _eq(h.verifyInclusion(r, 0, 3, r, tooLong), EvidenceMerkle.Refusal.ProofTooLong, "65 hashes");
        _eq(h.verifyInclusion(r, 0, 3, r, none), EvidenceMerkle.Refusal.ProofLengthMismatch, "short");
        _eq(h.verifyInclusion(r, 0, 1, r, none), EvidenceMerkle.Refusal.None, "one leaf is its own root");
        _eq(h.verifyConsistency(3, 2, r, r, none), EvidenceMerkle.Refusal.SizesOutOfOrder, "old above new");
        _eq(h.verifyConsistency(0, 5, r, r, none), EvidenceMerkle.Refusal.OldRootMismatch, "old 0 needs EMPTY_ROOT");
        _eq(h.verifyConsistency(0, 0, EvidenceMerkle.EMPTY_ROOT, r, none), EvidenceMerkle.Refusal.NewRootMismatch, "0,0");
        _eq(h.verifyConsistency(4, 4, r, keccak256("s"), none), EvidenceMerkle.Refusal.NewRootMismatch, "equal sizes");
        _eq(h.verifyConsistency(2, 5, r, r, tooLong), EvidenceMerkle.Refusal.ProofTooLong, "65 hashes");
        _eq(h.verifyConsistency(2, 5, r, r, none), EvidenceMerkle.Refusal.ProofLengthMismatch, "empty path");
    }

    /// Leaf 0's proof in a 3-leaf tree has the 4-leaf shape: the size is bound only through the root.
    function test_sizeIsBoundOnlyThroughTheRoot() public view {
        bytes32[] memory leaves = Ref.randomLeaves(1, 3);
        bytes32[] memory proof = Ref.inclusionProof(leaves, 0);
        assertTrue(_ok(h.verifyInclusion(leaves[0], 0, 4, Ref.root(leaves), proof)), "3-leaf root passes as size 4");
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EvidenceBits} from "./EvidenceBits.sol";

/// RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) proof verification over keccak256,
/// mirroring core/evidence/verify.ts step by step and refusal by refusal: sizes are checked
/// first (whole numbers up to 2^53 − 1, core's MAX_TREE_SIZE), then the proof's length (at most
/// 64 hashes, then exactly the length the sizes determine), and only then is anything hashed.
/// Leaf hash keccak256(0x00 ‖ entry), node hash keccak256(0x01 ‖ left ‖ right), and the empty
/// tree's root keccak256(""). Verifiers answer a Refusal (None = verified) so one code path
/// serves a view (a bool) and the anchoring entrypoint (a revert naming the refusal).
library EvidenceMerkle {
    /// Mirrors core/evidence's EVIDENCE_ERRORS (the malformed-input ones cannot occur in ABI-decoded calldata).
    enum Refusal {
        None,
        SizeInvalid,
        IndexOutOfRange,
        SizesOutOfOrder,
        ProofTooLong,
        ProofLengthMismatch,
        RootMismatch,
        OldRootMismatch,
        NewRootMismatch
    }

    /// core/evidence's MAX_TREE_SIZE (Number.MAX_SAFE_INTEGER).
    uint256 internal constant MAX_TREE_SIZE = 2 ** 53 - 1;
    /// core/evidence's MAX_PROOF_HASHES: anything longer is refused before it is read.
    uint256 internal constant MAX_PROOF_HASHES = 64;
    /// keccak256(""): RFC 9162's MTH({}) = HASH().
    bytes32 internal constant EMPTY_ROOT = 0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470;

    /// keccak256(0x00 ‖ entry).
    function leafHash(bytes memory entry) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x00), entry));
    }

    /// The leaf hash of a journal row: keccak256(0x00 ‖ uint64_be(seq) ‖ keccak256(command) ‖ keccak256(events)).
    function journalRowLeafHash(uint64 seq, bytes32 commandHash, bytes32 eventsHash) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x00), seq, commandHash, eventsHash));
    }

    /// keccak256(0x01 ‖ left ‖ right), in scratch memory past the free pointer (nothing allocated).
    function nodeHash(bytes32 left, bytes32 right) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, 1) // the prefix byte lands at p + 31
            mstore(add(p, 0x20), left)
            mstore(add(p, 0x40), right)
            h := keccak256(add(p, 31), 65)
        }
    }

    /// Length of the inclusion proof of leaf `index` in a tree of `size` (index < size).
    function inclusionProofLength(uint256 index, uint256 size) internal pure returns (uint256) {
        uint256 inner = _bitLength(index ^ (size - 1));
        return inner + _popCount(index >> inner);
    }

    /// Length of the consistency proof from `oldSize` to `newSize` (0 when there is nothing to prove).
    function consistencyProofLength(uint256 oldSize, uint256 newSize) internal pure returns (uint256) {
        if (oldSize == 0 || oldSize >= newSize) return 0;
        uint256 zeros = _trailingZeros(oldSize);
        uint256 inner = _bitLength((oldSize - 1) ^ (newSize - 1)) - zeros;
        uint256 border = _popCount((oldSize - 1) >> (inner + zeros));
        return (_isPowerOfTwo(oldSize) ? 0 : 1) + inner + border;
    }

    /// The root an inclusion proof leads to (meaningful only when the refusal is None).
    function rootFromInclusionProof(bytes32 leaf, uint256 index, uint256 size, bytes32[] calldata proof)
        internal
        pure
        returns (bytes32 r, Refusal refusal)
    {
        if (index > MAX_TREE_SIZE || size > MAX_TREE_SIZE) return (0, Refusal.SizeInvalid);
        if (index >= size) return (0, Refusal.IndexOutOfRange);
        uint256 length = proof.length;
        if (length > MAX_PROOF_HASHES) return (0, Refusal.ProofTooLong);
        if (length != inclusionProofLength(index, size)) return (0, Refusal.ProofLengthMismatch);
        uint256 fn = index;
        uint256 sn = size - 1;
        r = leaf;
        for (uint256 i; i < length; ++i) {
            // sn never reaches 0 early here: the length matched the sizes (kept as the RFC's step 4a)
            if (sn == 0) return (0, Refusal.ProofLengthMismatch);
            bytes32 p = proof[i];
            if (fn & 1 == 1 || fn == sn) {
                r = nodeHash(p, r);
                while (fn & 1 == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) return (0, Refusal.ProofLengthMismatch);
    }

    /// Whether `proof` puts `leaf` at `index` of the tree of `size` leaves whose root is `root`.
    function verifyInclusion(bytes32 leaf, uint256 index, uint256 size, bytes32 root, bytes32[] calldata proof)
        internal
        pure
        returns (Refusal)
    {
        (bytes32 computed, Refusal refusal) = rootFromInclusionProof(leaf, index, size, proof);
        if (refusal != Refusal.None) return refusal;
        return computed == root ? Refusal.None : Refusal.RootMismatch;
    }

    /// Whether the tree (newSize, newRoot) extends (oldSize, oldRoot). Beyond the RFC, with an
    /// empty proof: equal sizes need equal roots; oldSize 0 needs oldRoot = EMPTY_ROOT (and
    /// newRoot = EMPTY_ROOT when newSize is 0 too), and proves nothing about the new root.
    function verifyConsistency(
        uint256 oldSize,
        uint256 newSize,
        bytes32 oldRoot,
        bytes32 newRoot,
        bytes32[] calldata proof
    ) internal pure returns (Refusal) {
        if (oldSize > MAX_TREE_SIZE || newSize > MAX_TREE_SIZE) return Refusal.SizeInvalid;
        if (oldSize > newSize) return Refusal.SizesOutOfOrder;
        uint256 length = proof.length;
        if (length > MAX_PROOF_HASHES) return Refusal.ProofTooLong;
        if (length != consistencyProofLength(oldSize, newSize)) return Refusal.ProofLengthMismatch;
        if (oldSize == 0) {
            if (oldRoot != EMPTY_ROOT) return Refusal.OldRootMismatch;
            if (newSize == 0 && newRoot != EMPTY_ROOT) return Refusal.NewRootMismatch;
            return Refusal.None;
        }
        if (oldSize == newSize) return oldRoot == newRoot ? Refusal.None : Refusal.NewRootMismatch;
        // a power-of-two old tree is a full subtree of the new one: its root starts the path
        bool startsWithOldRoot = _isPowerOfTwo(oldSize);
        uint256 fn = oldSize - 1;
        uint256 sn = newSize - 1;
        while (fn & 1 == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        bytes32 fr = startsWithOldRoot ? oldRoot : proof[0];
        bytes32 sr = fr;
        for (uint256 i = startsWithOldRoot ? 0 : 1; i < length; ++i) {
            if (sn == 0) return Refusal.ProofLengthMismatch;
            bytes32 c = proof[i];
            if (fn & 1 == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                while (fn & 1 == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) return Refusal.ProofLengthMismatch;
        if (fr != oldRoot) return Refusal.OldRootMismatch;
        if (sr != newRoot) return Refusal.NewRootMismatch;
        return Refusal.None;
    }

    // ── bits (sizes ≤ 2^53, so a popCount or trailingZeros loop runs at most 54 times) ───

    function _bitLength(uint256 x) private pure returns (uint256) {
        return EvidenceBits.bitLength(x);
    }

    function _popCount(uint256 x) private pure returns (uint256 n) {
        while (x != 0) {
            x &= x - 1; // x != 0, so x - 1 does not underflow
            // unchecked: at most 256 set bits
            unchecked {
                ++n;
            }
        }
    }

    /// Trailing zero bits of `x` (0 for 0).
    function _trailingZeros(uint256 x) private pure returns (uint256) {
        return EvidenceBits.lowestBit(x);
    }

    function _isPowerOfTwo(uint256 x) private pure returns (bool) {
        return x != 0 && x & (x - 1) == 0;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EvidenceMerkle} from "../../../src/evidence/EvidenceMerkle.sol";

/// RFC 9162 §2.1 as written — MTH, PATH and SUBPROOF by recursion over leaf hashes — so the
/// tests check the iterative verifier against the definitions, not against itself.
library MerkleReference {
    function _split(uint256 n) private pure returns (uint256 k) {
        k = 1;
        while (k << 1 < n) k <<= 1;
    }

    function _slice(bytes32[] memory leaves, uint256 from, uint256 to) private pure returns (bytes32[] memory out) {
        out = new bytes32[](to - from);
        for (uint256 i = from; i < to; ++i) out[i - from] = leaves[i];
    }

    function _append(bytes32[] memory path, bytes32 h) private pure returns (bytes32[] memory out) {
        out = new bytes32[](path.length + 1);
        for (uint256 i; i < path.length; ++i) out[i] = path[i];
        out[path.length] = h;
    }

    /// MTH over leaf hashes.
    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        uint256 n = leaves.length;
        if (n == 0) return EvidenceMerkle.EMPTY_ROOT;
        if (n == 1) return leaves[0];
        uint256 k = _split(n);
        return EvidenceMerkle.nodeHash(root(_slice(leaves, 0, k)), root(_slice(leaves, k, n)));
    }

    /// PATH(m, D[n]).
    function inclusionProof(bytes32[] memory leaves, uint256 m) internal pure returns (bytes32[] memory) {
        uint256 n = leaves.length;
        if (n == 1) return new bytes32[](0);
        uint256 k = _split(n);
        if (m < k) return _append(inclusionProof(_slice(leaves, 0, k), m), root(_slice(leaves, k, n)));
        return _append(inclusionProof(_slice(leaves, k, n), m - k), root(_slice(leaves, 0, k)));
    }

    /// PROOF(m, D[n]) = SUBPROOF(m, D[n], true).
    function consistencyProof(bytes32[] memory leaves, uint256 m) internal pure returns (bytes32[] memory) {
        if (m == 0 || m == leaves.length) return new bytes32[](0);
        return _subproof(leaves, m, true);
    }

    function _subproof(bytes32[] memory leaves, uint256 m, bool complete) private pure returns (bytes32[] memory) {
        uint256 n = leaves.length;
        if (m == n) {
            if (complete) return new bytes32[](0);
            bytes32[] memory single = new bytes32[](1);
            single[0] = root(leaves);
            return single;
        }
        uint256 k = _split(n);
        if (m <= k) return _append(_subproof(_slice(leaves, 0, k), m, complete), root(_slice(leaves, k, n)));
        return _append(_subproof(_slice(leaves, k, n), m - k, false), root(_slice(leaves, 0, k)));
    }

    /// `n` pseudo-random leaf hashes from `seed`.
    function randomLeaves(uint256 seed, uint256 n) internal pure returns (bytes32[] memory out) {
        out = new bytes32[](n);
        for (uint256 i; i < n; ++i) out[i] = EvidenceMerkle.leafHash(abi.encodePacked(uint64(i + 1), seed));
    }

    function prefix(bytes32[] memory all, uint256 n) internal pure returns (bytes32[] memory) {
        return _slice(all, 0, n);
    }
}

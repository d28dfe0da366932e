// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EvidenceMerkle} from "../EvidenceMerkle.sol";

/// EvidenceMerkle behind external functions, for the parity tests against core/evidence (any
/// size and root, not only anchored ones) and the gas bench.
contract EvidenceMerkleHarness {
    function verifyInclusion(bytes32 leaf, uint256 index, uint256 size, bytes32 root, bytes32[] calldata proof)
        external
        pure
        returns (EvidenceMerkle.Refusal)
    {
        return EvidenceMerkle.verifyInclusion(leaf, index, size, root, proof);
    }

    function verifyConsistency(
        uint256 oldSize,
        uint256 newSize,
        bytes32 oldRoot,
        bytes32 newRoot,
        bytes32[] calldata proof
    ) external pure returns (EvidenceMerkle.Refusal) {
        return EvidenceMerkle.verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof);
    }

    function inclusionProofLength(uint256 index, uint256 size) external pure returns (uint256) {
        return EvidenceMerkle.inclusionProofLength(index, size);
    }

    function consistencyProofLength(uint256 oldSize, uint256 newSize) external pure returns (uint256) {
        return EvidenceMerkle.consistencyProofLength(oldSize, newSize);
    }

    function leafHash(bytes calldata entry) external pure returns (bytes32) {
        return EvidenceMerkle.leafHash(entry);
    }

    function journalRowLeafHash(uint64 seq, bytes32 commandHash, bytes32 eventsHash) external pure returns (bytes32) {
        return EvidenceMerkle.journalRowLeafHash(seq, commandHash, eventsHash);
    }

    /// Sent as a transaction by the gas bench (a call has no receipt); reverts unless verified.
    function measureInclusion(bytes32 leaf, uint256 index, uint256 size, bytes32 root, bytes32[] calldata proof)
        external
        pure
    {
        require(EvidenceMerkle.verifyInclusion(leaf, index, size, root, proof) == EvidenceMerkle.Refusal.None);
    }
}

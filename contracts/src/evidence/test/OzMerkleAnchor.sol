// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Signatures} from "../../libraries/Signatures.sol";

/// The gas bench's peer: the anchor one would build on OpenZeppelin's MerkleProof — the same
/// EIP-712 batch signature and strict sequence, one root per batch, but no consistency proof
/// (sorted-pair trees have none: history could be rewritten unnoticed) and no event routing.
/// Inclusion by MerkleProof.verifyCalldata proves membership, not position. Not deployed.
contract OzMerkleAnchor is EIP712 {
    bytes32 public constant BATCH_TYPEHASH = keccak256("Batch(uint64 batchId,bytes32 root,bytes events)");

    address public immutable exchange;
    uint64 public batchCount;
    mapping(uint256 batchId => bytes32) public roots;

    error OzAnchorOutOfSequence(uint64 expected, uint64 batchId);
    error OzAnchorNotIncluded(bytes32 leaf);

    event OzBatchAnchored(uint64 indexed batchId, bytes32 root);

    constructor(address exchange_) EIP712("Clearline OZ Anchor", "1") {
        exchange = exchange_;
    }

    function anchor(uint64 batchId, bytes32 root, bytes calldata events, bytes calldata signature) external {
        // unchecked: batchCount grows by one per batch, never near 2^64
        unchecked {
            if (batchId != batchCount + 1) revert OzAnchorOutOfSequence(batchCount + 1, batchId);
        }
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(BATCH_TYPEHASH, batchId, root, keccak256(events))));
        Signatures.verify(exchange, digest, signature);
        batchCount = batchId;
        roots[batchId] = root;
        emit OzBatchAnchored(batchId, root);
    }

    function hashBatch(uint64 batchId, bytes32 root, bytes calldata events) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(BATCH_TYPEHASH, batchId, root, keccak256(events))));
    }

    /// A transaction, so its gas can be measured next to EvidenceMerkleHarness.measureInclusion.
    function measureInclusion(uint64 batchId, bytes32 leaf, bytes32[] calldata proof) external view {
        if (!MerkleProof.verifyCalldata(proof, roots[batchId], leaf)) revert OzAnchorNotIncluded(leaf);
    }
}

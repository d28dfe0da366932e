// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {Signatures} from "../libraries/Signatures.sol";
import {MultipartyHashing} from "./MultipartyHashing.sol";
import {Checkpoint, ForkWitness, Op} from "./MultipartyTypes.sol";

/// Checks the two kinds of slashable evidence: an author's fork (two different ops committed
/// to at one seq, as core/multiparty's Equivocation exports it) and one participant's
/// signatures on two different checkpoints of one version. Every signature is checked against
/// the EIP-712 digest under the contract's domain.
library MultipartyEvidence {
    error MultipartyWitnessChannelMismatch(bytes32 channelId, bytes32 witnessChannelId);
    error MultipartyWitnessAuthorMismatch(address author, address witnessAuthor);
    error MultipartyWitnessSeqMismatch(uint64 expectedSeq, uint64 seq);
    error MultipartyWitnessLinkBroken(uint256 index, bytes32 expectedPrev, bytes32 prev);
    error MultipartyWitnessTopMismatch(bytes32 signedHash, bytes32 linkedHash);
    error MultipartyNotAFork(address author, uint64 seq, bytes32 hash);
    error MultipartyCheckpointVersionsDiffer(uint64 first, uint64 second);
    error MultipartyCheckpointsIdentical(bytes32 structHash);

    /// Reverts unless `first` and `second` each commit `author`, by its own signature, to a
    /// different op at `seq` of its chain in channel `channelId`.
    function requireFork(
        bytes32 domainSeparator,
        bytes32 channelId,
        address author,
        uint64 seq,
        ForkWitness calldata first,
        ForkWitness calldata second
    ) internal view {
        if (first.hash == second.hash) revert MultipartyNotAFork(author, seq, first.hash);
        requireCommitment(domainSeparator, channelId, author, seq, first);
        requireCommitment(domainSeparator, channelId, author, seq, second);
    }

    /// Reverts unless `w`'s signed item is `author`'s and links down by prev to `w.hash` at `seq`
    /// (core/multiparty witnessLinks, plus the signature, the channel, the author and each seq).
    function requireCommitment(
        bytes32 domainSeparator,
        bytes32 channelId,
        address author,
        uint64 seq,
        ForkWitness calldata w
    ) internal view {
        bytes32 structHash;
        bytes32 top;
        uint64 topSeq;
        if (w.byHead) {
            _requireAuthor(channelId, author, w.head.channelId, w.head.author);
            structHash = MultipartyHashing.hashHead(w.head);
            top = w.head.head;
            topSeq = w.head.seq;
        } else {
            _requireAuthor(channelId, author, w.op.channelId, w.op.author);
            structHash = MultipartyHashing.hashOp(w.op);
            top = structHash;
            topSeq = w.op.seq;
        }
        Signatures.verify(author, MessageHashUtils.toTypedDataHash(domainSeparator, structHash), w.signature);
        Op[] calldata path = w.path;
        // the signed item sits path.length above the fork seq (checked: no wrap past 2^64)
        uint64 expectedTop = seq + uint64(path.length);
        if (topSeq != expectedTop) revert MultipartyWitnessSeqMismatch(expectedTop, topSeq);
        bytes32 below = w.hash;
        for (uint256 i = 0; i < path.length; ++i) {
            Op calldata link = path[i];
            _requireAuthor(channelId, author, link.channelId, link.author);
            uint64 linkSeq = seq + uint64(i + 1);
            if (link.seq != linkSeq) revert MultipartyWitnessSeqMismatch(linkSeq, link.seq);
            if (link.prev != below) revert MultipartyWitnessLinkBroken(i, below, link.prev);
            below = MultipartyHashing.hashOp(link);
        }
        if (below != top) revert MultipartyWitnessTopMismatch(top, below);
    }

    /// Reverts unless `signer` signed two different checkpoints of one version of `channelId`.
    function requireDoubleCheckpoint(
        bytes32 domainSeparator,
        bytes32 channelId,
        address signer,
        Checkpoint calldata first,
        bytes calldata firstSignature,
        Checkpoint calldata second,
        bytes calldata secondSignature
    ) internal view {
        if (first.channelId != channelId) revert MultipartyWitnessChannelMismatch(channelId, first.channelId);
        if (second.channelId != channelId) revert MultipartyWitnessChannelMismatch(channelId, second.channelId);
        if (first.version != second.version) revert MultipartyCheckpointVersionsDiffer(first.version, second.version);
        bytes32 firstHash = MultipartyHashing.hashCheckpoint(first);
        bytes32 secondHash = MultipartyHashing.hashCheckpoint(second);
        if (firstHash == secondHash) revert MultipartyCheckpointsIdentical(firstHash);
        Signatures.verify(signer, MessageHashUtils.toTypedDataHash(domainSeparator, firstHash), firstSignature);
        Signatures.verify(signer, MessageHashUtils.toTypedDataHash(domainSeparator, secondHash), secondSignature);
    }

    function _requireAuthor(bytes32 channelId, address author, bytes32 witnessChannelId, address witnessAuthor)
        private
        pure
    {
        if (witnessChannelId != channelId) revert MultipartyWitnessChannelMismatch(channelId, witnessChannelId);
        if (witnessAuthor != author) revert MultipartyWitnessAuthorMismatch(author, witnessAuthor);
    }
}

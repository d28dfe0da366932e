// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LegTerms} from "../types/Broker.sol";

/// Hash-time-locked settlement legs for assets on another chain (seed 002; Decred atomicswap,
/// 1inch cross-chain-swap). The initiator knows a 32-byte preimage and locks its leg first with
/// hashLock = sha256(preimage); the responder locks its leg on the other chain under the same
/// hash with an expiry at least `margin` earlier. The initiator claims the responder's leg,
/// revealing the preimage on that chain; the responder then has at least `margin` to claim
/// the initiator's leg with it. Claims are strictly before the expiry and refunds at or after
/// it, so at no instant are both possible. A hash lock is used at most once per contract.
///
///   None ──lock──▶ Locked ──claim (preimage, now < expiresAt)──▶ Claimed
///                    └─────refund (now >= expiresAt)───────────▶ Refunded
library HashTimeLocks {
    enum Status {
        None,
        Locked,
        Claimed,
        Refunded
    }

    struct Leg {
        address sender; // 20 bytes
        uint64 expiresAt; // 8 bytes
        Status status; // 1 byte
        address receiver;
        address token;
        uint256 amount;
    }

    error HtlHashLockUsed(bytes32 hashLock, Status status);
    error HtlLegInvalid(bytes32 hashLock, address receiver, uint256 amount);
    error HtlExpiryTooSoon(bytes32 hashLock, uint64 expiresAt, uint256 earliest);
    error HtlResponderMarginTooSmall(bytes32 hashLock, uint64 expiresAt, uint64 initiatorExpiresAt, uint256 margin);
    error HtlNotLocked(bytes32 hashLock, Status status);
    error HtlExpired(bytes32 hashLock, uint64 expiresAt, uint256 timestamp);
    error HtlNotExpired(bytes32 hashLock, uint64 expiresAt, uint256 timestamp);
    error HtlPreimageMismatch(bytes32 hashLock, bytes32 preimageHash);

    /// Records `sender`'s leg. The initiator's leg (initiatorExpiresAt = 0) must leave at least
    /// 2 × margin: room for the responder's leg, which itself leaves the initiator `margin` to claim.
    function lock(mapping(bytes32 => Leg) storage legs, address sender, LegTerms calldata terms, uint256 margin)
        internal
    {
        bytes32 hashLock = terms.hashLock;
        Leg storage leg = legs[hashLock];
        Status status = leg.status;
        if (status != Status.None) revert HtlHashLockUsed(hashLock, status);
        if (terms.receiver == address(0) || terms.receiver == sender || terms.amount == 0) {
            revert HtlLegInvalid(hashLock, terms.receiver, terms.amount);
        }
        uint64 expiresAt = terms.expiresAt;
        uint64 initiatorExpiresAt = terms.initiatorExpiresAt;
        uint256 earliest = block.timestamp + (initiatorExpiresAt == 0 ? 2 * margin : margin);
        if (expiresAt < earliest) revert HtlExpiryTooSoon(hashLock, expiresAt, earliest);
        if (initiatorExpiresAt != 0 && uint256(expiresAt) + margin > initiatorExpiresAt) {
            revert HtlResponderMarginTooSmall(hashLock, expiresAt, initiatorExpiresAt, margin);
        }
        leg.sender = sender;
        leg.expiresAt = expiresAt;
        leg.status = Status.Locked;
        leg.receiver = terms.receiver;
        leg.token = terms.token;
        leg.amount = terms.amount;
    }

    /// Settles a leg to its receiver with the preimage, strictly before its expiry.
    function claim(mapping(bytes32 => Leg) storage legs, bytes32 hashLock, bytes32 preimage)
        internal
        returns (Leg memory leg)
    {
        Leg storage stored = _locked(legs, hashLock);
        uint64 expiresAt = stored.expiresAt;
        if (block.timestamp >= expiresAt) revert HtlExpired(hashLock, expiresAt, block.timestamp);
        bytes32 preimageHash = sha256(abi.encodePacked(preimage));
        if (preimageHash != hashLock) revert HtlPreimageMismatch(hashLock, preimageHash);
        stored.status = Status.Claimed;
        leg = stored;
    }

    /// Returns a leg to its sender, at or after its expiry.
    function refund(mapping(bytes32 => Leg) storage legs, bytes32 hashLock) internal returns (Leg memory leg) {
        Leg storage stored = _locked(legs, hashLock);
        uint64 expiresAt = stored.expiresAt;
        if (block.timestamp < expiresAt) revert HtlNotExpired(hashLock, expiresAt, block.timestamp);
        stored.status = Status.Refunded;
        leg = stored;
    }

    function _locked(mapping(bytes32 => Leg) storage legs, bytes32 hashLock) private view returns (Leg storage leg) {
        leg = legs[hashLock];
        Status status = leg.status;
        if (status != Status.Locked) revert HtlNotLocked(hashLock, status);
    }
}

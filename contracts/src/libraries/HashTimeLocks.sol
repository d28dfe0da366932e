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
///
/// Only a commitment to the leg is stored — one slot instead of four, as 1inch's escrows keep
/// the hash of their immutables — and claim and refund are handed the leg again (every field
/// is in the LegLocked event).
library HashTimeLocks {
    enum Status {
        None,
        Locked,
        Claimed,
        Refunded
    }

    /// A locked leg as claim and refund take it back.
    struct Leg {
        address sender;
        address receiver;
        address token;
        uint256 amount;
        uint64 expiresAt;
    }

    /// The slot of a finished leg: values no keccak256 of a leg will ever take in practice.
    bytes32 internal constant CLAIMED = bytes32(uint256(1));
    bytes32 internal constant REFUNDED = bytes32(uint256(2));

    error HtlHashLockUsed(bytes32 hashLock, Status status);
    error HtlLegInvalid(bytes32 hashLock, address receiver, uint256 amount);
    error HtlExpiryTooSoon(bytes32 hashLock, uint64 expiresAt, uint256 earliest);
    error HtlResponderMarginTooSmall(bytes32 hashLock, uint64 expiresAt, uint64 initiatorExpiresAt, uint256 margin);
    error HtlNotLocked(bytes32 hashLock, Status status);
    error HtlLegMismatch(bytes32 hashLock, bytes32 lockedLegHash, bytes32 legHash);
    error HtlExpired(bytes32 hashLock, uint64 expiresAt, uint256 timestamp);
    error HtlNotExpired(bytes32 hashLock, uint64 expiresAt, uint256 timestamp);
    error HtlPreimageMismatch(bytes32 hashLock, bytes32 preimageHash);

    /// Records `sender`'s leg and returns it. The initiator's leg (initiatorExpiresAt = 0) must
    /// leave at least 2 × margin: room for the responder's leg, which itself leaves `margin`.
    function lock(mapping(bytes32 => bytes32) storage legs, address sender, LegTerms calldata terms, uint256 margin)
        internal
        returns (Leg memory leg)
    {
        bytes32 hashLock = terms.hashLock;
        Status status = statusOf(legs[hashLock]);
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
        leg = Leg(sender, terms.receiver, terms.token, terms.amount, expiresAt);
        legs[hashLock] = hashLeg(leg);
    }

    /// Settles a leg to its receiver with the preimage, strictly before its expiry.
    function claim(mapping(bytes32 => bytes32) storage legs, bytes32 hashLock, Leg calldata leg, bytes32 preimage)
        internal
    {
        _requireLocked(legs, hashLock, leg);
        if (block.timestamp >= leg.expiresAt) revert HtlExpired(hashLock, leg.expiresAt, block.timestamp);
        bytes32 preimageHash = sha256(abi.encodePacked(preimage));
        if (preimageHash != hashLock) revert HtlPreimageMismatch(hashLock, preimageHash);
        legs[hashLock] = CLAIMED;
    }

    /// Returns a leg to its sender, at or after its expiry.
    function refund(mapping(bytes32 => bytes32) storage legs, bytes32 hashLock, Leg calldata leg) internal {
        _requireLocked(legs, hashLock, leg);
        if (block.timestamp < leg.expiresAt) revert HtlNotExpired(hashLock, leg.expiresAt, block.timestamp);
        legs[hashLock] = REFUNDED;
    }

    function hashLeg(Leg memory leg) internal pure returns (bytes32) {
        return keccak256(abi.encode(leg.sender, leg.receiver, leg.token, leg.amount, leg.expiresAt));
    }

    function statusOf(bytes32 slot) internal pure returns (Status) {
        if (slot == 0) return Status.None;
        if (slot == CLAIMED) return Status.Claimed;
        if (slot == REFUNDED) return Status.Refunded;
        return Status.Locked;
    }

    function _requireLocked(mapping(bytes32 => bytes32) storage legs, bytes32 hashLock, Leg calldata leg)
        private
        view
    {
        bytes32 slot = legs[hashLock];
        Status status = statusOf(slot);
        if (status != Status.Locked) revert HtlNotLocked(hashLock, status);
        bytes32 legHash = hashLeg(leg);
        if (legHash != slot) revert HtlLegMismatch(hashLock, slot, legHash);
    }
}

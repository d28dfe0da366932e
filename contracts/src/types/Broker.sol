// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// The clearing service's consent that `broker` locks `amount` of `token` from its own custody
/// account as collateral of one channel with `counterparty` (EIP-712 type `CollateralLock`,
/// signed by the clearing key under the broker network's domain). Single use, expiring.
struct CollateralLock {
    bytes32 lockId;
    address broker;
    address counterparty;
    address token;
    uint256 amount;
    uint64 expiresAt;
}

/// A lock with the clearing key's signature over it.
struct SignedLock {
    CollateralLock lock;
    bytes signature;
}

/// Both brokers' signatures over one B2B state (or settlement): `a` is the channel's first
/// broker (its `traderAmount` side of every allocation), `b` the second (`exchangeAmount`).
struct BrokerSignatures {
    bytes a;
    bytes b;
}

/// One delivery of a same-chain settlement: `amount` of `token` moves from one broker's custody
/// account to the other's (EIP-712 type `Leg`).
struct SettlementLeg {
    address token;
    address from;
    address to;
    uint256 amount;
}

/// One hash-time-locked leg of a cross-chain settlement, as its sender locks it.
/// `initiatorExpiresAt` is 0 for the initiator's leg; for the responder's leg it is the
/// initiator's expiry on the other chain, which the responder's must precede by the margin.
struct LegTerms {
    bytes32 hashLock; // sha256 of a 32-byte preimage
    bytes32 channelId; // the B2B channel being settled (for the record; may live on another chain)
    address receiver;
    address token;
    uint256 amount;
    uint64 expiresAt;
    uint64 initiatorExpiresAt;
}

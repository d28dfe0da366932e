// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICustody} from "./interfaces/ICustody.sol";
import {IBrokerLegs} from "./interfaces/IBrokerLegs.sol";
import {IBrokerNetwork} from "./interfaces/IBrokerNetwork.sol";
import {LegTerms} from "./types/Broker.sol";
import {HashTimeLocks} from "./libraries/HashTimeLocks.sol";

/// The custody contract's second broker module: hash-time-locked settlement legs (seed 002),
/// for a settlement whose assets are on different chains — each chain's leg locked here under
/// one sha256 hash. Its own contract because BrokerNetwork with it would exceed 24,576 bytes
/// (docs/adr/0007-broker-network-modules.md), and because it shares no state with channels:
/// only "is the sender a registered broker". Rules and timing: HashTimeLocks.
contract BrokerLegs is IBrokerLegs {
    using HashTimeLocks for mapping(bytes32 => bytes32);

    ICustody public immutable custody;
    IBrokerNetwork public immutable brokerNetwork;
    /// Seconds a responder's leg must expire before the initiator's: the responder's time to
    /// claim on the initiator's chain once the preimage is public.
    uint256 public immutable margin;

    /// hashLock → the locked leg's hash, or HashTimeLocks.CLAIMED / REFUNDED once finished.
    mapping(bytes32 hashLock => bytes32) private _legs;

    constructor(address custody_, address brokerNetwork_, uint256 margin_) {
        if (custody_ == address(0) || ICustody(custody_).brokerLegs() != address(this)) {
            revert LegsConfigInvalid("custody");
        }
        if (brokerNetwork_ == address(0) || ICustody(custody_).brokerNetwork() != brokerNetwork_) {
            revert LegsConfigInvalid("brokerNetwork");
        }
        if (margin_ == 0 || margin_ > 30 days) revert LegsConfigInvalid("margin");
        custody = ICustody(custody_);
        brokerNetwork = IBrokerNetwork(brokerNetwork_);
        margin = margin_;
    }

    /// Locks the caller's leg — a registered broker's own custody funds — under `terms.hashLock`.
    function lockLeg(LegTerms calldata terms) external {
        if (!brokerNetwork.isBroker(msg.sender)) revert LegsSenderNotBroker(msg.sender);
        _legs.lock(msg.sender, terms, margin);
        custody.brokerHold(msg.sender, terms.token, terms.amount);
        emit LegLocked(
            terms.hashLock, terms.channelId, msg.sender, terms.receiver, terms.token, terms.amount, terms.expiresAt
        );
    }

    /// Anyone holding the preimage may claim, strictly before expiry; the receiver's custody
    /// account is credited. The event publishes the preimage for the leg on the other chain.
    function claimLeg(bytes32 hashLock, HashTimeLocks.Leg calldata leg, bytes32 preimage) external {
        _legs.claim(hashLock, leg, preimage);
        custody.brokerRelease(leg.receiver, leg.token, leg.amount);
        emit LegClaimed(hashLock, preimage, leg.receiver);
    }

    /// Anyone may return an expired leg to its sender's custody account, at or after expiry.
    function refundLeg(bytes32 hashLock, HashTimeLocks.Leg calldata leg) external {
        _legs.refund(hashLock, leg);
        custody.brokerRelease(leg.sender, leg.token, leg.amount);
        emit LegRefunded(hashLock, leg.sender);
    }

    function legStatus(bytes32 hashLock) external view returns (HashTimeLocks.Status) {
        return HashTimeLocks.statusOf(_legs[hashLock]);
    }
}

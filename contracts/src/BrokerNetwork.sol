// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ChannelState} from "./types/ChannelState.sol";
import {CollateralLock, SettlementLeg} from "./types/Broker.sol";
import {BrokerStake} from "./libraries/BrokerStake.sol";
import {Channel} from "./libraries/Channel.sol";
import {CollateralLocks} from "./libraries/CollateralLocks.sol";
import {Settlements} from "./libraries/Settlements.sol";
import {StateHash} from "./libraries/StateHash.sol";
import {BrokerNetworkBase} from "./broker/BrokerNetworkBase.sol";
import {BrokerSettlement} from "./broker/BrokerSettlement.sol";

/// Clearline's broker network, a module the custody contract trusts (its own contract because
/// Custody is near the 24,576-byte limit: docs/adr/0007-broker-network-modules.md). It holds no
/// tokens: stake and B2B collateral stay in the custody contract, which this module tells what
/// to hold and release. The lifecycle reads top-down in its parts: BrokerRegistry →
/// BrokerChannels → BrokerSettlement; this file adds the views. Cross-chain legs: BrokerLegs.
///
/// Deployment: the custody contract is constructed with this module's (precomputed) address,
/// and this constructor checks the custody names it.
contract BrokerNetwork is BrokerSettlement {
    using BrokerStake for BrokerStake.Broker;

    constructor(Config memory config) BrokerNetworkBase(config) {}

    function broker(address account) external view returns (BrokerView memory) {
        BrokerStake.Broker storage b = _brokers[account];
        return BrokerView(
            b.registered, b.signer, b.url, b.stake, b.unlockAt, b.openChannels, b.quota(stakePerChannel)
        );
    }

    function quotaOf(address account) external view returns (uint256) {
        return _brokers[account].quota(stakePerChannel);
    }

    function channel(bytes32 channelId) external view returns (BrokerChannelView memory) {
        Channel.Data storage ch = _channels[channelId];
        return BrokerChannelView(
            ch.trader,
            _brokerB[channelId],
            ch.version,
            ch.challengeDeadline,
            ch.status,
            ch.fundingHash,
            ch.challengeStateHash
        );
    }

    function isBroker(address account) external view returns (bool) {
        return _brokers[account].registered;
    }

    function lastSlashAt() external view returns (uint40) {
        return _slashGuard.lastSlashAt;
    }

    /// The digest both brokers sign for a B2B state (this contract's domain, not the custody's).
    function hashState(ChannelState calldata state) external view returns (bytes32 digest) {
        (bytes32 stateHash,) = StateHash.hash(state);
        return _hashTypedDataV4(stateHash);
    }

    function hashChallenge(bytes32 channelId, uint48 version, bytes32 stateHash) external view returns (bytes32) {
        return _hashTypedDataV4(StateHash.challengeHash(channelId, version, stateHash));
    }

    /// The digest the clearing key signs for a collateral lock.
    function hashCollateralLock(CollateralLock calldata lock) external view returns (bytes32 digest) {
        return _hashTypedDataV4(CollateralLocks.structHash(lock));
    }

    /// The digest both brokers sign for a same-chain settlement to `state`.
    function hashSettlement(ChannelState calldata state, SettlementLeg[] calldata legs)
        external
        view
        returns (bytes32 digest)
    {
        (bytes32 stateHash,) = StateHash.hash(state);
        Channel.Data storage ch = _channels[state.channelId];
        return _hashTypedDataV4(
            Settlements.hash(state.channelId, state.version, stateHash, legs, ch.trader, _brokerB[state.channelId])
        );
    }

    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }
}

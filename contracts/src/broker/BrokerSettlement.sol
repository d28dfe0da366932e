// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ChannelState} from "../types/ChannelState.sol";
import {BrokerSignatures, SettlementLeg} from "../types/Broker.sol";
import {Settlements} from "../libraries/Settlements.sol";
import {BrokerChannels} from "./BrokerChannels.sol";

/// Settling what brokers owe each other, from their custody accounts (the channel's collateral
/// stays locked: it backs the next session). Same chain: settle() delivers every leg and
/// registers the post-settlement state in one transaction, or nothing happens. Legs on another
/// chain go through BrokerLegs (hash time locks), one per chain under one hash, and the
/// post-settlement state is then registered with checkpoint().
abstract contract BrokerSettlement is BrokerChannels {
    /// Registers the co-signed post-settlement OPERATE `state` (as checkpoint) and moves every
    /// leg between the two brokers' custody accounts. Both brokers sign the Settlement, which
    /// names the channel, the state and every leg. Any leg short → the whole call reverts.
    function settle(
        ChannelState calldata state,
        BrokerSignatures calldata stateSigs,
        SettlementLeg[] calldata legs,
        BrokerSignatures calldata settlementSigs
    ) external {
        (bytes32 stateHash, address a, address b) = _checkpoint(state, stateSigs);
        bytes32 settlementHash = Settlements.hash(state.channelId, state.version, stateHash, legs, a, b);
        _verifyBoth(a, b, settlementHash, settlementSigs);
        for (uint256 i = 0; i < legs.length; ++i) {
            SettlementLeg calldata leg = legs[i];
            custody.brokerTransfer(leg.from, leg.to, leg.token, leg.amount);
        }
        emit BrokerSettled(state.channelId, state.version, settlementHash, legs);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SettlementLeg} from "../types/Broker.sol";

/// Same-chain settlement of a broker-to-broker channel: the EIP-712 struct hash both brokers
/// sign (it names the channel, the post-settlement state and every leg), and the legs' shape.
library Settlements {
    /// A settlement of two brokers moves at most one leg per asset and direction.
    uint256 internal constant MAX_LEGS = 32;

    bytes32 internal constant LEG_TYPEHASH = keccak256("Leg(address token,address from,address to,uint256 amount)");
    bytes32 internal constant SETTLEMENT_TYPEHASH = keccak256(
        "Settlement(bytes32 channelId,uint48 version,bytes32 stateHash,Leg[] legs)"
        "Leg(address token,address from,address to,uint256 amount)"
    );

    error SettlementLegCount(uint256 count, uint256 max);
    error SettlementLegInvalid(uint256 index, address from, address to, uint256 amount);

    /// The settlement's struct hash; reverts unless every leg goes between `a` and `b` (either
    /// way) with a non-zero amount.
    function hash(
        bytes32 channelId,
        uint48 version,
        bytes32 stateHash,
        SettlementLeg[] calldata legs,
        address a,
        address b
    ) internal pure returns (bytes32) {
        uint256 count = legs.length;
        if (count == 0 || count > MAX_LEGS) revert SettlementLegCount(count, MAX_LEGS);
        bytes32[] memory legHashes = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) {
            SettlementLeg calldata leg = legs[i];
            bool between = (leg.from == a && leg.to == b) || (leg.from == b && leg.to == a);
            if (!between || leg.amount == 0) revert SettlementLegInvalid(i, leg.from, leg.to, leg.amount);
            legHashes[i] = keccak256(abi.encode(LEG_TYPEHASH, leg.token, leg.from, leg.to, leg.amount));
        }
        return keccak256(
            abi.encode(SETTLEMENT_TYPEHASH, channelId, version, stateHash, keccak256(abi.encodePacked(legHashes)))
        );
    }
}

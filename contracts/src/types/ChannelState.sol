// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// One asset of a channel: how much of `token` (address(0) = native ETH) each participant
/// gets if the channel ended in this state. traderAmount + exchangeAmount = the channel's
/// funding in that token.
struct Allocation {
    address token;
    uint256 traderAmount;
    uint256 exchangeAmount;
}

/// A channel state as both participants sign it (EIP-712 type `State`, mirrored by
/// core/channel/typed-data.ts). Allocations are sorted by token address, strictly ascending.
struct ChannelState {
    bytes32 channelId;
    uint48 version;
    uint8 intent;
    Allocation[] allocations;
    bytes32 appDataHash;
}

/// The two participants' signatures over one state.
struct CoSignatures {
    bytes trader;
    bytes exchange;
}

/// What a state is for; the contract accepts each intent only where it makes sense.
library Intent {
    /// version 0, signed before the channel is opened on-chain
    uint8 internal constant INITIALIZE = 0;
    /// an ordinary off-chain update (trades, fees, funding payments)
    uint8 internal constant OPERATE = 1;
    /// changes the channel's funding: partial withdrawal or top-up, applied by resize()
    uint8 internal constant RESIZE = 2;
    /// final: paid out by close(), no successor
    uint8 internal constant CLOSE = 3;
}

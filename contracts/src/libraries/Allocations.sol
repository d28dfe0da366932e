// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Allocation} from "../types/ChannelState.sol";

/// A merge over two allocation lists sorted by token (as StateHash enforces): each step yields
/// one token with both participants' amounts before and after, zero where the token is absent
/// (it joins or leaves the channel). Custody.resize and BrokerChannels.resize both walk it.
library Allocations {
    struct Step {
        address token;
        uint256 firstBefore; // traderAmount (trader channel) or broker a's amount (B2B channel)
        uint256 secondBefore; // exchangeAmount or broker b's amount
        uint256 firstAfter;
        uint256 secondAfter;
    }

    /// The next token of the merge at positions (i, j), and the positions after it.
    function step(Allocation[] calldata before, Allocation[] calldata next, uint256 i, uint256 j)
        internal
        pure
        returns (Step memory s, uint256, uint256)
    {
        bool takeBefore = i < before.length && (j == next.length || before[i].token <= next[j].token);
        bool takeNext = j < next.length && (i == before.length || next[j].token <= before[i].token);
        if (takeBefore) {
            s.token = before[i].token;
            s.firstBefore = before[i].traderAmount;
            s.secondBefore = before[i].exchangeAmount;
            ++i;
        }
        if (takeNext) {
            s.token = next[j].token;
            s.firstAfter = next[j].traderAmount;
            s.secondAfter = next[j].exchangeAmount;
            ++j;
        }
        return (s, i, j);
    }
}

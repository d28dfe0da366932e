// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICustody} from "../interfaces/ICustody.sol";
import {Channel} from "../libraries/Channel.sol";
import {AssetService} from "./AssetService.sol";
import {PerpService} from "./PerpService.sol";
import {EvidenceBits} from "./EvidenceBits.sol";
import {EvidenceCodec as C} from "./EvidenceCodec.sol";

/// One handler per event kind: decode the record at `offset`, apply the rules, update the Asset
/// and Perp services, answer where the next record starts. Two kinds of "no":
/// - a user's request the rules refuse (a deposit not backed by the user's custody channel, a
///   withdrawal above free collateral, a flagged account growing a position): the record is
///   skipped with EvidenceEventRefused and the batch goes on;
/// - an inconsistency of the exchange's own (a seize of an unflagged account, a flag the on-chain
///   margin does not confirm, an unknown market, a broken position): the batch reverts.
library EvidenceHandlers {
    using AssetService for AssetService.State;
    using PerpService for PerpService.State;

    enum RefusalReason {
        None,
        ChannelUnknown, // custody has no channel with that id for this account
        FundingMismatch, // the funding list is not the one custody recorded for the channel
        AmountAboveFunding, // a deposit above the channel's funding in that token
        AboveFreeCollateral, // a withdrawal above what the margin rules let go
        AccountFlagged // a flagged account may only reduce positions
    }

    struct Services {
        AssetService.State assets;
        PerpService.State perps;
    }

    event EvidenceEventRefused(uint64 indexed batchId, uint256 index, uint8 kind, RefusalReason reason);

    error EvidenceSeizeNotFlagged(address account);
    error EvidenceMatchNotBalanced(uint8 market, int256 netLots);

    /// Routes every record of `events` and answers how many; reverts the batch on an exchange fault.
    function route(Services storage s, ICustody custody, uint64 batchId, bytes calldata events)
        internal
        returns (uint256 index)
    {
        uint256 offset;
        uint256 length = events.length;
        // per market over the batch's matches, in memory only when the batch has matches: Σ lots
        // (every fill has two sides, so it must end at 0) at [m], Σ fees (credited to the fee
        // account once per market, not once per match) at [256 + m], and a bitmap of the markets
        uint256 touched;
        int256[] memory sums;
        while (offset < length) {
            uint8 kind = C.u8(events, offset);
            if (kind == C.MATCH) {
                C.checkFits(events, index, offset, C.MATCH_LENGTH);
                if (sums.length == 0) sums = new int256[](512);
                uint8 market = C.u8(events, offset + 21);
                sums[market] += C.i64(events, offset + 22);
                touched |= uint256(1) << market;
                if (_match(s, events, batchId, index, offset)) sums[256 + uint256(market)] += C.i128(events, offset + 62);
                offset += C.MATCH_LENGTH;
            } else if (kind == C.MARK_PRICE) {
                C.checkFits(events, index, offset, C.MARK_PRICE_LENGTH);
                s.perps.setMark(C.u8(events, offset + 1), C.u128(events, offset + 2));
                offset += C.MARK_PRICE_LENGTH;
            } else if (kind == C.DEPOSIT) {
                offset = _deposit(s, custody, events, batchId, index, offset);
            } else if (kind == C.WITHDRAW) {
                offset = _withdraw(s, custody, events, batchId, index, offset);
            } else if (kind == C.FLAG) {
                offset = _flag(s, events, index, offset);
            } else if (kind == C.SEIZE) {
                offset = _seize(s, events, index, offset);
            } else if (kind == C.OPEN_MARKET) {
                C.checkFits(events, index, offset, C.OPEN_MARKET_LENGTH);
                s.perps.openMarket(
                    C.u8(events, offset + 1),
                    C.addr(events, offset + 2),
                    C.u16(events, offset + 22),
                    C.u16(events, offset + 24)
                );
                offset += C.OPEN_MARKET_LENGTH;
            } else if (kind == C.SET_PROTOCOL_ACCOUNT) {
                C.checkFits(events, index, offset, C.SET_PROTOCOL_ACCOUNT_LENGTH);
                s.assets.setProtocolAccount(C.u8(events, offset + 1), C.addr(events, offset + 2));
                offset += C.SET_PROTOCOL_ACCOUNT_LENGTH;
            } else {
                revert C.EvidenceEventKindUnknown(index, kind);
            }
            // unchecked: one per record, far below 2^256
            unchecked {
                ++index;
            }
        }
        while (touched != 0) {
            uint8 m = uint8(EvidenceBits.lowestBit(touched));
            touched &= touched - 1; // touched != 0: clears the lowest set bit
            if (sums[m] != 0) revert EvidenceMatchNotBalanced(m, sums[m]);
            int256 fees = sums[256 + uint256(m)];
            if (fees != 0) {
                s.assets.change(s.assets.protocolAccount(AssetService.ROLE_FEES), s.perps.quoteOf(m), fees);
            }
        }
    }

    /// account, market, lots, cost, realized PnL, fee, funding: the position moves by (lots, cost),
    /// the quote balance by realizedPnl − cost − fee + funding (the cash the fills moved); the fee
    /// account takes the fee at the end of the batch (a negative fee is a maker rebate it pays).
    /// Answers whether the match was applied.
    function _match(Services storage s, bytes calldata events, uint64 batchId, uint256 index, uint256 offset)
        private
        returns (bool)
    {
        address account = C.addr(events, offset + 1);
        uint8 market = C.u8(events, offset + 21);
        int64 lots = C.i64(events, offset + 22);
        address quote = s.perps.quoteOf(market);
        if (s.perps.flagged[account] && _grows(s.perps.positions[account][market].lots, lots)) {
            emit EvidenceEventRefused(batchId, index, C.MATCH, RefusalReason.AccountFlagged);
            return false;
        }
        s.perps.trade(account, market, lots, C.i128(events, offset + 30));
        _settle(s, account, quote, events, offset);
        return true;
    }

    /// The match's cash to the account: realizedPnl − cost − fee + funding.
    function _settle(Services storage s, address account, address quote, bytes calldata events, uint256 offset)
        private
    {
        int256 cash = int256(C.i128(events, offset + 46)) - C.i128(events, offset + 30);
        s.assets.change(account, quote, cash - C.i128(events, offset + 62) + C.i128(events, offset + 78));
    }

    /// account, token, amount, channelId, then the channel's funding list as custody hashed it.
    function _deposit(
        Services storage s,
        ICustody custody,
        bytes calldata events,
        uint64 batchId,
        uint256 index,
        uint256 offset
    ) private returns (uint256 next) {
        C.checkFits(events, index, offset, C.DEPOSIT_LENGTH);
        uint256 pairs = C.u8(events, offset + 89);
        next = offset + C.DEPOSIT_LENGTH + pairs * C.FUNDING_PAIR_LENGTH;
        C.checkFits(events, index, offset, next - offset);
        RefusalReason reason = _depositRefusal(custody, events, offset, pairs);
        if (reason != RefusalReason.None) {
            emit EvidenceEventRefused(batchId, index, C.DEPOSIT, reason);
            return next;
        }
        s.assets.change(C.addr(events, offset + 1), C.addr(events, offset + 21), int256(uint256(C.u128(events, offset + 41))));
    }

    /// Why custody's records do not back the deposit at `offset` (None when they do).
    function _depositRefusal(ICustody custody, bytes calldata events, uint256 offset, uint256 pairs)
        private
        view
        returns (RefusalReason)
    {
        ICustody.ChannelView memory ch = custody.channel(C.b32(events, offset + 57));
        if (ch.trader != C.addr(events, offset + 1) || ch.status == Channel.Status.None) {
            return RefusalReason.ChannelUnknown;
        }
        (bytes32 fundingHash, uint256 total) =
            _funding(events, offset + C.DEPOSIT_LENGTH, pairs, C.addr(events, offset + 21));
        if (fundingHash != ch.fundingHash) return RefusalReason.FundingMismatch;
        if (C.u128(events, offset + 41) > total) return RefusalReason.AmountAboveFunding;
        return RefusalReason.None;
    }

    /// account, token, amount, channelId: the channel must be the account's; the amount within
    /// what the margin rules let go (Orderly skips this check; we do not).
    function _withdraw(
        Services storage s,
        ICustody custody,
        bytes calldata events,
        uint64 batchId,
        uint256 index,
        uint256 offset
    ) private returns (uint256) {
        C.checkFits(events, index, offset, C.WITHDRAW_LENGTH);
        RefusalReason reason = _withdrawRefusal(s, custody, events, offset);
        if (reason != RefusalReason.None) {
            emit EvidenceEventRefused(batchId, index, C.WITHDRAW, reason);
        } else {
            s.assets.change(C.addr(events, offset + 1), C.addr(events, offset + 21), -int256(uint256(C.u128(events, offset + 41))));
        }
        return offset + C.WITHDRAW_LENGTH;
    }

    /// Why the withdrawal at `offset` is refused (None when it is not).
    function _withdrawRefusal(Services storage s, ICustody custody, bytes calldata events, uint256 offset)
        private
        view
        returns (RefusalReason)
    {
        address account = C.addr(events, offset + 1);
        ICustody.ChannelView memory ch = custody.channel(C.b32(events, offset + 57));
        if (ch.trader != account || ch.status == Channel.Status.None) return RefusalReason.ChannelUnknown;
        address token = C.addr(events, offset + 21);
        uint256 free = s.perps.withdrawable(account, token, s.assets.balanceOf(account, token));
        return C.u128(events, offset + 41) > free ? RefusalReason.AboveFreeCollateral : RefusalReason.None;
    }

    /// account, quote: flagged only if the on-chain margin agrees (positions open, equity below maintenance).
    function _flag(Services storage s, bytes calldata events, uint256 index, uint256 offset)
        private
        returns (uint256)
    {
        C.checkFits(events, index, offset, C.FLAG_LENGTH);
        address account = C.addr(events, offset + 1);
        address quote = C.addr(events, offset + 21);
        s.perps.flag(account, quote, s.assets.balanceOf(account, quote));
        return offset + C.FLAG_LENGTH;
    }

    /// account, token, amount, role, release: moves collateral of a flagged account to a protocol
    /// account (insurance, usually); `release` ≠ 0 ends the liquidation and clears the flag.
    function _seize(Services storage s, bytes calldata events, uint256 index, uint256 offset)
        private
        returns (uint256)
    {
        C.checkFits(events, index, offset, C.SEIZE_LENGTH);
        address account = C.addr(events, offset + 1);
        if (!s.perps.flagged[account]) revert EvidenceSeizeNotFlagged(account);
        address token = C.addr(events, offset + 21);
        int256 amount = int256(uint256(C.u128(events, offset + 41)));
        s.assets.change(account, token, -amount);
        s.assets.change(s.assets.protocolAccount(C.u8(events, offset + 57)), token, amount);
        if (C.u8(events, offset + 58) != 0) s.perps.release(account);
        return offset + C.SEIZE_LENGTH;
    }

    /// keccak256 of the (token, total) words, as StateHash hashes a channel's funding, and the total of `token`.
    function _funding(bytes calldata events, uint256 start, uint256 pairs, address token)
        private
        pure
        returns (bytes32 fundingHash, uint256 total)
    {
        uint256[] memory words = new uint256[](pairs * 2);
        for (uint256 i; i < pairs; ++i) {
            uint256 at = start + i * C.FUNDING_PAIR_LENGTH;
            address pairToken = C.addr(events, at);
            uint256 pairTotal = C.u128(events, at + 20);
            words[2 * i] = uint160(pairToken);
            words[2 * i + 1] = pairTotal;
            if (pairToken == token) total = pairTotal;
        }
        assembly ("memory-safe") {
            fundingHash := keccak256(add(words, 0x20), shl(6, pairs))
        }
    }

    function _grows(int64 before, int64 delta) private pure returns (bool) {
        int256 afterLots = int256(before) + delta;
        return (afterLots < 0 ? -afterLots : afterLots) > (before < 0 ? -int256(before) : int256(before));
    }
}

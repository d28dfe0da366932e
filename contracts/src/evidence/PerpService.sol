// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EvidenceBits} from "./EvidenceBits.sol";

/// Perpetual markets, marks, positions and liquidation flags, with the engine's margin rules
/// (core/risk/margin.ts) over them: equity = balance + Σ lots × mark; maintenance = Σ
/// ⌈|lots| × mark × maintenanceBps / 10⁴⌉; initial likewise at the market's initial rate;
/// what may be withdrawn = equity − unrealized gains − initial margin. Positions are net lots and
/// the signed entry cost (average cost), exactly the engine's Position.lots / entryQuote. Open
/// orders are not mirrored, so the on-chain initial margin is at most the engine's: a withdrawal
/// the engine accepts always passes here.
library PerpService {
    uint256 internal constant BPS = 10_000;

    struct Market {
        address quote; // the settlement asset; address(0) = not open
        uint16 initialBps; // max(initialMarginBps, ⌈10⁴ / maxLeverage⌉)
        uint16 maintenanceBps;
    }

    /// One slot: 8 + 16 bytes.
    struct Position {
        int64 lots;
        int128 entryQuote;
    }

    struct State {
        mapping(uint8 market => Market) markets;
        mapping(uint8 market => uint256) marks; // quote base units per lot; 0 before the first
        mapping(address account => mapping(uint8 market => Position)) positions;
        /// bit m set while the account's position in market m is open: margin loops over these only
        mapping(address account => uint256) openMarkets;
        mapping(address account => bool) flagged;
    }

    event MarketOpened(uint8 indexed market, address quote, uint16 initialBps, uint16 maintenanceBps);
    event MarkUpdated(uint8 indexed market, uint256 markPerLot);
    event PositionChanged(address indexed account, uint8 indexed market, int64 lots, int128 entryQuote);
    event AccountFlagged(address indexed account, address indexed quote, int256 equity, uint256 maintenance);
    event AccountReleased(address indexed account);

    error PerpMarketNotOpen(uint8 market);
    error PerpMarketConfigInvalid(uint8 market, address quote, uint16 initialBps, uint16 maintenanceBps);
    error PerpMarkInvalid(uint8 market, uint256 markPerLot);
    error PerpFlagNotLiquidatable(address account, address quote, int256 equity, uint256 maintenance);
    error PerpPositionInconsistent(address account, uint8 market, int64 lots, int128 entryQuote);

    /// Opens a market, or updates the margin rates of an open one (its quote stays).
    function openMarket(State storage self, uint8 market, address quote, uint16 initialBps, uint16 maintenanceBps)
        internal
    {
        address current = self.markets[market].quote;
        if (
            quote == address(0) || (current != address(0) && current != quote) || maintenanceBps == 0
                || maintenanceBps > initialBps || initialBps > BPS
        ) revert PerpMarketConfigInvalid(market, quote, initialBps, maintenanceBps);
        self.markets[market] = Market(quote, initialBps, maintenanceBps);
        emit MarketOpened(market, quote, initialBps, maintenanceBps);
    }

    function quoteOf(State storage self, uint8 market) internal view returns (address quote) {
        quote = self.markets[market].quote;
        if (quote == address(0)) revert PerpMarketNotOpen(market);
    }

    function setMark(State storage self, uint8 market, uint256 markPerLot) internal {
        quoteOf(self, market);
        if (markPerLot == 0) revert PerpMarkInvalid(market, markPerLot);
        self.marks[market] = markPerLot;
        emit MarkUpdated(market, markPerLot);
    }

    /// Applies a net change of (lots, entry cost); a broken position is an exchange fault.
    function trade(State storage self, address account, uint8 market, int64 lotsDelta, int128 costDelta) internal {
        Position storage p = self.positions[account][market];
        // checked: an overflow is an exchange fault and reverts the batch
        int64 lots = p.lots + lotsDelta;
        int128 entry = p.entryQuote + costDelta;
        // the engine's entry is lots × price summed over the open part: zero exactly when flat, signed as lots
        if ((lots == 0) != (entry == 0) || (lots > 0 && entry < 0) || (lots < 0 && entry > 0)) {
            revert PerpPositionInconsistent(account, market, lots, entry);
        }
        p.lots = lots;
        p.entryQuote = entry;
        if (lots == 0) self.openMarkets[account] &= ~(uint256(1) << market);
        else self.openMarkets[account] |= uint256(1) << market;
        emit PositionChanged(account, market, lots, entry);
    }

    /// The engine's margin figures for `account` in settlement asset `quote`, given its balance:
    /// equity, maintenance, initial requirement, unrealized gains, and whether any position is open.
    function margin(State storage self, address account, address quote, int256 balance)
        internal
        view
        returns (int256 equity, uint256 maintenance, uint256 initial, uint256 gains, bool open)
    {
        equity = balance;
        uint256 bits = self.openMarkets[account];
        while (bits != 0) {
            uint8 m = uint8(EvidenceBits.lowestBit(bits));
            bits &= bits - 1; // bits != 0: clears the lowest set bit
            Market storage market = self.markets[m];
            if (market.quote != quote) continue;
            open = true;
            Position storage p = self.positions[account][m];
            int256 lots = p.lots;
            int256 mark = int256(self.marks[m]); // marks are set from u128: fits
            equity += lots * mark;
            uint256 notional = uint256(_abs(lots)) * uint256(mark);
            maintenance += _mulDivUp(notional, market.maintenanceBps);
            initial += _mulDivUp(notional, market.initialBps);
            int256 upnl = lots * mark - p.entryQuote;
            if (upnl > 0) gains += uint256(upnl);
        }
    }

    /// Flags `account` if core/risk/margin.ts isLiquidatable holds at the on-chain marks (positions
    /// open, equity below maintenance); a flag it does not confirm is the exchange's fault.
    function flag(State storage self, address account, address quote, int256 balance) internal {
        (int256 equity, uint256 maintenance,,, bool open) = margin(self, account, quote, balance);
        if (!open || equity >= int256(maintenance)) {
            revert PerpFlagNotLiquidatable(account, quote, equity, maintenance);
        }
        self.flagged[account] = true;
        emit AccountFlagged(account, quote, equity, maintenance);
    }

    function release(State storage self, address account) internal {
        self.flagged[account] = false;
        emit AccountReleased(account);
    }

    /// What `account` may withdraw of `quote` (core/engine/commands.ts withdraw): its balance with no
    /// position open in markets settled in it; else nothing at negative equity, otherwise equity
    /// without unrealized gains minus initial margin, never below 0.
    function withdrawable(State storage self, address account, address quote, int256 balance)
        internal
        view
        returns (uint256)
    {
        (int256 equity,, uint256 initial, uint256 gains, bool open) = margin(self, account, quote, balance);
        if (!open) return balance > 0 ? uint256(balance) : 0;
        if (equity < 0) return 0;
        int256 free = equity - int256(gains) - int256(initial);
        return free > 0 ? uint256(free) : 0;
    }

    function _abs(int256 x) private pure returns (int256) {
        return x < 0 ? -x : x;
    }

    /// ⌈x × bps / 10⁴⌉, rounding up in the exchange's favour as core's mulDivUp does.
    function _mulDivUp(uint256 x, uint256 bps) private pure returns (uint256) {
        uint256 product = x * bps;
        // unchecked: BPS ≠ 0, and product / BPS + 1 cannot overflow after a checked product
        unchecked {
            return product / BPS + (product % BPS == 0 ? 0 : 1);
        }
    }
}

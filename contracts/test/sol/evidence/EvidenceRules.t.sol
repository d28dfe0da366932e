// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EvidenceHandlers} from "../../../src/evidence/EvidenceHandlers.sol";
import {PerpService} from "../../../src/evidence/PerpService.sol";
import {EvidenceFixture} from "./EvidenceFixture.sol";

/// The handlers' rules: deposits tied to custody channels, matches netted per account and market,
/// flags re-checked against on-chain marks, seizes of flagged accounts only; a user's refused
/// request emits EvidenceEventRefused and the batch goes on, an exchange fault reverts it.
contract EvidenceRulesTest is EvidenceFixture {
    function setUp() public override {
        super.setUp();
        _setupMarket();
        _anchor(bytes.concat(_deposit(trader, 1_000e6, traderChannel, 1_500e6), _deposit(other, 1_000e6, otherChannel, 1_500e6)));
    }

    /// trader buys 50 lots at 100 (fee 5), other sells them (rebate 1).
    function _openPositions() internal {
        _anchor(bytes.concat(_match(trader, 50, 5_000e6, 0, 5e6, 0), _match(other, -50, -5_000e6, 0, -1e6, 0)));
    }

    function test_depositsCreditCollateral() public view {
        assertEq(uint256(_collateral(trader)), 1_000e6, "trader");
        assertEq(uint256(_collateral(other)), 1_000e6, "other");
    }

    function test_matchMovesPositionsCashAndFees() public {
        _openPositions();
        (int64 lots, int128 entryQuote) = entry.positionOf(trader, M);
        assertEq(uint256(int256(lots)), 50, "lots");
        assertEq(uint256(int256(entryQuote)), 5_000e6, "entry");
        _assertEqSigned(_collateral(trader), -4_005e6, "trader paid notional + fee");
        assertEq(uint256(_collateral(other)), 6_001e6, "other got notional + rebate");
        assertEq(uint256(_collateral(FEES)), 4e6, "fees net of the rebate");
        // close half at 110: realized 10 × 25, cost −2,500, funding +3
        _anchor(bytes.concat(_match(trader, -25, -2_500e6, 250e6, 0, 3e6), _match(other, 25, 2_500e6, -250e6, 0, -3e6)));
        (lots, entryQuote) = entry.positionOf(trader, M);
        assertEq(uint256(int256(lots)), 25, "lots after");
        _assertEqSigned(_collateral(trader), -4_005e6 + 2_750e6 + 3e6, "cash of the close");
    }

    function test_unbalancedMatchesRevertTheBatch() public {
        _anchorReverts(
            _match(trader, 50, 5_000e6, 0, 0, 0),
            abi.encodeWithSelector(EvidenceHandlers.EvidenceMatchNotBalanced.selector, M, int256(50))
        );
    }

    function test_brokenPositionRevertsTheBatch() public {
        _anchorReverts(
            bytes.concat(_match(trader, 1, 0, 0, 0, 0), _match(other, -1, -100e6, 0, 0, 0)),
            abi.encodeWithSelector(PerpService.PerpPositionInconsistent.selector, trader, M, int64(1), int128(0))
        );
    }

    function test_depositNotBackedByCustodyIsRefusedAndTheBatchGoesOn() public {
        logs.recordLogs();
        _anchor(
            bytes.concat(
                _deposit(trader, 10e6, otherChannel, 1_500e6), // someone else's channel
                _deposit(trader, 10e6, traderChannel, 9_999e6), // not the funding custody recorded
                _deposit(trader, 1_600e6, traderChannel, 1_500e6), // above the channel's funding
                _deposit(trader, 7e6, traderChannel, 1_500e6) // fine
            )
        );
        (uint256[] memory indexes, uint256[] memory reasons) = _refusals();
        assertEq(indexes.length, 3, "three refusals");
        for (uint256 i; i < 3; ++i) assertEq(indexes[i], i, "the first three events");
        assertEq(reasons[0], uint256(EvidenceHandlers.RefusalReason.ChannelUnknown), "someone else's channel");
        assertEq(reasons[1], uint256(EvidenceHandlers.RefusalReason.FundingMismatch), "funding not custody's");
        assertEq(reasons[2], uint256(EvidenceHandlers.RefusalReason.AmountAboveFunding), "above the funding");
        assertEq(uint256(_collateral(trader)), 1_007e6, "only the backed deposit");
    }

    function test_withdrawAboveFreeCollateralIsRefusedAndTheBatchGoesOn() public {
        _openPositions();
        // other: balance 6,001, short 50 at mark 100: equity 1,001, no gains, initial 500 → free 501
        (,,, uint256 free) = entry.marginOf(other, address(usdc));
        assertEq(free, 501e6, "free collateral");
        logs.recordLogs();
        _anchor(bytes.concat(_withdraw(other, 502e6, otherChannel), _withdraw(other, 501e6, otherChannel)));
        (uint256[] memory indexes, uint256[] memory reasons) = _refusals();
        assertEq(indexes.length, 1, "one refusal");
        assertEq(indexes[0], 0, "the first withdrawal");
        assertEq(reasons[0], uint256(EvidenceHandlers.RefusalReason.AboveFreeCollateral), "reason");
        assertEq(uint256(_collateral(other)), 5_500e6, "the second withdrawal applied");
    }

    function test_flagIsRecheckedAgainstOnChainMarks() public {
        _openPositions();
        // trader: balance −4,005, long 50. At 85: equity 245 ≥ maintenance 212.5
        _anchor(_mark(M, 85e6));
        _anchorReverts(
            _flag(trader),
            abi.encodeWithSelector(PerpService.PerpFlagNotLiquidatable.selector, trader, address(usdc), int256(245e6), uint256(212_500_000))
        );
        _anchor(bytes.concat(_mark(M, 84e6), _flag(trader)));
        assertTrue(entry.isFlagged(trader), "flagged at 84: equity 195 < 210");
    }

    function test_seizeOfAnUnflaggedAccountRefused() public {
        _openPositions();
        _anchorReverts(
            _seize(trader, 100e6, false),
            abi.encodeWithSelector(EvidenceHandlers.EvidenceSeizeNotFlagged.selector, trader)
        );
    }

    function test_flaggedAccountMayOnlyReduceThenIsSeizedAndReleased() public {
        _openPositions();
        _anchor(bytes.concat(_mark(M, 84e6), _flag(trader)));
        logs.recordLogs();
        // growing the long is refused (the counterparty's side still applies); reducing goes through
        _anchor(
            bytes.concat(
                _match(trader, 1, 84e6, 0, 0, 0),
                _match(other, -1, -84e6, 0, 0, 0),
                _match(trader, -10, -1_000e6, -160e6, 0, 0),
                _match(other, 10, 1_000e6, 160e6, 0, 0)
            )
        );
        (uint256[] memory indexes, uint256[] memory reasons) = _refusals();
        assertEq(indexes.length, 1, "the growing match refused");
        assertEq(indexes[0], 0, "the first match");
        assertEq(reasons[0], uint256(EvidenceHandlers.RefusalReason.AccountFlagged), "reason");
        (int64 lots,) = entry.positionOf(trader, M);
        assertEq(uint256(int256(lots)), 40, "reduced only");
        _anchor(_seize(trader, 100e6, true));
        assertEq(uint256(_collateral(INSURANCE)), 100e6, "insurance took the seized collateral");
        assertTrue(!entry.isFlagged(trader), "released");
    }

    function test_openMarketRefusesBadConfigs() public {
        _anchorReverts(
            _openMarket(1, address(usdc), 400, 500),
            abi.encodeWithSelector(PerpService.PerpMarketConfigInvalid.selector, uint8(1), address(usdc), uint16(400), uint16(500))
        );
        _anchorReverts(
            _openMarket(M, address(weth), 1_000, 500),
            abi.encodeWithSelector(PerpService.PerpMarketConfigInvalid.selector, M, address(weth), uint16(1_000), uint16(500))
        );
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICustody} from "../../src/interfaces/ICustody.sol";
import {Allocation, ChannelState, CoSignatures, Intent} from "../../src/types/ChannelState.sol";
import {Channel} from "../../src/libraries/Channel.sol";
import {Ledger} from "../../src/libraries/Ledger.sol";
import {Signatures} from "../../src/libraries/Signatures.sol";
import {StateHash} from "../../src/libraries/StateHash.sol";
import {CustodyFixture} from "./utils/CustodyFixture.sol";

/// The happy paths of every transition, and the edge cases the issue names.
contract CustodyLifecycleTest is CustodyFixture {
    // ── custody accounts ──────────────────────────────────────────────────────────────

    function test_depositAndWithdrawErc20() public {
        vm.prank(other);
        custody.deposit(address(usdc), 250e6);
        assertEq(custody.balanceOf(other, address(usdc)), 250e6, "credited");
        uint256 before = usdc.balanceOf(other);
        vm.prank(other);
        custody.withdraw(address(usdc), 100e6, other);
        assertEq(custody.balanceOf(other, address(usdc)), 150e6, "debited");
        assertEq(usdc.balanceOf(other), before + 100e6, "paid");
    }

    function test_depositAndWithdrawEth() public {
        vm.prank(other);
        custody.deposit{value: 2 ether}(address(0), 2 ether);
        assertEq(custody.balanceOf(other, address(0)), 2 ether, "credited");
        vm.prank(other);
        custody.withdraw(address(0), 2 ether, other);
        assertEq(custody.balanceOf(other, address(0)), 0, "debited");
        assertEq(other.balance, 100 ether, "paid back");
    }

    function test_depositEthWithWrongValueReverts() public {
        vm.prank(other);
        vm.expectRevert(abi.encodeWithSignature("CustodyEthValueMismatch(uint256,uint256)", 1 ether, 2 ether));
        custody.deposit{value: 1 ether}(address(0), 2 ether);
    }

    function test_withdrawMoreThanFreeBalanceRevertsWithValues() public {
        vm.prank(trader);
        vm.expectRevert(
            abi.encodeWithSelector(Ledger.CustodyInsufficientBalance.selector, trader, address(usdc), 10_000e6, 10_001e6)
        );
        custody.withdraw(address(usdc), 10_001e6, trader);
    }

    // ── open ─────────────────────────────────────────────────────────────────────────

    function test_openLocksBothSides() public {
        (bytes32 channelId,) = _openUsdc(1);
        assertEq(custody.balanceOf(trader, address(usdc)), 9_000e6, "trader locked 1,000");
        assertEq(custody.balanceOf(exchange, address(usdc)), 499_500e6, "exchange locked 500");
        assertEq(custody.totalLocked(address(usdc)), 1_500e6, "locked total");
        ICustody.ChannelView memory view_ = custody.channel(channelId);
        assertEq(view_.trader, trader, "trader");
        assertTrue(view_.status == Channel.Status.Active, "active");
        (uint256 exchangeAvailable, uint256 locked) = custody.coverage(address(usdc));
        assertEq(exchangeAvailable, 499_500e6, "coverage: exchange free");
        assertEq(locked, 1_500e6, "coverage: locked");
    }

    function test_depositAndOpenInOneTransaction() public {
        bytes32 channelId = custody.channelIdOf(other, 7);
        Allocation[] memory allocations = new Allocation[](2);
        allocations[0] = Allocation(address(0), 1 ether, 0);
        allocations[1] = Allocation(address(usdc), 300e6, 100e6);
        ChannelState memory initial = _state(channelId, 0, Intent.INITIALIZE, allocations);
        bytes32 digest = custody.hashState(initial);
        CoSignatures memory sigs = CoSignatures(_sign(OTHER_KEY, digest), _sign(EXCHANGE_KEY, digest));
        vm.prank(other);
        custody.depositAndOpen{value: 1 ether}(other, 7, initial, sigs);
        assertEq(custody.totalLocked(address(0)), 1 ether, "eth locked");
        assertEq(custody.totalLocked(address(usdc)), 400e6, "usdc locked");
        assertEq(custody.balanceOf(other, address(usdc)), 0, "all deposited was locked");
    }

    function test_openTwiceReverts() public {
        (bytes32 channelId, ChannelState memory initial) = _openUsdc(1);
        CoSignatures memory sigs = _cosign(initial);
        vm.expectRevert(abi.encodeWithSelector(Channel.ChannelAlreadyExists.selector, channelId, Channel.Status.Active));
        custody.open(trader, 1, initial, sigs);
    }

    function test_openWithNonZeroVersionReverts() public {
        bytes32 channelId = custody.channelIdOf(trader, 1);
        ChannelState memory initial = _state(channelId, 3, Intent.INITIALIZE, _one(address(usdc), 1e6, 0));
        CoSignatures memory sigs = _cosign(initial);
        vm.expectRevert(abi.encodeWithSelector(Channel.ChannelInitialVersionNotZero.selector, channelId, 3));
        custody.open(trader, 1, initial, sigs);
    }

    function test_openWithUnsortedAllocationsReverts() public {
        bytes32 channelId = custody.channelIdOf(trader, 1);
        Allocation[] memory allocations = _two(1e6, 0, 1e18, 0);
        (allocations[0], allocations[1]) = (allocations[1], allocations[0]);
        ChannelState memory initial = _state(channelId, 0, Intent.INITIALIZE, allocations);
        vm.expectRevert(
            abi.encodeWithSelector(StateHash.StateAllocationsUnsorted.selector, 1, address(weth), address(usdc))
        );
        custody.hashState(initial);
    }

    function test_openWithoutExchangeSignatureReverts() public {
        bytes32 channelId = custody.channelIdOf(trader, 1);
        ChannelState memory initial = _state(channelId, 0, Intent.INITIALIZE, _one(address(usdc), 1e6, 0));
        bytes32 digest = custody.hashState(initial);
        CoSignatures memory sigs = CoSignatures(_sign(TRADER_KEY, digest), _sign(OTHER_KEY, digest));
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureInvalid.selector, exchange, digest));
        custody.open(trader, 1, initial, sigs);
    }

    // ── checkpoint ───────────────────────────────────────────────────────────────────

    function test_checkpointNewerState() public {
        (bytes32 channelId,) = _openUsdc(1);
        ChannelState memory v5 = _state(channelId, 5, Intent.OPERATE, _one(address(usdc), 1_200e6, 300e6));
        custody.checkpoint(v5, _cosign(v5));
        assertEq(custody.channel(channelId).version, 5, "registered");
    }

    function test_checkpointOldVersionRevertsNamingVersions() public {
        (bytes32 channelId,) = _openUsdc(1);
        ChannelState memory v5 = _state(channelId, 5, Intent.OPERATE, _one(address(usdc), 1_200e6, 300e6));
        custody.checkpoint(v5, _cosign(v5));
        ChannelState memory v3 = _state(channelId, 3, Intent.OPERATE, _one(address(usdc), 1_400e6, 100e6));
        CoSignatures memory sigs = _cosign(v3);
        vm.expectRevert(abi.encodeWithSelector(Channel.ChannelVersionNotNewer.selector, channelId, 5, 3));
        custody.checkpoint(v3, sigs);
    }

    function test_checkpointCreatingValueReverts() public {
        (bytes32 channelId,) = _openUsdc(1);
        ChannelState memory inflated = _state(channelId, 1, Intent.OPERATE, _one(address(usdc), 1_500e6, 1e6));
        CoSignatures memory sigs = _cosign(inflated);
        vm.expectRevert();
        custody.checkpoint(inflated, sigs);
    }

    // ── challenge / respond / conclude ───────────────────────────────────────────────

    function test_challengeThenConcludePaysIntoCustodyAccounts() public {
        (bytes32 channelId,) = _openUsdc(1);
        ChannelState memory v2 = _state(channelId, 2, Intent.OPERATE, _one(address(usdc), 1_100e6, 400e6));
        _challenge(v2, TRADER_KEY);
        ICustody.ChannelView memory view_ = custody.channel(channelId);
        assertTrue(view_.status == Channel.Status.Challenged, "challenged");
        assertEq(view_.challengeDeadline, START + PERIOD, "deadline");
        assertEq(view_.challengeStateHash, _structHash(v2), "state hash stored");
        vm.warp(START + PERIOD);
        custody.conclude(v2);
        assertEq(custody.balanceOf(trader, address(usdc)), 9_000e6 + 1_100e6, "trader credited");
        assertEq(custody.balanceOf(exchange, address(usdc)), 499_500e6 + 400e6, "exchange credited");
        assertEq(custody.totalLocked(address(usdc)), 0, "unlocked");
        assertTrue(custody.channel(channelId).status == Channel.Status.Closed, "closed");
    }

    function test_concludeBeforeDeadlineReverts() public {
        (bytes32 channelId, ChannelState memory initial) = _openUsdc(1);
        _challenge(initial, EXCHANGE_KEY);
        vm.warp(START + PERIOD - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                Channel.ChannelChallengeNotExpired.selector, channelId, uint40(START + PERIOD), START + PERIOD - 1
            )
        );
        custody.conclude(initial);
    }

    function test_concludeWithAnotherStateReverts() public {
        (bytes32 channelId, ChannelState memory initial) = _openUsdc(1);
        _challenge(initial, TRADER_KEY);
        vm.warp(START + PERIOD);
        ChannelState memory forged = _state(channelId, 0, Intent.INITIALIZE, _one(address(usdc), 1_500e6, 0));
        vm.expectRevert(
            abi.encodeWithSelector(
                Channel.ChannelChallengedStateMismatch.selector, channelId, _structHash(initial), _structHash(forged)
            )
        );
        custody.conclude(forged);
    }

    function test_challengeByNonParticipantReverts() public {
        (bytes32 channelId, ChannelState memory initial) = _openUsdc(1);
        CoSignatures memory sigs = _cosign(initial);
        bytes memory sig = _challengeSig(OTHER_KEY, initial);
        vm.expectRevert(abi.encodeWithSelector(ICustody.CustodyNotParticipant.selector, channelId, other));
        custody.challenge(initial, sigs, other, sig);
    }

    function test_challengeWithoutChallengerSignatureReverts() public {
        (, ChannelState memory initial) = _openUsdc(1);
        CoSignatures memory sigs = _cosign(initial);
        bytes memory wrong = _challengeSig(OTHER_KEY, initial);
        vm.expectRevert();
        custody.challenge(initial, sigs, trader, wrong);
    }

    // ── cooperative close ────────────────────────────────────────────────────────────

    function test_closePaysTraderWalletAndCreditsExchange() public {
        (bytes32 channelId,) = _openUsdc(1);
        ChannelState memory fin = _state(channelId, 9, Intent.CLOSE, _one(address(usdc), 1_300e6, 200e6));
        uint256 walletBefore = usdc.balanceOf(trader);
        custody.close(fin, _cosign(fin));
        assertEq(usdc.balanceOf(trader), walletBefore + 1_300e6, "trader paid to wallet");
        assertEq(custody.balanceOf(exchange, address(usdc)), 499_500e6 + 200e6, "exchange credited");
        assertEq(custody.totalLocked(address(usdc)), 0, "unlocked");
    }

    /// Profits beyond the trader's deposit come out of the exchange's side of the channel.
    function test_profitBeyondDepositComesFromExchangeShare() public {
        (bytes32 channelId,) = _openUsdc(1);
        ChannelState memory fin = _state(channelId, 1, Intent.CLOSE, _one(address(usdc), 1_500e6, 0));
        custody.close(fin, _cosign(fin));
        assertEq(custody.balanceOf(exchange, address(usdc)), 499_500e6, "exchange lost its 500");
    }

    function test_closeDuringChallengeSupersedesIt() public {
        (bytes32 channelId, ChannelState memory initial) = _openUsdc(1);
        _challenge(initial, TRADER_KEY);
        ChannelState memory fin = _state(channelId, 4, Intent.CLOSE, _one(address(usdc), 700e6, 800e6));
        custody.close(fin, _cosign(fin));
        assertTrue(custody.channel(channelId).status == Channel.Status.Closed, "closed");
    }

    function test_closedChannelCannotBeReopenedWithItsInitialState() public {
        (bytes32 channelId, ChannelState memory initial) = _openUsdc(1);
        ChannelState memory fin = _state(channelId, 1, Intent.CLOSE, _one(address(usdc), 1_000e6, 500e6));
        custody.close(fin, _cosign(fin));
        CoSignatures memory sigs = _cosign(initial);
        vm.expectRevert(abi.encodeWithSelector(Channel.ChannelAlreadyExists.selector, channelId, Channel.Status.Closed));
        custody.open(trader, 1, initial, sigs);
    }

    function test_closeWithOperateIntentReverts() public {
        (bytes32 channelId,) = _openUsdc(1);
        ChannelState memory v1 = _state(channelId, 1, Intent.OPERATE, _one(address(usdc), 1_000e6, 500e6));
        CoSignatures memory sigs = _cosign(v1);
        vm.expectRevert(abi.encodeWithSelector(Channel.ChannelIntentInvalid.selector, channelId, Intent.OPERATE));
        custody.close(v1, sigs);
    }

    // ── resize ───────────────────────────────────────────────────────────────────────

    function test_resizePartialWithdrawPaysTrader() public {
        (bytes32 channelId,) = _openUsdc(1);
        ChannelState memory v4 = _state(channelId, 4, Intent.OPERATE, _one(address(usdc), 1_200e6, 300e6));
        ChannelState memory v5 = _state(channelId, 5, Intent.RESIZE, _one(address(usdc), 700e6, 300e6));
        uint256 walletBefore = usdc.balanceOf(trader);
        custody.resize(v4, _cosign(v4), v5, _cosign(v5));
        assertEq(usdc.balanceOf(trader), walletBefore + 500e6, "withdrawn to wallet");
        assertEq(custody.totalLocked(address(usdc)), 1_000e6, "locked shrank");
        assertEq(custody.channel(channelId).version, 5, "version");
        // the next state allocates the new funding
        ChannelState memory fin = _state(channelId, 6, Intent.CLOSE, _one(address(usdc), 600e6, 400e6));
        custody.close(fin, _cosign(fin));
    }

    function test_resizeTopUpAndNewAsset() public {
        (bytes32 channelId,) = _openUsdc(1);
        ChannelState memory v1 = _state(channelId, 1, Intent.OPERATE, _one(address(usdc), 1_000e6, 500e6));
        ChannelState memory v2 = _state(channelId, 2, Intent.RESIZE, _two(1_000e6, 2_500e6, 2e18, 0));
        custody.resize(v1, _cosign(v1), v2, _cosign(v2));
        assertEq(custody.balanceOf(exchange, address(usdc)), 499_500e6 - 2_000e6, "exchange topped up");
        assertEq(custody.balanceOf(trader, address(weth)), 8e18, "trader locked weth");
        assertEq(custody.totalLocked(address(weth)), 2e18, "weth locked");
    }

    function test_resizeMustFollowItsPredecessorDirectly() public {
        (bytes32 channelId,) = _openUsdc(1);
        ChannelState memory v1 = _state(channelId, 1, Intent.OPERATE, _one(address(usdc), 1_000e6, 500e6));
        ChannelState memory v3 = _state(channelId, 3, Intent.RESIZE, _one(address(usdc), 900e6, 500e6));
        CoSignatures memory s1 = _cosign(v1);
        CoSignatures memory s3 = _cosign(v3);
        vm.expectRevert(abi.encodeWithSelector(Channel.ChannelResizeNotConsecutive.selector, channelId, 1, 3));
        custody.resize(v1, s1, v3, s3);
    }

    // ── the channel id binds participants, nonce, chain and contract ────────────────

    function test_channelIdBindsEverything() public view {
        bytes32 id = custody.channelIdOf(trader, 1);
        assertEq(id, keccak256(abi.encode(block.chainid, address(custody), trader, exchange, uint64(1))), "formula");
        assertTrue(id != custody.channelIdOf(trader, 2), "nonce");
        assertTrue(id != custody.channelIdOf(other, 1), "trader");
    }
}

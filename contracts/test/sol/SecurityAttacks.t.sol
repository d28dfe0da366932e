// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Custody} from "../../src/Custody.sol";
import {Allocation, ChannelState, CoSignatures, Intent} from "../../src/types/ChannelState.sol";
import {Channel} from "../../src/libraries/Channel.sol";
import {Signatures} from "../../src/libraries/Signatures.sol";
import {ICustody} from "../../src/interfaces/ICustody.sol";
import {FeeOnTransferToken} from "../../src/test/FeeOnTransferToken.sol";
import {ReentrantToken} from "../../src/test/ReentrantToken.sol";
import {SmartWallet} from "../../src/test/SmartWallet.sol";
import {CustodyFixture} from "./utils/CustodyFixture.sol";

/// SECURITY.md attacks 1–7, each a named test (attack 8+ are off-chain).
contract SecurityAttacksTest is CustodyFixture {
    uint256 private constant N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    // ── 1. replay across chains, contracts or channels ───────────────────────────────

    function test_attack1_replayAcrossContractsRejected() public {
        (bytes32 channelId,) = _openUsdc(1);
        ChannelState memory v3 = _state(channelId, 3, Intent.OPERATE, _one(address(usdc), 900e6, 600e6));
        // both sign v3 for ANOTHER custody deployment (same chain, same channel id bytes)
        Custody twin = new Custody(exchange, PERIOD, address(0), address(0));
        bytes32 foreignDigest = twin.hashState(v3);
        CoSignatures memory foreign = CoSignatures(_sign(TRADER_KEY, foreignDigest), _sign(EXCHANGE_KEY, foreignDigest));
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureInvalid.selector, trader, custody.hashState(v3)));
        custody.checkpoint(v3, foreign);
    }

    function test_attack1_replayAcrossChainsRejected() public {
        (bytes32 channelId,) = _openUsdc(1);
        ChannelState memory v3 = _state(channelId, 3, Intent.OPERATE, _one(address(usdc), 900e6, 600e6));
        uint256 home = block.chainid;
        vm.chainId(home + 1);
        CoSignatures memory otherChain = _cosign(v3); // signed under the other chain's domain
        vm.chainId(home);
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureInvalid.selector, trader, custody.hashState(v3)));
        custody.checkpoint(v3, otherChain);
    }

    function test_attack1_replayAcrossChannelsRejected() public {
        (bytes32 channelA,) = _openUsdc(1);
        (bytes32 channelB,) = _openUsdc(2);
        ChannelState memory onA = _state(channelA, 3, Intent.OPERATE, _one(address(usdc), 1_400e6, 100e6));
        CoSignatures memory sigsA = _cosign(onA);
        ChannelState memory onB = _state(channelB, 3, Intent.OPERATE, _one(address(usdc), 1_400e6, 100e6));
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureInvalid.selector, trader, custody.hashState(onB)));
        custody.checkpoint(onB, sigsA);
    }

    function test_attack1_initialStateForAnotherNonceRejected() public {
        bytes32 forNonce2 = custody.channelIdOf(trader, 2);
        ChannelState memory initial = _state(forNonce2, 0, Intent.INITIALIZE, _one(address(usdc), 1e6, 0));
        CoSignatures memory sigs = _cosign(initial);
        vm.expectRevert(
            abi.encodeWithSelector(ICustody.CustodyChannelIdMismatch.selector, custody.channelIdOf(trader, 1), forNonce2)
        );
        custody.open(trader, 1, initial, sigs);
    }

    // ── 2. signature forms ───────────────────────────────────────────────────────────

    function _v3() private returns (ChannelState memory v3, bytes32 digest) {
        (bytes32 channelId,) = _openUsdc(1);
        v3 = _state(channelId, 3, Intent.OPERATE, _one(address(usdc), 900e6, 600e6));
        digest = custody.hashState(v3);
    }

    function test_attack2_highSRejected() public {
        (ChannelState memory v3, bytes32 digest) = _v3();
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(TRADER_KEY, digest);
        bytes memory malleable = abi.encodePacked(r, bytes32(N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
        assertEq(ecrecover(digest, v == 27 ? 28 : 27, r, bytes32(N - uint256(s))), trader, "ecrecover alone accepts it");
        CoSignatures memory sigs = CoSignatures(malleable, _sign(EXCHANGE_KEY, digest));
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureInvalid.selector, trader, digest));
        custody.checkpoint(v3, sigs);
    }

    function test_attack2_compact64ByteRejected() public {
        (ChannelState memory v3, bytes32 digest) = _v3();
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(TRADER_KEY, digest);
        bytes32 vs = bytes32(uint256(s) | (uint256(v - 27) << 255));
        CoSignatures memory sigs = CoSignatures(abi.encodePacked(r, vs), _sign(EXCHANGE_KEY, digest));
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureInvalid.selector, trader, digest));
        custody.checkpoint(v3, sigs);
    }

    function test_attack2_paddedSignatureRejected() public {
        (ChannelState memory v3, bytes32 digest) = _v3();
        CoSignatures memory sigs =
            CoSignatures(abi.encodePacked(_sign(TRADER_KEY, digest), bytes1(0)), _sign(EXCHANGE_KEY, digest));
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureInvalid.selector, trader, digest));
        custody.checkpoint(v3, sigs);
    }

    function test_attack2_wrongVRejected() public {
        (ChannelState memory v3, bytes32 digest) = _v3();
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(TRADER_KEY, digest);
        CoSignatures memory sigs = CoSignatures(abi.encodePacked(r, s, v - 27), _sign(EXCHANGE_KEY, digest));
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureInvalid.selector, trader, digest));
        custody.checkpoint(v3, sigs);
    }

    // ── 3. stale challenge ───────────────────────────────────────────────────────────

    function test_attack3_staleChallengeAnsweredPayoutFollowsNewest() public {
        (bytes32 channelId,) = _openUsdc(1);
        ChannelState memory v1 = _state(channelId, 1, Intent.OPERATE, _one(address(usdc), 1_400e6, 100e6));
        ChannelState memory v3 = _state(channelId, 3, Intent.OPERATE, _one(address(usdc), 200e6, 1_300e6));
        // the trader challenges with v1, where they had more
        _challenge(v1, TRADER_KEY);
        // the exchange's watchtower (any address) answers with v3 inside the window
        vm.warp(START + PERIOD / 2);
        vm.prank(other);
        custody.respond(v3, _cosign(v3));
        assertTrue(custody.channel(channelId).status == Channel.Status.Active, "challenge cleared");
        // v1 can no longer be used
        CoSignatures memory s1 = _cosign(v1);
        bytes memory c1 = _challengeSig(TRADER_KEY, v1);
        vm.expectRevert(abi.encodeWithSelector(Channel.ChannelVersionTooOld.selector, channelId, 3, 1));
        custody.challenge(v1, s1, trader, c1);
        // the exchange challenges with v3 and concludes: the payout follows v3
        _challenge(v3, EXCHANGE_KEY);
        vm.warp(START + PERIOD / 2 + PERIOD);
        custody.conclude(v3);
        assertEq(custody.balanceOf(trader, address(usdc)), 9_000e6 + 200e6, "trader gets v3");
        assertEq(custody.balanceOf(exchange, address(usdc)), 499_500e6 + 1_300e6, "exchange gets v3");
    }

    function test_attack3_sameVersionResponseRejected() public {
        (bytes32 channelId,) = _openUsdc(1);
        ChannelState memory v2 = _state(channelId, 2, Intent.OPERATE, _one(address(usdc), 1_400e6, 100e6));
        _challenge(v2, TRADER_KEY);
        ChannelState memory twin = _state(channelId, 2, Intent.OPERATE, _one(address(usdc), 100e6, 1_400e6));
        CoSignatures memory sigs = _cosign(twin);
        vm.expectRevert(abi.encodeWithSelector(Channel.ChannelVersionNotNewer.selector, channelId, 2, 2));
        custody.respond(twin, sigs);
    }

    // ── 4. challenge-window edges ────────────────────────────────────────────────────

    function test_attack4_answerOneSecondBeforeExpiryWorks() public {
        (bytes32 channelId, ChannelState memory initial) = _openUsdc(1);
        _challenge(initial, TRADER_KEY);
        vm.warp(START + PERIOD - 1);
        ChannelState memory v1 = _state(channelId, 1, Intent.OPERATE, _one(address(usdc), 100e6, 1_400e6));
        custody.respond(v1, _cosign(v1));
        assertEq(custody.channel(channelId).version, 1, "answered");
    }

    function test_attack4_answerAtExpiryFails() public {
        (bytes32 channelId, ChannelState memory initial) = _openUsdc(1);
        _challenge(initial, TRADER_KEY);
        vm.warp(START + PERIOD);
        ChannelState memory v1 = _state(channelId, 1, Intent.OPERATE, _one(address(usdc), 100e6, 1_400e6));
        CoSignatures memory sigs = _cosign(v1);
        vm.expectRevert(
            abi.encodeWithSelector(Channel.ChannelChallengeExpired.selector, channelId, uint40(START + PERIOD), START + PERIOD)
        );
        custody.respond(v1, sigs);
    }

    function test_attack4_secondChallengeReverts() public {
        (bytes32 channelId, ChannelState memory initial) = _openUsdc(1);
        _challenge(initial, TRADER_KEY);
        ChannelState memory v1 = _state(channelId, 1, Intent.OPERATE, _one(address(usdc), 100e6, 1_400e6));
        CoSignatures memory sigs = _cosign(v1);
        bytes memory c = _challengeSig(EXCHANGE_KEY, v1);
        vm.expectRevert(abi.encodeWithSelector(Channel.ChannelAlreadyChallenged.selector, channelId, uint40(START + PERIOD)));
        custody.challenge(v1, sigs, exchange, c);
    }

    function test_attack4_challengeOnUnfundedChannelReverts() public {
        bytes32 never = custody.channelIdOf(trader, 42);
        ChannelState memory state = _state(never, 0, Intent.INITIALIZE, _one(address(usdc), 1_000e6, 0));
        CoSignatures memory sigs = _cosign(state);
        bytes memory c = _challengeSig(TRADER_KEY, state);
        vm.expectRevert(abi.encodeWithSelector(Channel.ChannelNotOpen.selector, never, Channel.Status.None));
        custody.challenge(state, sigs, trader, c);
    }

    function test_attack4_deadlineTimestampOverflowReverts() public {
        (, ChannelState memory initial) = _openUsdc(1);
        uint256 late = uint256(type(uint40).max) - PERIOD + 1;
        vm.warp(late);
        CoSignatures memory sigs = _cosign(initial);
        bytes memory c = _challengeSig(TRADER_KEY, initial);
        vm.expectRevert(abi.encodeWithSelector(Channel.ChannelDeadlineOverflow.selector, late, PERIOD));
        custody.challenge(initial, sigs, trader, c);
    }

    // ── 5. smart-wallet signatures checked when used ─────────────────────────────────

    function test_attack5_erc1271SignatureCheckedAtEveryUse() public {
        SmartWallet wallet = new SmartWallet(trader);
        address walletAddress = address(wallet);
        vm.startPrank(trader);
        usdc.transfer(walletAddress, 1_000e6);
        wallet.execute(address(usdc), 0, abi.encodeCall(usdc.approve, (address(custody), 1_000e6)));
        wallet.execute(address(custody), 0, abi.encodeCall(custody.deposit, (address(usdc), 1_000e6)));
        vm.stopPrank();
        bytes32 channelId = custody.channelIdOf(walletAddress, 1);
        ChannelState memory initial = _state(channelId, 0, Intent.INITIALIZE, _one(address(usdc), 1_000e6, 0));
        custody.open(walletAddress, 1, initial, _cosign(initial)); // owner's key signs for the wallet
        ChannelState memory v1 = _state(channelId, 1, Intent.OPERATE, _one(address(usdc), 900e6, 100e6));
        custody.checkpoint(v1, _cosign(v1));
        // the owner revokes the wallet's signatures: the same kind of signature now fails
        vm.prank(trader);
        wallet.setRevoked(true);
        ChannelState memory v2 = _state(channelId, 2, Intent.OPERATE, _one(address(usdc), 800e6, 200e6));
        CoSignatures memory sigs = _cosign(v2);
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureInvalid.selector, walletAddress, custody.hashState(v2)));
        custody.checkpoint(v2, sigs);
        // and an already-used signature is not trusted either once revoked
        assertTrue(!custody.isValidStateSignature(walletAddress, v1, _cosign(v1).trader), "v1 sig re-checked");
        vm.prank(trader);
        wallet.setRevoked(false);
        custody.checkpoint(v2, sigs);
    }

    // ── 6. custody token edge cases ──────────────────────────────────────────────────

    function test_attack6_feeOnTransferTokenCreditsWhatArrived() public {
        FeeOnTransferToken fot = new FeeOnTransferToken();
        fot.mint(other, 1_000e18);
        vm.startPrank(other);
        fot.approve(address(custody), type(uint256).max);
        custody.deposit(address(fot), 100e18);
        vm.stopPrank();
        assertEq(custody.balanceOf(other, address(fot)), 99e18, "credited net of the 1% fee");
        assertEq(fot.balanceOf(address(custody)), 99e18, "custody holds exactly what it owes");
        vm.prank(other);
        custody.withdraw(address(fot), 99e18, other);
        assertEq(fot.balanceOf(address(custody)), 0, "nothing left behind or owed");
    }

    function test_attack6_reentrantTokenCannotReenter() public {
        ReentrantToken evil = new ReentrantToken();
        evil.mint(other, 1_000e18);
        vm.startPrank(other);
        evil.approve(address(custody), type(uint256).max);
        custody.deposit(address(evil), 100e18);
        vm.stopPrank();
        // on the way out, the token calls withdraw again for the same account
        evil.arm(address(custody), abi.encodeCall(custody.withdraw, (address(evil), 50e18, other)));
        vm.prank(other);
        custody.withdraw(address(evil), 50e18, other);
        assertTrue(!evil.lastCallbackSucceeded(), "re-entry was refused");
        assertEq(
            keccak256(evil.lastCallbackResult()),
            keccak256(abi.encodeWithSignature("ReentrancyGuardReentrantCall()")),
            "by the reentrancy guard"
        );
        assertEq(custody.balanceOf(other, address(evil)), 50e18, "debited once");
        assertEq(evil.balanceOf(address(custody)), 50e18, "paid once");
        // and a re-entering deposit cannot double-count the balance difference
        evil.arm(address(custody), abi.encodeCall(custody.deposit, (address(evil), 10e18)));
        vm.prank(other);
        custody.deposit(address(evil), 10e18);
        assertTrue(!evil.lastCallbackSucceeded(), "nested deposit refused");
        assertEq(custody.balanceOf(other, address(evil)), 60e18, "credited once");
    }

    // ── 7. partial withdraw twice, concurrently ──────────────────────────────────────

    function test_attack7_twoConcurrentResizesAtMostOnePays() public {
        (bytes32 channelId,) = _openUsdc(1);
        ChannelState memory v4 = _state(channelId, 4, Intent.OPERATE, _one(address(usdc), 1_000e6, 500e6));
        // two different partial withdrawals both built on v4 (both v5)
        ChannelState memory a = _state(channelId, 5, Intent.RESIZE, _one(address(usdc), 600e6, 500e6));
        ChannelState memory b = _state(channelId, 5, Intent.RESIZE, _one(address(usdc), 300e6, 500e6));
        CoSignatures memory s4 = _cosign(v4);
        CoSignatures memory sa = _cosign(a);
        CoSignatures memory sb = _cosign(b);
        uint256 walletBefore = usdc.balanceOf(trader);
        custody.resize(v4, s4, a, sa);
        vm.expectRevert(abi.encodeWithSelector(Channel.ChannelVersionNotNewer.selector, channelId, 5, 5));
        custody.resize(v4, s4, b, sb);
        // nor can the first be replayed
        vm.expectRevert(abi.encodeWithSelector(Channel.ChannelVersionNotNewer.selector, channelId, 5, 5));
        custody.resize(v4, s4, a, sa);
        assertEq(usdc.balanceOf(trader), walletBefore + 400e6, "paid exactly once");
    }

    function test_attack7_resizeStateCannotBeCheckpointedToSkipPayout() public {
        (bytes32 channelId,) = _openUsdc(1);
        // a resize whose totals happen to be unchanged (trader takes 100 out, exchange puts 100 in)
        ChannelState memory r = _state(channelId, 1, Intent.RESIZE, _one(address(usdc), 900e6, 600e6));
        CoSignatures memory sigs = _cosign(r);
        vm.expectRevert(abi.encodeWithSelector(Channel.ChannelIntentInvalid.selector, channelId, Intent.RESIZE));
        custody.checkpoint(r, sigs);
        bytes memory c = _challengeSig(TRADER_KEY, r);
        vm.expectRevert(abi.encodeWithSelector(Channel.ChannelIntentInvalid.selector, channelId, Intent.RESIZE));
        custody.challenge(r, sigs, trader, c);
    }
}

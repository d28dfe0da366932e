// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ChannelState, Intent} from "../../../src/types/ChannelState.sol";
import {BrokerSignatures, LegTerms, SettlementLeg} from "../../../src/types/Broker.sol";
import {IBrokerLegs} from "../../../src/interfaces/IBrokerLegs.sol";
import {Channel} from "../../../src/libraries/Channel.sol";
import {HashTimeLocks} from "../../../src/libraries/HashTimeLocks.sol";
import {Ledger} from "../../../src/libraries/Ledger.sol";
import {Settlements} from "../../../src/libraries/Settlements.sol";
import {Signatures} from "../../../src/libraries/Signatures.sol";
import {BrokerFixture} from "../utils/BrokerFixture.sol";

/// Same-chain settle (atomic) and hash-time-locked legs (timing edges, reuse).
contract BrokerSettlementTest is BrokerFixture {
    bytes32 internal constant PREIMAGE = keccak256("the initiator's secret");

    // ── settle ────────────────────────────────────────────────────────────────────────

    function _legs(uint256 usdcAtoB, uint256 wethBtoA) internal view returns (SettlementLeg[] memory legs_) {
        legs_ = new SettlementLeg[](2);
        legs_[0] = SettlementLeg(address(usdc), a, b, usdcAtoB);
        legs_[1] = SettlementLeg(address(weth), b, a, wethBtoA);
    }

    function _settlementSigs(ChannelState memory state, SettlementLeg[] memory legs_)
        internal
        view
        returns (BrokerSignatures memory)
    {
        bytes32 digest = net.hashSettlement(state, legs_);
        return BrokerSignatures(_sign(A_KEY, digest), _sign(B_KEY, digest));
    }

    function test_settleMovesBothLegsAndRegistersState() public {
        (bytes32 id,) = _open(1, 10_000e6, 10_000e6);
        ChannelState memory post = _state(id, 5, Intent.OPERATE, _one(address(usdc), 10_000e6, 10_000e6));
        SettlementLeg[] memory legs_ = _legs(20_000e6, 10e18);
        uint256 aUsdc = _usdcIn(a);
        uint256 bUsdc = _usdcIn(b);
        uint256 aWeth = custody.balanceOf(a, address(weth));
        net.settle(post, _cosign(post), legs_, _settlementSigs(post, legs_));
        assertEq(_usdcIn(a), aUsdc - 20_000e6, "a delivered USDC");
        assertEq(_usdcIn(b), bUsdc + 20_000e6, "b received USDC");
        assertEq(custody.balanceOf(a, address(weth)), aWeth + 10e18, "a received WETH");
        assertEq(net.channel(id).version, 5, "post-settlement state registered");
    }

    function test_settleWithAShortLegRevertsEntirely() public {
        (bytes32 id,) = _open(1, 10_000e6, 10_000e6);
        ChannelState memory post = _state(id, 5, Intent.OPERATE, _one(address(usdc), 10_000e6, 10_000e6));
        uint256 bWeth = custody.balanceOf(b, address(weth));
        SettlementLeg[] memory legs_ = _legs(20_000e6, bWeth + 1);
        BrokerSignatures memory stateSigs = _cosign(post);
        BrokerSignatures memory settleSigs = _settlementSigs(post, legs_);
        uint256 aUsdc = _usdcIn(a);
        vm.expectRevert(
            abi.encodeWithSelector(Ledger.CustodyInsufficientBalance.selector, b, address(weth), bWeth, bWeth + 1)
        );
        net.settle(post, stateSigs, legs_, settleSigs);
        assertEq(_usdcIn(a), aUsdc, "the first leg did not happen either");
        assertEq(net.channel(id).version, 0, "state not registered");
    }

    function test_settleLegsNotSignedByBothReverts() public {
        (bytes32 id,) = _open(1, 10_000e6, 10_000e6);
        ChannelState memory post = _state(id, 5, Intent.OPERATE, _one(address(usdc), 10_000e6, 10_000e6));
        SettlementLeg[] memory signedLegs = _legs(20_000e6, 10e18);
        BrokerSignatures memory settleSigs = _settlementSigs(post, signedLegs);
        BrokerSignatures memory stateSigs = _cosign(post);
        SettlementLeg[] memory altered = _legs(20_000e6, 1e18); // b delivers less than agreed
        bytes32 digest = net.hashSettlement(post, altered);
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureInvalid.selector, a, digest));
        net.settle(post, stateSigs, altered, settleSigs);
    }

    function test_settleLegToAThirdPartyReverts() public {
        (bytes32 id,) = _open(1, 10_000e6, 10_000e6);
        ChannelState memory post = _state(id, 5, Intent.OPERATE, _one(address(usdc), 10_000e6, 10_000e6));
        SettlementLeg[] memory legs_ = _legs(20_000e6, 10e18);
        legs_[1].to = c;
        BrokerSignatures memory stateSigs = _cosign(post);
        BrokerSignatures memory settleSigs = BrokerSignatures("", "");
        vm.expectRevert(abi.encodeWithSelector(Settlements.SettlementLegInvalid.selector, 1, b, c, 10e18));
        net.settle(post, stateSigs, legs_, settleSigs);
    }

    function test_settlementReplayReverts() public {
        (bytes32 id,) = _open(1, 10_000e6, 10_000e6);
        ChannelState memory post = _state(id, 5, Intent.OPERATE, _one(address(usdc), 10_000e6, 10_000e6));
        SettlementLeg[] memory legs_ = _legs(20_000e6, 10e18);
        BrokerSignatures memory stateSigs = _cosign(post);
        BrokerSignatures memory settleSigs = _settlementSigs(post, legs_);
        net.settle(post, stateSigs, legs_, settleSigs);
        vm.expectRevert(abi.encodeWithSelector(Channel.ChannelVersionNotNewer.selector, id, 5, 5));
        net.settle(post, stateSigs, legs_, settleSigs);
    }

    // ── hash time locks ───────────────────────────────────────────────────────────────

    function _terms(uint256 amount, uint64 expiresAt, uint64 initiatorExpiresAt) internal view returns (LegTerms memory) {
        return LegTerms(sha256(abi.encodePacked(PREIMAGE)), bytes32("ch"), b, address(usdc), amount, expiresAt, initiatorExpiresAt);
    }

    /// The leg `a` locked with `t`, as claim and refund take it back.
    function _leg(LegTerms memory t) internal view returns (HashTimeLocks.Leg memory) {
        return HashTimeLocks.Leg(a, t.receiver, t.token, t.amount, t.expiresAt);
    }

    function test_lockThenClaimCreditsReceiver() public {
        LegTerms memory t = _terms(1_000e6, uint64(block.timestamp + 3 * MARGIN), 0);
        vm.prank(a);
        legs.lockLeg(t);
        assertEq(custody.heldForBrokers(address(usdc)), 1_000e6, "leg held in custody");
        uint256 bBefore = _usdcIn(b);
        legs.claimLeg(t.hashLock, _leg(t), PREIMAGE);
        assertEq(_usdcIn(b), bBefore + 1_000e6, "receiver credited");
        assertTrue(legs.legStatus(t.hashLock) == HashTimeLocks.Status.Claimed, "claimed");
    }

    function test_attack_claimAtExpiryReverts() public {
        uint64 expiry = uint64(block.timestamp + 3 * MARGIN);
        LegTerms memory t = _terms(1_000e6, expiry, 0);
        vm.prank(a);
        legs.lockLeg(t);
        vm.warp(expiry - 1);
        uint256 snapshotB = _usdcIn(b);
        vm.warp(expiry);
        vm.expectRevert(abi.encodeWithSelector(HashTimeLocks.HtlExpired.selector, t.hashLock, expiry, expiry));
        legs.claimLeg(t.hashLock, _leg(t), PREIMAGE);
        legs.refundLeg(t.hashLock, _leg(t)); // at expiry the refund is open
        assertEq(_usdcIn(b), snapshotB, "receiver got nothing");
    }

    function test_claimOneSecondBeforeExpiryWorks() public {
        uint64 expiry = uint64(block.timestamp + 3 * MARGIN);
        LegTerms memory t = _terms(1_000e6, expiry, 0);
        vm.prank(a);
        legs.lockLeg(t);
        vm.warp(expiry - 1);
        legs.claimLeg(t.hashLock, _leg(t), PREIMAGE);
    }

    function test_attack_refundBeforeExpiryReverts() public {
        uint64 expiry = uint64(block.timestamp + 3 * MARGIN);
        LegTerms memory t = _terms(1_000e6, expiry, 0);
        vm.prank(a);
        legs.lockLeg(t);
        vm.warp(expiry - 1);
        vm.expectRevert(abi.encodeWithSelector(HashTimeLocks.HtlNotExpired.selector, t.hashLock, expiry, expiry - 1));
        legs.refundLeg(t.hashLock, _leg(t));
        vm.warp(expiry);
        uint256 aBefore = _usdcIn(a);
        legs.refundLeg(t.hashLock, _leg(t));
        assertEq(_usdcIn(a), aBefore + 1_000e6, "sender refunded in custody");
        vm.expectRevert(
            abi.encodeWithSelector(HashTimeLocks.HtlNotLocked.selector, t.hashLock, HashTimeLocks.Status.Refunded)
        );
        legs.claimLeg(t.hashLock, _leg(t), PREIMAGE);
    }

    function test_attack_hashLockReusedReverts() public {
        LegTerms memory t = _terms(1_000e6, uint64(block.timestamp + 3 * MARGIN), 0);
        vm.prank(a);
        legs.lockLeg(t);
        legs.claimLeg(t.hashLock, _leg(t), PREIMAGE);
        vm.prank(a);
        vm.expectRevert(
            abi.encodeWithSelector(HashTimeLocks.HtlHashLockUsed.selector, t.hashLock, HashTimeLocks.Status.Claimed)
        );
        legs.lockLeg(t);
    }

    function test_attack_claimWithAlteredLegReverts() public {
        LegTerms memory t = _terms(1_000e6, uint64(block.timestamp + 3 * MARGIN), 0);
        vm.prank(a);
        legs.lockLeg(t);
        HashTimeLocks.Leg memory inflated = _leg(t);
        inflated.amount = 2_000e6; // more than was locked
        bytes32 locked = HashTimeLocks.hashLeg(_leg(t));
        vm.expectRevert(
            abi.encodeWithSelector(HashTimeLocks.HtlLegMismatch.selector, t.hashLock, locked, HashTimeLocks.hashLeg(inflated))
        );
        legs.claimLeg(t.hashLock, inflated, PREIMAGE);
        HashTimeLocks.Leg memory redirected = _leg(t);
        redirected.receiver = c;
        vm.expectRevert(
            abi.encodeWithSelector(
                HashTimeLocks.HtlLegMismatch.selector, t.hashLock, locked, HashTimeLocks.hashLeg(redirected)
            )
        );
        legs.claimLeg(t.hashLock, redirected, PREIMAGE);
    }

    function test_wrongPreimageReverts() public {
        LegTerms memory t = _terms(1_000e6, uint64(block.timestamp + 3 * MARGIN), 0);
        vm.prank(a);
        legs.lockLeg(t);
        bytes32 wrong = keccak256("guess");
        vm.expectRevert(
            abi.encodeWithSelector(HashTimeLocks.HtlPreimageMismatch.selector, t.hashLock, sha256(abi.encodePacked(wrong)))
        );
        legs.claimLeg(t.hashLock, _leg(t), wrong);
    }

    function test_attack_responderExpiryWithoutMarginReverts() public {
        uint64 initiatorExpiry = uint64(block.timestamp + 4 * MARGIN);
        uint64 tooLate = initiatorExpiry - uint64(MARGIN) + 1;
        LegTerms memory t = _terms(1_000e6, tooLate, initiatorExpiry);
        vm.prank(a);
        vm.expectRevert(
            abi.encodeWithSelector(
                HashTimeLocks.HtlResponderMarginTooSmall.selector, t.hashLock, tooLate, initiatorExpiry, MARGIN
            )
        );
        legs.lockLeg(t);
        t.expiresAt = initiatorExpiry - uint64(MARGIN);
        vm.prank(a);
        legs.lockLeg(t);
    }

    function test_initiatorExpiryTooSoonReverts() public {
        uint64 expiry = uint64(block.timestamp + 2 * MARGIN - 1);
        LegTerms memory t = _terms(1_000e6, expiry, 0);
        vm.prank(a);
        vm.expectRevert(
            abi.encodeWithSelector(HashTimeLocks.HtlExpiryTooSoon.selector, t.hashLock, expiry, block.timestamp + 2 * MARGIN)
        );
        legs.lockLeg(t);
    }

    function test_lockBySomeoneNotABrokerReverts() public {
        LegTerms memory t = _terms(1_000e6, uint64(block.timestamp + 3 * MARGIN), 0);
        vm.prank(victim);
        vm.expectRevert(abi.encodeWithSelector(IBrokerLegs.LegsSenderNotBroker.selector, victim));
        legs.lockLeg(t);
    }

    /// At every instant exactly one of claim and refund is possible on a locked leg.
    function test_fuzz_claimAndRefundPartitionTime(uint256 offset) public {
        uint64 expiry = uint64(block.timestamp + 3 * MARGIN);
        LegTerms memory t = _terms(1_000e6, expiry, 0);
        vm.prank(a);
        legs.lockLeg(t);
        uint256 at = block.timestamp + (offset % (6 * MARGIN));
        vm.warp(at);
        if (at < expiry) {
            vm.expectRevert(abi.encodeWithSelector(HashTimeLocks.HtlNotExpired.selector, t.hashLock, expiry, at));
            legs.refundLeg(t.hashLock, _leg(t));
            legs.claimLeg(t.hashLock, _leg(t), PREIMAGE);
        } else {
            vm.expectRevert(abi.encodeWithSelector(HashTimeLocks.HtlExpired.selector, t.hashLock, expiry, at));
            legs.claimLeg(t.hashLock, _leg(t), PREIMAGE);
            legs.refundLeg(t.hashLock, _leg(t));
        }
        assertEq(custody.heldForBrokers(address(usdc)), 0, "the leg went exactly one way");
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBrokerNetwork} from "../../../src/interfaces/IBrokerNetwork.sol";
import {Allocation, ChannelState, Intent} from "../../../src/types/ChannelState.sol";
import {BrokerSignatures, SignedLock} from "../../../src/types/Broker.sol";
import {BrokerStake} from "../../../src/libraries/BrokerStake.sol";
import {Channel} from "../../../src/libraries/Channel.sol";
import {CollateralLocks} from "../../../src/libraries/CollateralLocks.sol";
import {Ledger} from "../../../src/libraries/Ledger.sol";
import {Signatures} from "../../../src/libraries/Signatures.sol";
import {BrokerFixture} from "../utils/BrokerFixture.sol";

/// Broker-to-broker channels: opening with two clearing locks, margin calls, challenges, close,
/// resize, and the lock and quota attacks of SECURITY.md.
contract BrokerChannelsTest is BrokerFixture {
    function test_openLocksBothSidesFromBrokersCustody() public {
        uint256 aBefore = _usdcIn(a);
        uint256 bBefore = _usdcIn(b);
        (bytes32 id,) = _open(1, 10_000e6, 8_000e6);
        assertEq(_usdcIn(a), aBefore - 10_000e6, "a's collateral from a's custody account");
        assertEq(_usdcIn(b), bBefore - 8_000e6, "b's collateral from b's custody account");
        assertEq(custody.heldForBrokers(address(usdc)), 18_000e6, "held for brokers");
        IBrokerNetwork.BrokerChannelView memory ch = net.channel(id);
        assertEq(ch.a, a, "a");
        assertEq(ch.b, b, "b");
        assertTrue(ch.status == Channel.Status.Active, "active");
        assertEq(net.broker(a).openChannels, 1, "a counts one channel");
        assertEq(net.broker(b).openChannels, 1, "b counts one channel");
    }

    function test_openWithTwoTokensSplitsOnePerSide() public {
        bytes32 id = net.channelIdOf(a, b, 9);
        Allocation[] memory list = new Allocation[](2);
        list[0] = Allocation(address(usdc), 5_000e6, 0);
        list[1] = Allocation(address(weth), 0, 2e18);
        ChannelState memory s0 = _state(id, 0, Intent.INITIALIZE, list);
        net.openChannel(
            a,
            b,
            9,
            _lock("la", a, b, address(usdc), 5_000e6),
            _lock("lb", b, a, address(weth), 2e18),
            s0,
            _cosign(s0)
        );
        assertEq(custody.heldForBrokers(address(weth)), 2e18, "b's weth held");
    }

    function test_openSplitNotMatchingLocksReverts() public {
        bytes32 id = net.channelIdOf(a, b, 1);
        ChannelState memory s0 = _state(id, 0, Intent.INITIALIZE, _one(address(usdc), 9_000e6, 1_000e6));
        SignedLock memory la = _lock("la", a, b, address(usdc), 5_000e6);
        SignedLock memory lb = _lock("lb", b, a, address(usdc), 5_000e6);
        BrokerSignatures memory sigs = _cosign(s0);
        vm.expectRevert(abi.encodeWithSelector(IBrokerNetwork.BrokerChannelInitialSplitMismatch.selector, id, 0));
        net.openChannel(a, b, 1, la, lb, s0, sigs);
    }

    // ── lock attacks ──────────────────────────────────────────────────────────────────

    function test_attack_lockReplayedReverts() public {
        _open(1, 1_000e6, 1_000e6);
        bytes32 id = net.channelIdOf(a, b, 2);
        ChannelState memory s0 = _state(id, 0, Intent.INITIALIZE, _one(address(usdc), 1_000e6, 1_000e6));
        // the same lock ids as channel 1's
        SignedLock memory la = _lock(keccak256(abi.encode("A", uint64(1))), a, b, address(usdc), 1_000e6);
        SignedLock memory lb = _lock("fresh", b, a, address(usdc), 1_000e6);
        BrokerSignatures memory sigs = _cosign(s0);
        vm.expectRevert(abi.encodeWithSelector(CollateralLocks.LockAlreadyUsed.selector, la.lock.lockId));
        net.openChannel(a, b, 2, la, lb, s0, sigs);
    }

    function test_attack_lockExpiredReverts() public {
        bytes32 id = net.channelIdOf(a, b, 1);
        ChannelState memory s0 = _state(id, 0, Intent.INITIALIZE, _one(address(usdc), 1_000e6, 1_000e6));
        SignedLock memory la = _lock("la", a, b, address(usdc), 1_000e6);
        SignedLock memory lb = _lock("lb", b, a, address(usdc), 1_000e6);
        vm.warp(la.lock.expiresAt); // at expiry: already refused
        BrokerSignatures memory sigs = _cosign(s0);
        vm.expectRevert(
            abi.encodeWithSelector(CollateralLocks.LockExpired.selector, la.lock.lockId, la.lock.expiresAt, block.timestamp)
        );
        net.openChannel(a, b, 1, la, lb, s0, sigs);
    }

    function test_attack_lockForAnotherBrokerReverts() public {
        bytes32 id = net.channelIdOf(a, b, 1);
        ChannelState memory s0 = _state(id, 0, Intent.INITIALIZE, _one(address(usdc), 1_000e6, 1_000e6));
        SignedLock memory la = _lock("la", c, b, address(usdc), 1_000e6); // issued to c
        SignedLock memory lb = _lock("lb", b, a, address(usdc), 1_000e6);
        BrokerSignatures memory sigs = _cosign(s0);
        vm.expectRevert(abi.encodeWithSelector(CollateralLocks.LockPartyMismatch.selector, la.lock.lockId, a, c, b, b));
        net.openChannel(a, b, 1, la, lb, s0, sigs);
    }

    function test_attack_lockForAnotherCounterpartyReverts() public {
        bytes32 id = net.channelIdOf(a, b, 1);
        ChannelState memory s0 = _state(id, 0, Intent.INITIALIZE, _one(address(usdc), 1_000e6, 1_000e6));
        SignedLock memory la = _lock("la", a, c, address(usdc), 1_000e6); // a's lock for a channel with c
        SignedLock memory lb = _lock("lb", b, a, address(usdc), 1_000e6);
        BrokerSignatures memory sigs = _cosign(s0);
        vm.expectRevert(abi.encodeWithSelector(CollateralLocks.LockPartyMismatch.selector, la.lock.lockId, a, a, b, c));
        net.openChannel(a, b, 1, la, lb, s0, sigs);
    }

    function test_attack_lockSignedForAnotherChainReverts() public {
        bytes32 id = net.channelIdOf(a, b, 1);
        ChannelState memory s0 = _state(id, 0, Intent.INITIALIZE, _one(address(usdc), 1_000e6, 1_000e6));
        SignedLock memory lb = _lock("lb", b, a, address(usdc), 1_000e6);
        // the clearing signs a's lock while the network's domain names chain 1
        uint256 ours = block.chainid;
        vm.chainId(1);
        SignedLock memory la = _lock("la", a, b, address(usdc), 1_000e6);
        vm.chainId(ours);
        bytes32 digestHere = net.hashCollateralLock(la.lock);
        BrokerSignatures memory sigs = _cosign(s0);
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureInvalid.selector, clearing, digestHere));
        net.openChannel(a, b, 1, la, lb, s0, sigs);
    }

    function test_attack_lockNotSignedByClearingReverts() public {
        bytes32 id = net.channelIdOf(a, b, 1);
        ChannelState memory s0 = _state(id, 0, Intent.INITIALIZE, _one(address(usdc), 1_000e6, 1_000e6));
        SignedLock memory la = _resign(_lock("la", a, b, address(usdc), 1_000e6), A_KEY); // self-issued
        SignedLock memory lb = _lock("lb", b, a, address(usdc), 1_000e6);
        BrokerSignatures memory sigs = _cosign(s0);
        vm.expectRevert(
            abi.encodeWithSelector(Signatures.SignatureInvalid.selector, clearing, net.hashCollateralLock(la.lock))
        );
        net.openChannel(a, b, 1, la, lb, s0, sigs);
    }

    function test_attack_lockBeyondCustodyBalanceReverts() public {
        // a lock never reaches into anyone else's funds: a's own custody account must cover it
        uint256 available = _usdcIn(a);
        bytes32 id = net.channelIdOf(a, b, 1);
        ChannelState memory s0 = _state(id, 0, Intent.INITIALIZE, _one(address(usdc), available + 1, 1_000e6));
        SignedLock memory la = _lock("la", a, b, address(usdc), available + 1);
        SignedLock memory lb = _lock("lb", b, a, address(usdc), 1_000e6);
        ChannelState memory state = s0;
        BrokerSignatures memory sigs = _cosign(state);
        vm.expectRevert(
            abi.encodeWithSelector(Ledger.CustodyInsufficientBalance.selector, a, address(usdc), available, available + 1)
        );
        net.openChannel(a, b, 1, la, lb, state, sigs);
    }

    function test_attack_quotaExceededReverts() public {
        for (uint64 nonce = 1; nonce <= 4; ++nonce) _open(nonce, 1_000e6, 1_000e6);
        vm.expectRevert(abi.encodeWithSelector(BrokerStake.BrokerQuotaExceeded.selector, a, 4, 4));
        this.openExternal(5);
        // closing one frees a slot
        bytes32 id = net.channelIdOf(a, b, 1);
        ChannelState memory fin = _state(id, 1, Intent.CLOSE, _one(address(usdc), 1_000e6, 1_000e6));
        net.close(fin, _cosign(fin));
        _open(5, 1_000e6, 1_000e6);
    }

    function test_attack_quotaOfCounterpartyChecked() public {
        // c is registered without stake: a channel with c is refused on c's quota
        bytes32 id = net.channelIdOf(a, c, 1);
        ChannelState memory s0 = _state(id, 0, Intent.INITIALIZE, _one(address(usdc), 1_000e6, 1_000e6));
        SignedLock memory la = _lock("la", a, c, address(usdc), 1_000e6);
        SignedLock memory lc = _lock("lc", c, a, address(usdc), 1_000e6);
        BrokerSignatures memory sigs = _cosign(s0);
        vm.expectRevert(abi.encodeWithSelector(BrokerStake.BrokerQuotaExceeded.selector, c, 0, 0));
        net.openChannel(a, c, 1, la, lc, s0, sigs);
    }

    function openExternal(uint64 nonce) external {
        _open(nonce, 1_000e6, 1_000e6);
    }

    // ── margin calls and the lifecycle ────────────────────────────────────────────────

    function test_marginCallMovesCollateralTowardCreditor() public {
        (bytes32 id,) = _open(1, 10_000e6, 10_000e6);
        ChannelState memory call = _state(id, 1, Intent.OPERATE, _one(address(usdc), 7_500e6, 12_500e6));
        net.checkpoint(call, _cosign(call));
        assertEq(net.channel(id).version, 1, "registered");
    }

    function test_fuzz_marginCallKeepsTotalOrReverts(uint256 toB, uint256 extra) public {
        (bytes32 id,) = _open(1, 10_000e6, 10_000e6);
        bytes32 funding = net.channel(id).fundingHash;
        toB = toB % 10_000e6;
        extra = extra % 3;
        ChannelState memory call =
            _state(id, 1, Intent.OPERATE, _one(address(usdc), 10_000e6 - toB, 10_000e6 + toB + extra));
        if (extra != 0) {
            // a margin call cannot create collateral: any other total is another funding
            BrokerSignatures memory sigs = _cosign(call);
            vm.expectRevert();
            net.checkpoint(call, sigs);
            assertEq(net.channel(id).version, 0, "nothing registered");
            return;
        }
        net.checkpoint(call, _cosign(call));
        assertEq(net.channel(id).version, 1, "margin call registered");
        assertEq(net.channel(id).fundingHash, funding, "per-token total unchanged");
        assertEq(custody.heldForBrokers(address(usdc)), 20_000e6, "nothing moved in custody");
    }

    function test_attack_staleChallengeAnsweredPaysNewest() public {
        (bytes32 id,) = _open(1, 10_000e6, 10_000e6);
        ChannelState memory v1 = _state(id, 1, Intent.OPERATE, _one(address(usdc), 15_000e6, 5_000e6));
        ChannelState memory v3 = _state(id, 3, Intent.OPERATE, _one(address(usdc), 6_000e6, 14_000e6));
        // a challenges with the old v1, in which it had more; b's watchtower answers with v3
        net.challenge(v1, _cosign(v1), a, _challengeSig(A_KEY, v1));
        vm.warp(block.timestamp + PERIOD - 1);
        net.respond(v3, _cosign(v3));
        // a same-version answer is no answer
        net.challenge(v3, _cosign(v3), a, _challengeSig(A_KEY, v3));
        BrokerSignatures memory sigs = _cosign(v3);
        vm.expectRevert(abi.encodeWithSelector(Channel.ChannelVersionNotNewer.selector, id, 3, 3));
        net.respond(v3, sigs);
        vm.warp(block.timestamp + PERIOD);
        uint256 aBefore = _usdcIn(a);
        uint256 bBefore = _usdcIn(b);
        net.conclude(v3);
        assertEq(_usdcIn(a), aBefore + 6_000e6, "a paid v3's share");
        assertEq(_usdcIn(b), bBefore + 14_000e6, "b paid v3's share");
        assertEq(custody.heldForBrokers(address(usdc)), 0, "nothing left held");
        assertEq(net.broker(a).openChannels, 0, "a's quota slot freed");
    }

    function test_challengeByOutsiderReverts() public {
        (bytes32 id,) = _open(1, 1_000e6, 1_000e6);
        ChannelState memory v1 = _state(id, 1, Intent.OPERATE, _one(address(usdc), 1_500e6, 500e6));
        ChannelState memory state = v1;
        bytes memory sig = _challengeSig(C_KEY, state);
        BrokerSignatures memory sigs = _cosign(state);
        vm.expectRevert(abi.encodeWithSelector(IBrokerNetwork.BrokerChannelNotParticipant.selector, id, c));
        net.challenge(state, sigs, c, sig);
    }

    function test_answerAtDeadlineFails() public {
        (bytes32 id,) = _open(1, 1_000e6, 1_000e6);
        ChannelState memory v1 = _state(id, 1, Intent.OPERATE, _one(address(usdc), 1_500e6, 500e6));
        ChannelState memory v2 = _state(id, 2, Intent.OPERATE, _one(address(usdc), 500e6, 1_500e6));
        net.challenge(v1, _cosign(v1), b, _challengeSig(B_KEY, v1));
        uint40 deadline = uint40(block.timestamp + PERIOD);
        vm.warp(deadline);
        BrokerSignatures memory sigs = _cosign(v2);
        vm.expectRevert(abi.encodeWithSelector(Channel.ChannelChallengeExpired.selector, id, deadline, deadline));
        net.respond(v2, sigs);
    }

    function test_closeReturnsSharesToCustodyAccounts() public {
        (bytes32 id,) = _open(1, 10_000e6, 10_000e6);
        uint256 aBefore = _usdcIn(a);
        ChannelState memory fin = _state(id, 4, Intent.CLOSE, _one(address(usdc), 9_000e6, 11_000e6));
        net.close(fin, _cosign(fin));
        assertEq(_usdcIn(a), aBefore + 9_000e6, "a's share back in custody");
        assertTrue(net.channel(id).status == Channel.Status.Closed, "closed");
        vm.prank(a);
        net.requestUnstake(); // no open channel any more
    }

    function test_resizeTopUpAndRelease() public {
        (bytes32 id,) = _open(1, 10_000e6, 10_000e6);
        ChannelState memory v1 = _state(id, 1, Intent.OPERATE, _one(address(usdc), 8_000e6, 12_000e6));
        ChannelState memory v2 = _state(id, 2, Intent.RESIZE, _one(address(usdc), 13_000e6, 9_000e6));
        uint256 aBefore = _usdcIn(a);
        uint256 bBefore = _usdcIn(b);
        net.resize(v1, _cosign(v1), v2, _cosign(v2));
        assertEq(_usdcIn(a), aBefore - 5_000e6, "a topped up 5,000");
        assertEq(_usdcIn(b), bBefore + 3_000e6, "b took 3,000 back");
        assertEq(custody.heldForBrokers(address(usdc)), 22_000e6, "new funding held");
        ChannelState memory v3 = _state(id, 3, Intent.OPERATE, _one(address(usdc), 12_000e6, 10_000e6));
        net.checkpoint(v3, _cosign(v3));
    }

    function test_separateSignerKeySignsStates() public {
        uint256 signerKey = 0x5161;
        vm.startPrank(c);
        net.updateBroker(vm.addr(signerKey), "https://c.example/b2b");
        net.stake(STAKE_4);
        vm.stopPrank();
        bytes32 id = net.channelIdOf(a, c, 1);
        ChannelState memory s0 = _state(id, 0, Intent.INITIALIZE, _one(address(usdc), 1_000e6, 1_000e6));
        SignedLock memory la = _lock("la", a, c, address(usdc), 1_000e6);
        SignedLock memory lc = _lock("lc", c, a, address(usdc), 1_000e6);
        bytes32 digest = net.hashState(s0);
        // c's own address key is not its signer any more
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureInvalid.selector, vm.addr(signerKey), digest));
        net.openChannel(a, c, 1, la, lc, s0, _signedBy(A_KEY, C_KEY, digest));
        net.openChannel(a, c, 1, la, lc, s0, _signedBy(A_KEY, signerKey, digest));
        assertEq(_usdcIn(c), 500_000e6 - 1_000e6, "c's collateral from c's account, not its signer's");
    }

    function test_stateSignedByOtherBrokerKeyReverts() public {
        (bytes32 id,) = _open(1, 1_000e6, 1_000e6);
        ChannelState memory v1 = _state(id, 1, Intent.OPERATE, _one(address(usdc), 1_500e6, 500e6));
        bytes32 digest = net.hashState(v1);
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureInvalid.selector, b, digest));
        net.checkpoint(v1, _signedBy(A_KEY, C_KEY, digest));
    }

    function _signedBy(uint256 keyA, uint256 keyB, bytes32 digest)
        internal
        pure
        returns (BrokerSignatures memory)
    {
        return BrokerSignatures(_sign(keyA, digest), _sign(keyB, digest));
    }
}

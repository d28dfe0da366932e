// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBrokerNetwork} from "../../../src/interfaces/IBrokerNetwork.sol";
import {BrokerStake} from "../../../src/libraries/BrokerStake.sol";
import {BrokerFixture} from "../utils/BrokerFixture.sol";

/// Registry, stake, quota, unstake and slash rules (seed 002; SECURITY.md broker attacks).
contract BrokerRegistryTest is BrokerFixture {
    function test_registerRecordsSignerAndUrl() public view {
        IBrokerNetwork.BrokerView memory view_ = net.broker(a);
        assertTrue(view_.registered, "registered");
        assertEq(view_.signer, a, "signer");
        assertEq(keccak256(bytes(view_.url)), keccak256("https://broker.example/b2b"), "url");
        assertEq(view_.stake, STAKE_4, "stake");
        assertEq(view_.quota, 4, "quota");
    }

    function test_registerTwiceReverts() public {
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(BrokerStake.BrokerAlreadyRegistered.selector, a));
        net.registerBroker(a, "x");
    }

    function test_stakeRequiresRegistration() public {
        vm.prank(victim);
        vm.expectRevert(abi.encodeWithSelector(BrokerStake.BrokerNotRegistered.selector, victim));
        net.stake(1);
    }

    function test_stakeMovesCustodyBalanceIntoHeld() public {
        uint256 before = custody.balanceOf(c, address(networkToken));
        vm.prank(c);
        net.stake(500_000e18);
        assertEq(custody.balanceOf(c, address(networkToken)), before - 500_000e18, "custody balance debited");
        assertEq(custody.heldForBrokers(address(networkToken)), 2 * STAKE_4 + 500_000e18, "held for brokers");
        assertEq(net.quotaOf(c), 8, "500k -> 8");
    }

    function test_quotaTableOfSeed002() public {
        vm.prank(c);
        net.stake(250_000e18);
        assertEq(net.quotaOf(c), 4, "250k -> 4");
        vm.prank(c);
        net.stake(250_000e18);
        assertEq(net.quotaOf(c), 8, "500k -> 8");
        vm.prank(c);
        net.stake(500_000e18);
        assertEq(net.quotaOf(c), 16, "1M -> 16");
    }

    function test_fuzz_quotaIsStakeOverPerChannel(uint256 amount) public {
        amount = 1 + (amount % 1_000_000e18);
        vm.prank(c);
        net.stake(amount);
        assertEq(net.quotaOf(c), amount / PER_CHANNEL, "quota = stake / 62,500 tokens, rounded down");
    }

    function test_signerChangeLockedWhileChannelOpen() public {
        _open(1, 1_000e6, 1_000e6);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(BrokerStake.BrokerSignerLockedByChannels.selector, a, 1));
        net.updateBroker(victim, "https://new");
        vm.prank(a);
        net.updateBroker(a, "https://new"); // the url may change
        assertEq(keccak256(bytes(net.broker(a).url)), keccak256("https://new"), "url updated");
    }

    function test_attack_unstakeWithOpenChannelReverts() public {
        _open(1, 1_000e6, 1_000e6);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(BrokerStake.BrokerHasOpenChannels.selector, a, 1));
        net.requestUnstake();
    }

    function test_unstakeWaitsThirtyDaysThenReturnsStakeToCustody() public {
        vm.prank(a);
        net.requestUnstake();
        assertEq(net.quotaOf(a), 0, "quota zero while unstaking");
        uint40 unlockAt = uint40(block.timestamp + 30 days);
        vm.warp(unlockAt - 1);
        vm.prank(a);
        vm.expectRevert(
            abi.encodeWithSelector(BrokerStake.BrokerUnstakeNotDue.selector, a, unlockAt, uint256(unlockAt) - 1)
        );
        net.withdrawStake();
        vm.warp(unlockAt);
        uint256 before = custody.balanceOf(a, address(networkToken));
        vm.prank(a);
        net.withdrawStake();
        assertEq(custody.balanceOf(a, address(networkToken)), before + STAKE_4, "stake back in custody");
        assertEq(net.broker(a).stake, 0, "no stake left");
    }

    function test_cancelUnstakeRestoresQuota() public {
        vm.prank(a);
        net.requestUnstake();
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(BrokerStake.BrokerUnstaking.selector, a, uint40(block.timestamp + 30 days)));
        net.stake(1);
        vm.prank(a);
        net.cancelUnstake();
        assertEq(net.quotaOf(a), 4, "quota back");
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(BrokerStake.BrokerNotUnstaking.selector, a));
        net.withdrawStake();
    }

    function test_attack_openWhileUnstakingExceedsQuota() public {
        vm.prank(a);
        net.requestUnstake();
        vm.expectRevert(abi.encodeWithSelector(BrokerStake.BrokerQuotaExceeded.selector, a, 0, 0));
        this.openExternal(1);
    }

    function openExternal(uint64 nonce) external {
        _open(nonce, 1_000e6, 1_000e6);
    }

    // ── slash ─────────────────────────────────────────────────────────────────────────

    function test_slashPaysVictimInCustody() public {
        vm.prank(arbiter);
        net.slash(a, 50_000e18, victim, keccak256("decision-1"));
        assertEq(custody.balanceOf(victim, address(networkToken)), 50_000e18, "victim credited in custody");
        assertEq(net.broker(a).stake, STAKE_4 - 50_000e18, "stake reduced");
        assertEq(net.lastSlashAt(), block.timestamp, "cooldown starts");
    }

    function test_attack_slashByNonArbiterReverts() public {
        vm.prank(b);
        vm.expectRevert(abi.encodeWithSelector(IBrokerNetwork.BrokerNotArbiter.selector, b));
        net.slash(a, 1, b, keccak256("d"));
    }

    function test_attack_slashBeyondCapReverts() public {
        uint256 cap = STAKE_4 * SLASH_CAP_BPS / 10_000;
        vm.prank(arbiter);
        vm.expectRevert(abi.encodeWithSelector(BrokerStake.BrokerSlashExceedsCap.selector, a, cap + 1, cap));
        net.slash(a, cap + 1, victim, keccak256("d"));
    }

    function test_attack_slashInsideCooldownReverts() public {
        vm.prank(arbiter);
        net.slash(a, 1e18, victim, keccak256("d1"));
        vm.warp(block.timestamp + SLASH_COOLDOWN - 1);
        vm.prank(arbiter);
        vm.expectRevert(
            abi.encodeWithSelector(
                BrokerStake.BrokerSlashCooldown.selector, START + SLASH_COOLDOWN, START + SLASH_COOLDOWN - 1
            )
        );
        net.slash(b, 1e18, victim, keccak256("d2")); // the cooldown is network-wide: another broker too
        vm.warp(START + SLASH_COOLDOWN);
        vm.prank(arbiter);
        net.slash(b, 1e18, victim, keccak256("d2"));
    }

    function test_attack_slashToArbiterOrSelfReverts() public {
        vm.startPrank(arbiter);
        vm.expectRevert(abi.encodeWithSelector(BrokerStake.BrokerSlashBeneficiaryInvalid.selector, arbiter));
        net.slash(a, 1e18, arbiter, keccak256("d"));
        vm.expectRevert(abi.encodeWithSelector(BrokerStake.BrokerSlashBeneficiaryInvalid.selector, a));
        net.slash(a, 1e18, a, keccak256("d"));
        vm.stopPrank();
    }

    function test_attack_slashDecisionReusedReverts() public {
        vm.prank(arbiter);
        net.slash(a, 1e18, victim, keccak256("d"));
        vm.warp(block.timestamp + SLASH_COOLDOWN);
        vm.prank(arbiter);
        vm.expectRevert(abi.encodeWithSelector(BrokerStake.BrokerSlashDecisionInvalid.selector, keccak256("d")));
        net.slash(b, 1e18, victim, keccak256("d"));
    }

    function test_slashWhileUnstakingAllowedAndReducesWithdrawal() public {
        vm.prank(a);
        net.requestUnstake();
        vm.prank(arbiter);
        net.slash(a, 10_000e18, victim, keccak256("d"));
        vm.warp(block.timestamp + 30 days);
        uint256 before = custody.balanceOf(a, address(networkToken));
        vm.prank(a);
        net.withdrawStake();
        assertEq(custody.balanceOf(a, address(networkToken)), before + STAKE_4 - 10_000e18, "what the slash left");
    }

    function test_fuzz_slashNeverExceedsCap(uint256 amount, uint256 staked) public {
        staked = 1e18 + (staked % 1_000_000e18);
        vm.prank(c);
        net.stake(staked);
        uint256 cap = staked * SLASH_CAP_BPS / 10_000;
        amount = 1 + (amount % (2 * cap + 1));
        vm.prank(arbiter);
        if (amount > cap) {
            vm.expectRevert(abi.encodeWithSelector(BrokerStake.BrokerSlashExceedsCap.selector, c, amount, cap));
            net.slash(c, amount, victim, keccak256("fuzz"));
            return;
        }
        net.slash(c, amount, victim, keccak256("fuzz"));
        assertEq(net.broker(c).stake + amount, staked, "stake conserved");
        assertEq(custody.balanceOf(victim, address(networkToken)), amount, "victim paid exactly");
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MultipartyLifecycle} from "../../../src/multiparty/MultipartyLifecycle.sol";
import {MultipartyPayouts} from "../../../src/multiparty/MultipartyPayouts.sol";
import {BalanceLeaf, Checkpoint, TokenTotal} from "../../../src/multiparty/MultipartyTypes.sol";
import {MultipartyFixture} from "./MultipartyFixture.sol";

/// Propose → challenge → finalize → claim, and every refusal on the way (SECURITY.md's
/// multi-party attacks: below the threshold, a duplicated signer, a claim twice, an invented deposit).
contract MultipartySettlementTest is MultipartyFixture {
    bytes32 internal id;
    BalanceLeaf[] internal v1Leaves;
    BalanceLeaf[] internal v2Leaves;

    /// Three participants, threshold 2; 0 deposits 600 USDC and 1 deposits 400: version 1 says
    /// 0 paid 100 to 2; version 2 that 1 also withdrew 50.
    function setUp() public override {
        super.setUp();
        id = _openActive(3, 2);
        _deposit(id, 0, usdc, 600e6);
        _deposit(id, 1, usdc, 400e6);
        v1Leaves.push(_leaf(0, usdc, 500e6, 0, 0));
        v1Leaves.push(_leaf(1, usdc, 400e6, 0, 0));
        v1Leaves.push(_leaf(2, usdc, 100e6, 0, 0));
        v2Leaves.push(_leaf(0, usdc, 450e6, 50e6, 0));
        v2Leaves.push(_leaf(1, usdc, 350e6, 0, 50e6));
        v2Leaves.push(_leaf(2, usdc, 100e6, 0, 0));
    }

    function _v1() internal view returns (Checkpoint memory) {
        return _checkpoint(id, 1, v1Leaves, _totals1(usdc, 1_000e6, 0));
    }

    function _v2() internal view returns (Checkpoint memory) {
        return _checkpoint(id, 2, v2Leaves, _totals1(usdc, 1_000e6, 50e6));
    }

    function _pair(uint256 a, uint256 b) internal pure returns (uint256[] memory out) {
        out = new uint256[](2);
        out[0] = a;
        out[1] = b;
    }

    function test_proposeFinalizeClaimPaysEveryLeafExactlyTheDeposits() public {
        Checkpoint memory cp = _v1();
        mp.proposeSettlement(cp, _sigs(cp, _pair(2, 1)));
        vm.warp(START + PERIOD);
        mp.finalizeSettlement(id);
        uint256[3] memory before;
        for (uint256 i = 0; i < 3; ++i) before[i] = usdc.balanceOf(participants[i]);
        for (uint256 i = 0; i < 3; ++i) _claim(id, v1Leaves, i);
        assertEq(usdc.balanceOf(participants[0]) - before[0], 500e6, "0 paid");
        assertEq(usdc.balanceOf(participants[1]) - before[1], 400e6, "1 paid");
        assertEq(usdc.balanceOf(participants[2]) - before[2], 100e6, "2 paid");
        (uint256 deposited, uint256 paid) = mp.tokenAccount(id, address(usdc));
        assertEq(paid, deposited, "everything deposited is paid out");
        assertEq(usdc.balanceOf(address(mp)), 0, "nothing left behind");
    }

    function test_claimTwiceIsRefused() public {
        _settle(id, 3, v1Leaves, _totals1(usdc, 1_000e6, 0));
        _claim(id, v1Leaves, 2);
        bytes32[] memory proof = _proof(_leafHashes(id, v1Leaves), 2);
        vm.expectRevert(
            abi.encodeWithSelector(MultipartyPayouts.MultipartyAlreadyClaimed.selector, id, participants[2], address(usdc))
        );
        mp.claim(id, v1Leaves[2], proof);
    }

    function test_aLeafOfATokenNeverDepositedPaysNothing() public {
        BalanceLeaf[] memory leaves = new BalanceLeaf[](2);
        leaves[0] = _leaf(0, usdc, 1_000e6, 0, 0);
        leaves[1] = _leaf(1, weth, 5e18, 0, 0);
        _settle(id, 3, leaves, _totals1(usdc, 1_000e6, 0));
        _claim(id, leaves, 0);
        assertTrue(mp.claimed(id, participants[0], address(usdc)), "usdc claimed");
        assertTrue(!mp.claimed(id, participants[0], address(weth)), "weth not claimed");
        bytes32[] memory proof = _proof(_leafHashes(id, leaves), 1);
        vm.expectRevert(
            abi.encodeWithSelector(MultipartyPayouts.MultipartyClaimExceedsDeposits.selector, id, address(weth), 0, 5e18)
        );
        mp.claim(id, leaves[1], proof);
    }

    function test_inflatedLeafIsRefused() public {
        _settle(id, 3, v1Leaves, _totals1(usdc, 1_000e6, 0));
        BalanceLeaf memory inflated = v1Leaves[2];
        inflated.free += 1;
        bytes32[] memory proof = _proof(_leafHashes(id, v1Leaves), 2);
        bytes32 node = mp.balanceLeaf(id, inflated);
        vm.expectRevert(abi.encodeWithSelector(MultipartyPayouts.MultipartyProofInvalid.selector, id, node));
        mp.claim(id, inflated, proof);
    }

    function test_fewerThanThresholdSignaturesAreRefused() public {
        Checkpoint memory cp = _v1();
        bytes[] memory sigs = _firstSigs(cp, 1);
        vm.expectRevert(abi.encodeWithSelector(MultipartyLifecycle.MultipartyBelowThreshold.selector, id, 1, 2));
        mp.proposeSettlement(cp, sigs);
    }

    function test_duplicatedSignerIsRefused() public {
        Checkpoint memory cp = _v1();
        bytes[] memory sigs = _sigs(cp, _pair(1, 1));
        vm.expectRevert(
            abi.encodeWithSelector(MultipartyLifecycle.MultipartyDuplicateSigner.selector, id, participants[1])
        );
        mp.proposeSettlement(cp, sigs);
    }

    function test_signatureOverAnotherCheckpointIsRefused() public {
        Checkpoint memory cp = _v1();
        bytes[] memory sigs = _firstSigs(cp, 2);
        cp.balancesRoot = keccak256("another root");
        // the signature recovers to an unrelated address over the altered checkpoint's digest
        address recovered = ECDSA.recover(mp.checkpointDigest(cp), sigs[0]);
        vm.expectRevert(abi.encodeWithSelector(MultipartyLifecycle.MultipartyNotParticipant.selector, id, recovered));
        mp.proposeSettlement(cp, sigs);
        assertEq(uint256(mp.channel(id).status), uint256(MultipartyLifecycle.Status.Active), "not proposed");
    }

    function test_inventedDepositIsRefused() public {
        // the totals claim 1 USDC more than was deposited on chain
        Checkpoint memory cp = _checkpoint(id, 1, v1Leaves, _totals1(usdc, 1_000e6 + 1, 0));
        bytes[] memory sigs = _firstSigs(cp, 3);
        vm.expectRevert(
            abi.encodeWithSelector(
                MultipartyLifecycle.MultipartyTotalsMismatch.selector, id, address(usdc), 1_000e6, 1_000e6 + 1
            )
        );
        mp.proposeSettlement(cp, sigs);
        // a token never deposited on chain, in place of the real one
        cp = _checkpoint(id, 1, v1Leaves, _totals1(weth, 1_000e6, 0));
        sigs = _firstSigs(cp, 3);
        vm.expectRevert(
            abi.encodeWithSelector(MultipartyLifecycle.MultipartyTotalsMismatch.selector, id, address(weth), 0, 1_000e6)
        );
        mp.proposeSettlement(cp, sigs);
        // a deposit left out: the on-chain token is missing from the totals
        cp = _checkpoint(id, 1, v1Leaves, new TokenTotal[](0));
        sigs = _firstSigs(cp, 3);
        vm.expectRevert(
            abi.encodeWithSelector(MultipartyLifecycle.MultipartyTotalsTokenCountMismatch.selector, id, 1, 0)
        );
        mp.proposeSettlement(cp, sigs);
    }

    function test_moreWithdrawnThanDepositedIsRefused() public {
        Checkpoint memory cp = _checkpoint(id, 1, v1Leaves, _totals1(usdc, 1_000e6, 1_000e6 + 1));
        bytes[] memory sigs = _firstSigs(cp, 3);
        vm.expectRevert(
            abi.encodeWithSelector(
                MultipartyLifecycle.MultipartyWithdrawnExceedsDeposited.selector,
                id,
                address(usdc),
                1_000e6,
                1_000e6 + 1
            )
        );
        mp.proposeSettlement(cp, sigs);
    }

    function test_depositsStopOnceSettlementIsProposed() public {
        Checkpoint memory cp = _v1();
        mp.proposeSettlement(cp, _firstSigs(cp, 2));
        vm.prank(participants[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                MultipartyLifecycle.MultipartyWrongStatus.selector,
                id,
                MultipartyLifecycle.Status.Active,
                MultipartyLifecycle.Status.Settling
            )
        );
        mp.deposit(id, address(usdc), 1);
    }

    function test_challengeReplacesTheRootAndRestartsTheClock() public {
        Checkpoint memory cp1 = _v1();
        mp.proposeSettlement(cp1, _firstSigs(cp1, 2));
        vm.warp(START + PERIOD - 1);
        Checkpoint memory cp2 = _v2();
        bytes[] memory sigs = _sigs(cp2, _pair(1, 2));
        vm.prank(participants[2]);
        mp.challengeSettlement(cp2, sigs);
        assertEq(mp.channel(id).deadline, START + 2 * PERIOD - 1, "clock restarted");
        assertEq(mp.channel(id).balancesRoot, cp2.balancesRoot, "newer root");
        vm.warp(START + 2 * PERIOD - 1);
        mp.finalizeSettlement(id);
        // a leaf of the replaced root no longer pays
        bytes32 stale = mp.balanceLeaf(id, v1Leaves[0]);
        bytes32[] memory staleProof = _proof(_leafHashes(id, v1Leaves), 0);
        vm.expectRevert(abi.encodeWithSelector(MultipartyPayouts.MultipartyProofInvalid.selector, id, stale));
        mp.claim(id, v1Leaves[0], staleProof);
        uint256 before = usdc.balanceOf(participants[1]);
        _claim(id, v2Leaves, 1);
        assertEq(usdc.balanceOf(participants[1]) - before, 400e6, "free + withdrawn paid");
        _claim(id, v2Leaves, 0);
        _claim(id, v2Leaves, 2);
        assertEq(usdc.balanceOf(address(mp)), 0, "v2 pays exactly the deposits");
    }

    function test_staleChallengeIsRefused() public {
        Checkpoint memory cp2 = _v2();
        mp.proposeSettlement(cp2, _firstSigs(cp2, 2));
        Checkpoint memory cp1 = _v1();
        bytes[] memory sigs = _firstSigs(cp1, 3);
        vm.prank(participants[0]);
        vm.expectRevert(abi.encodeWithSelector(MultipartyLifecycle.MultipartyChallengeNotNewer.selector, id, 2, 1));
        mp.challengeSettlement(cp1, sigs);
        // the same version is not newer either
        Checkpoint memory same = _checkpoint(id, 2, v1Leaves, _totals1(usdc, 1_000e6, 0));
        sigs = _firstSigs(same, 3);
        vm.prank(participants[0]);
        vm.expectRevert(abi.encodeWithSelector(MultipartyLifecycle.MultipartyChallengeNotNewer.selector, id, 2, 2));
        mp.challengeSettlement(same, sigs);
    }

    function test_challengeAtOrAfterTheDeadlineIsRefused() public {
        Checkpoint memory cp1 = _v1();
        mp.proposeSettlement(cp1, _firstSigs(cp1, 2));
        Checkpoint memory cp2 = _v2();
        bytes[] memory sigs = _firstSigs(cp2, 2);
        vm.warp(START + PERIOD);
        vm.prank(participants[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                MultipartyLifecycle.MultipartyChallengeExpired.selector, id, START + PERIOD, START + PERIOD
            )
        );
        mp.challengeSettlement(cp2, sigs);
    }

    function test_secondChallengeBySameParticipantIsRefused() public {
        Checkpoint memory cp1 = _v1();
        mp.proposeSettlement(cp1, _firstSigs(cp1, 2));
        Checkpoint memory cp2 = _v2();
        bytes[] memory sigs2 = _firstSigs(cp2, 2);
        vm.prank(participants[1]);
        mp.challengeSettlement(cp2, sigs2);
        Checkpoint memory cp3 = _checkpoint(id, 3, v2Leaves, _totals1(usdc, 1_000e6, 50e6));
        bytes[] memory sigs = _firstSigs(cp3, 2);
        vm.prank(participants[1]);
        vm.expectRevert(
            abi.encodeWithSelector(MultipartyLifecycle.MultipartyAlreadyChallenged.selector, id, participants[1])
        );
        mp.challengeSettlement(cp3, sigs);
        // another participant still has its challenge
        vm.prank(participants[2]);
        mp.challengeSettlement(cp3, sigs);
        assertEq(mp.channel(id).version, 3, "version 3 proposed");
    }

    function test_challengeByOutsiderIsRefused() public {
        Checkpoint memory cp1 = _v1();
        mp.proposeSettlement(cp1, _firstSigs(cp1, 2));
        Checkpoint memory cp2 = _v2();
        bytes[] memory sigs = _firstSigs(cp2, 2);
        address outsider = address(0xBEEF);
        vm.prank(outsider);
        vm.expectRevert(abi.encodeWithSelector(MultipartyLifecycle.MultipartyNotParticipant.selector, id, outsider));
        mp.challengeSettlement(cp2, sigs);
    }

    function test_finalizeBeforeTheDeadlineIsRefused() public {
        Checkpoint memory cp1 = _v1();
        mp.proposeSettlement(cp1, _firstSigs(cp1, 2));
        vm.warp(START + PERIOD - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                MultipartyLifecycle.MultipartySettlementNotExpired.selector, id, START + PERIOD, START + PERIOD - 1
            )
        );
        mp.finalizeSettlement(id);
        vm.warp(START + PERIOD);
        mp.finalizeSettlement(id);
        assertEq(uint256(mp.channel(id).status), uint256(MultipartyLifecycle.Status.Finalized), "final at the deadline");
    }

    function test_claimBeforeFinalizationIsRefused() public {
        Checkpoint memory cp1 = _v1();
        mp.proposeSettlement(cp1, _firstSigs(cp1, 2));
        bytes32[] memory proof = _proof(_leafHashes(id, v1Leaves), 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                MultipartyLifecycle.MultipartyWrongStatus.selector,
                id,
                MultipartyLifecycle.Status.Finalized,
                MultipartyLifecycle.Status.Settling
            )
        );
        mp.claim(id, v1Leaves[0], proof);
    }

    function test_aCoSignedRootCannotPayMoreThanTheDeposits() public {
        // every participant signs leaves worth 1,001 USDC over 1,000 deposited: the last claim stops
        BalanceLeaf[] memory leaves = new BalanceLeaf[](2);
        leaves[0] = _leaf(0, usdc, 600e6, 0, 0);
        leaves[1] = _leaf(1, usdc, 401e6, 0, 0);
        _settle(id, 3, leaves, _totals1(usdc, 1_000e6, 0));
        _claim(id, leaves, 0);
        bytes32[] memory proof = _proof(_leafHashes(id, leaves), 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                MultipartyPayouts.MultipartyClaimExceedsDeposits.selector, id, address(usdc), 400e6, 401e6
            )
        );
        mp.claim(id, leaves[1], proof);
    }
}

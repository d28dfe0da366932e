// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Signatures} from "../../../src/libraries/Signatures.sol";
import {MultipartyEvidence} from "../../../src/multiparty/MultipartyEvidence.sol";
import {MultipartyHashing} from "../../../src/multiparty/MultipartyHashing.sol";
import {MultipartyLifecycle} from "../../../src/multiparty/MultipartyLifecycle.sol";
import {MultipartyPayouts} from "../../../src/multiparty/MultipartyPayouts.sol";
import {BalanceLeaf, Checkpoint, ForkWitness, Op} from "../../../src/multiparty/MultipartyTypes.sol";
import {MultipartyFixture} from "./MultipartyFixture.sol";

/// Slashing a bond for equivocation (two signed ops or heads of one author at one seq) and for
/// two signed checkpoints of one version; the bond goes to the others with their own bonds.
contract MultipartySlashingTest is MultipartyFixture {
    bytes32 internal id;
    bytes32 internal constant GENESIS = bytes32(0);

    function setUp() public override {
        super.setUp();
        id = _openActive(4, 0);
        _deposit(id, 1, usdc, 100e6);
    }

    function _slashFork(uint64 seq, ForkWitness memory a, ForkWitness memory b) internal {
        mp.slashEquivocation(id, participants[1], seq, a, b);
    }

    function test_twoSignedOpsAtOneSeqSlashTheBondToTheOthers() public {
        ForkWitness memory a = _opWitness(1, _transferOp(id, 1, 0, GENESIS, 2, 60e6));
        ForkWitness memory b = _opWitness(1, _transferOp(id, 1, 0, GENESIS, 3, 60e6));
        _slashFork(0, a, b);
        assertTrue(mp.member(id, participants[1]).slashed, "slashed");
        assertTrue(!mp.member(id, participants[1]).bonded, "bond taken");
        // 1,000 over three others: 333.333334 to the first, 333.333333 to each other
        assertEq(mp.member(id, participants[0]).compensation, 333_333_334, "first other takes the remainder");
        assertEq(mp.member(id, participants[2]).compensation, 333_333_333, "share");
        assertEq(mp.member(id, participants[3]).compensation, 333_333_333, "share");
        vm.expectRevert(
            abi.encodeWithSelector(MultipartyPayouts.MultipartyAlreadySlashed.selector, id, participants[1])
        );
        _slashFork(0, a, b);
    }

    function test_aSignedHeadAboveTheForkProvesItThroughThePath() public {
        // chain one: op X at seq 0, op Y at seq 1 (prev X), a head signed at seq 1; chain two: op Z at seq 0
        Op memory x = _transferOp(id, 1, 0, GENESIS, 2, 10e6);
        Op[] memory path = new Op[](1);
        path[0] = _transferOp(id, 1, 1, mp.opHash(x), 3, 10e6);
        ForkWitness memory byHead = _headWitness(1, id, mp.opHash(x), path);
        ForkWitness memory byOp = _opWitness(1, _transferOp(id, 1, 0, GENESIS, 2, 20e6));
        _slashFork(0, byHead, byOp);
        assertTrue(mp.member(id, participants[1]).slashed, "slashed by head + path");
    }

    function test_oneOpTwiceIsNotAFork() public {
        ForkWitness memory a = _opWitness(1, _transferOp(id, 1, 0, GENESIS, 2, 60e6));
        vm.expectRevert(
            abi.encodeWithSelector(MultipartyEvidence.MultipartyNotAFork.selector, participants[1], 0, a.hash)
        );
        _slashFork(0, a, a);
    }

    function test_aForgedSignatureIsRefused() public {
        ForkWitness memory a = _opWitness(1, _transferOp(id, 1, 0, GENESIS, 2, 60e6));
        Op memory other = _transferOp(id, 1, 0, GENESIS, 3, 60e6);
        ForkWitness memory forged = _opWitness(2, other); // signed by participant 2, claimed as 1's
        bytes32 digest = mp.opDigest(other);
        vm.expectRevert(abi.encodeWithSelector(Signatures.SignatureInvalid.selector, participants[1], digest));
        _slashFork(0, a, forged);
    }

    function test_aPathThatDoesNotLinkIsRefused() public {
        Op memory x = _transferOp(id, 1, 0, GENESIS, 2, 10e6);
        Op[] memory path = new Op[](1);
        path[0] = _transferOp(id, 1, 1, keccak256("not x"), 3, 10e6);
        ForkWitness memory byHead = _headWitness(1, id, mp.opHash(x), path);
        ForkWitness memory byOp = _opWitness(1, _transferOp(id, 1, 0, GENESIS, 2, 20e6));
        vm.expectRevert(
            abi.encodeWithSelector(
                MultipartyEvidence.MultipartyWitnessLinkBroken.selector, 0, mp.opHash(x), keccak256("not x")
            )
        );
        _slashFork(0, byHead, byOp);
    }

    function test_opsAtDifferentSeqsAreRefused() public {
        ForkWitness memory a = _opWitness(1, _transferOp(id, 1, 0, GENESIS, 2, 60e6));
        ForkWitness memory b = _opWitness(1, _transferOp(id, 1, 1, a.hash, 3, 60e6));
        vm.expectRevert(abi.encodeWithSelector(MultipartyEvidence.MultipartyWitnessSeqMismatch.selector, 0, 1));
        _slashFork(0, a, b);
    }

    function test_anotherChannelsOpsAreRefused() public {
        bytes32 other = keccak256("another channel");
        ForkWitness memory a = _opWitness(1, _transferOp(other, 1, 0, GENESIS, 2, 60e6));
        ForkWitness memory b = _opWitness(1, _transferOp(other, 1, 0, GENESIS, 3, 60e6));
        vm.expectRevert(
            abi.encodeWithSelector(MultipartyEvidence.MultipartyWitnessChannelMismatch.selector, id, other)
        );
        _slashFork(0, a, b);
    }

    function _checkpointWithRoot(uint64 version, bytes32 root) internal view returns (Checkpoint memory cp) {
        cp = _checkpoint(id, version, new BalanceLeaf[](0), _totals1(usdc, 100e6, 0));
        cp.balancesRoot = root;
    }

    function structHashOf(Checkpoint calldata checkpoint) external pure returns (bytes32) {
        return MultipartyHashing.hashCheckpoint(checkpoint);
    }

    function test_twoCheckpointsOfOneVersionSlashTheSigner() public {
        Checkpoint memory a = _checkpointWithRoot(5, keccak256("a"));
        Checkpoint memory b = _checkpointWithRoot(5, keccak256("b"));
        bytes memory sigA = _sign(keys[2], mp.checkpointDigest(a));
        bytes memory sigB = _sign(keys[2], mp.checkpointDigest(b));
        mp.slashDoubleCheckpoint(id, participants[2], a, sigA, b, sigB);
        assertTrue(mp.member(id, participants[2]).slashed, "slashed");
        assertEq(mp.member(id, participants[0]).compensation, 333_333_334, "first other takes the remainder");
    }

    function test_checkpointsOfTwoVersionsOrOneCheckpointTwiceAreRefused() public {
        Checkpoint memory a = _checkpointWithRoot(5, keccak256("a"));
        Checkpoint memory b = _checkpointWithRoot(6, keccak256("b"));
        bytes memory sigA = _sign(keys[2], mp.checkpointDigest(a));
        bytes memory sigB = _sign(keys[2], mp.checkpointDigest(b));
        vm.expectRevert(abi.encodeWithSelector(MultipartyEvidence.MultipartyCheckpointVersionsDiffer.selector, 5, 6));
        mp.slashDoubleCheckpoint(id, participants[2], a, sigA, b, sigB);
        vm.expectRevert(
            abi.encodeWithSelector(MultipartyEvidence.MultipartyCheckpointsIdentical.selector, this.structHashOf(a))
        );
        mp.slashDoubleCheckpoint(id, participants[2], a, sigA, a, sigA);
        assertTrue(!mp.member(id, participants[2]).slashed, "not slashed");
    }

    function test_bondAndCompensationArePaidOnceFinal() public {
        ForkWitness memory a = _opWitness(1, _transferOp(id, 1, 0, GENESIS, 2, 60e6));
        ForkWitness memory b = _opWitness(1, _transferOp(id, 1, 0, GENESIS, 3, 60e6));
        _slashFork(0, a, b);
        BalanceLeaf[] memory leaves = new BalanceLeaf[](1);
        leaves[0] = _leaf(1, usdc, 100e6, 0, 0);
        vm.prank(participants[2]);
        vm.expectRevert(
            abi.encodeWithSelector(
                MultipartyLifecycle.MultipartyWrongStatus.selector,
                id,
                MultipartyLifecycle.Status.Finalized,
                MultipartyLifecycle.Status.Active
            )
        );
        mp.withdrawBond(id);
        _settle(id, 4, leaves, _totals1(usdc, 100e6, 0));
        uint256 before = bondToken.balanceOf(participants[2]);
        vm.prank(participants[2]);
        mp.withdrawBond(id);
        assertEq(bondToken.balanceOf(participants[2]) - before, BOND + 333_333_333, "own bond + share");
        vm.prank(participants[1]);
        vm.expectRevert(
            abi.encodeWithSelector(MultipartyLifecycle.MultipartyNothingToWithdraw.selector, id, participants[1])
        );
        mp.withdrawBond(id);
        // the slashed author's balance is still its own: slashing takes the bond, not the claim
        _claim(id, leaves, 0);
        assertEq(usdc.balanceOf(address(mp)), 0, "claim paid");
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TokenTransfers} from "../../../src/libraries/TokenTransfers.sol";
import {IMultipartyChannel} from "../../../src/multiparty/IMultipartyChannel.sol";
import {MultipartyLifecycle} from "../../../src/multiparty/MultipartyLifecycle.sol";
import {OpenParams} from "../../../src/multiparty/MultipartyTypes.sol";
import {MultipartyFixture} from "./MultipartyFixture.sol";

/// Opening (participants, matcher, threshold, bonds), bonds and deposits.
contract MultipartyOpenTest is MultipartyFixture {
    function _wrongStatus(bytes32 id, MultipartyLifecycle.Status expected, MultipartyLifecycle.Status status)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(MultipartyLifecycle.MultipartyWrongStatus.selector, id, expected, status);
    }

    function test_theChannelIsActiveOnceEveryBondIsPosted() public {
        OpenParams memory params = _params(3, 0, BOND);
        bytes32 id = mp.open(params);
        assertEq(id, mp.channelIdOf(params), "id commits to the terms");
        assertEq(mp.channel(id).threshold, 3, "threshold 0 means all");
        vm.prank(participants[0]);
        mp.postBond(id);
        vm.prank(participants[1]);
        mp.postBond(id);
        vm.prank(participants[1]);
        vm.expectRevert(_wrongStatus(id, MultipartyLifecycle.Status.Active, MultipartyLifecycle.Status.Opening));
        mp.deposit(id, address(usdc), 1);
        vm.prank(participants[2]);
        mp.postBond(id);
        assertEq(uint256(mp.channel(id).status), uint256(MultipartyLifecycle.Status.Active), "active");
        assertEq(bondToken.balanceOf(address(mp)), 3 * BOND, "bonds held");
    }

    function test_aBondCanBeTakenBackWhileOpeningAndPostedOnlyOnce() public {
        bytes32 id = mp.open(_params(2, 0, BOND));
        vm.prank(participants[0]);
        mp.postBond(id);
        vm.prank(participants[0]);
        vm.expectRevert(
            abi.encodeWithSelector(MultipartyLifecycle.MultipartyAlreadyBonded.selector, id, participants[0])
        );
        mp.postBond(id);
        uint256 before = bondToken.balanceOf(participants[0]);
        vm.prank(participants[0]);
        mp.withdrawBond(id);
        assertEq(bondToken.balanceOf(participants[0]) - before, BOND, "refunded");
        assertEq(mp.channel(id).unbonded, 2, "both bonds missing again");
    }

    function test_aZeroBondIsPostedFromTheStartAndCannotBeTakenBack() public {
        OpenParams memory params = _params(2, 0, BOND);
        params.bonds[1] = 0;
        bytes32 id = mp.open(params);
        assertEq(mp.channel(id).unbonded, 1, "only the nonzero bond is missing");
        vm.prank(participants[1]);
        vm.expectRevert(
            abi.encodeWithSelector(MultipartyLifecycle.MultipartyNothingToWithdraw.selector, id, participants[1])
        );
        mp.withdrawBond(id);
        vm.prank(participants[0]);
        mp.postBond(id);
        assertEq(uint256(mp.channel(id).status), uint256(MultipartyLifecycle.Status.Active), "active");
    }

    function test_zeroBondsOpenActive() public {
        bytes32 id = mp.open(_params(2, 0, 0));
        assertEq(uint256(mp.channel(id).status), uint256(MultipartyLifecycle.Status.Active), "active at once");
    }

    function test_theSameTermsTwiceAreRefused() public {
        OpenParams memory params = _params(2, 0, BOND);
        bytes32 id = mp.open(params);
        vm.expectRevert(abi.encodeWithSelector(MultipartyLifecycle.MultipartyChannelExists.selector, id));
        mp.open(params);
    }

    function test_invalidTermsAreRefused() public {
        OpenParams memory params = _params(4, 2, BOND); // 2 of 4: two disjoint quorums
        vm.expectRevert(abi.encodeWithSelector(MultipartyLifecycle.MultipartyThresholdInvalid.selector, 4, 2));
        mp.open(params);
        params = _params(3, 4, BOND);
        vm.expectRevert(abi.encodeWithSelector(MultipartyLifecycle.MultipartyThresholdInvalid.selector, 3, 4));
        mp.open(params);
        params = _params(3, 0, BOND);
        (params.participants[1], params.participants[2]) = (params.participants[2], params.participants[1]);
        vm.expectRevert(
            abi.encodeWithSelector(
                MultipartyLifecycle.MultipartyParticipantsNotAscending.selector, 2, params.participants[2]
            )
        );
        mp.open(params);
        params = _params(3, 0, BOND);
        params.matcher = address(0xBEEF);
        vm.expectRevert(
            abi.encodeWithSelector(MultipartyLifecycle.MultipartyMatcherNotParticipant.selector, address(0xBEEF))
        );
        mp.open(params);
        params = _params(1, 0, BOND);
        vm.expectRevert(abi.encodeWithSelector(MultipartyLifecycle.MultipartyParticipantCountInvalid.selector, 1));
        mp.open(params);
        params = _params(3, 0, BOND);
        params.challengePeriod = 0;
        vm.expectRevert(abi.encodeWithSelector(MultipartyLifecycle.MultipartyChallengePeriodInvalid.selector, 0));
        mp.open(params);
        params = _params(3, 0, BOND);
        params.bondToken = address(0);
        vm.expectRevert(MultipartyLifecycle.MultipartyBondTokenMissing.selector);
        mp.open(params);
    }

    function test_depositIdsAreSequentialPerChannelAndCreditWhatArrived() public {
        bytes32 id = _openActive(2, 0);
        bytes32 first = _deposit(id, 0, usdc, 5e6);
        bytes32 second = _deposit(id, 1, weth, 7e18);
        assertEq(first, mp.depositIdOf(id, 0), "first id");
        assertEq(second, mp.depositIdOf(id, 1), "second id");
        assertEq(mp.channel(id).tokenCount, 2, "two tokens");
        (uint256 deposited,) = mp.tokenAccount(id, address(weth));
        assertEq(deposited, 7e18, "credited");
    }

    function test_depositsByOutsidersZeroOrOfNoTokenAreRefused() public {
        bytes32 id = _openActive(2, 0);
        address outsider = address(0xBEEF);
        usdc.mint(outsider, 1e6);
        vm.startPrank(outsider);
        usdc.approve(address(mp), 1e6);
        vm.expectRevert(abi.encodeWithSelector(MultipartyLifecycle.MultipartyNotParticipant.selector, id, outsider));
        mp.deposit(id, address(usdc), 1e6);
        vm.stopPrank();
        vm.prank(participants[0]);
        vm.expectRevert(IMultipartyChannel.MultipartyZeroAmount.selector);
        mp.deposit(id, address(usdc), 0);
        vm.prank(participants[0]);
        vm.expectRevert(abi.encodeWithSelector(IMultipartyChannel.MultipartyTokenInvalid.selector, address(0)));
        mp.deposit(id, address(0), 1);
        vm.prank(participants[0]);
        vm.expectRevert(
            abi.encodeWithSelector(TokenTransfers.CustodyBalanceQueryFailed.selector, address(0xCAFE))
        );
        mp.deposit(id, address(0xCAFE), 1);
    }
}

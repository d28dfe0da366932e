// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TokenTransfers} from "../../src/libraries/TokenTransfers.sol";
import {OddReturnToken} from "../../src/test/OddReturnToken.sol";
import {CustodyFixture} from "./utils/CustodyFixture.sol";

/// How a deposit reads the token's answer to transferFrom (TokenTransfers.pullToken's assembly):
/// true or no return data from a contract is success; false, any other word, a silent no-op
/// or an address without code is refused; so is ETH sent along with an ERC-20 deposit.
contract TokenPullTest is CustodyFixture {
    OddReturnToken private odd;

    function setUp() public override {
        super.setUp();
        odd = new OddReturnToken();
        odd.mint(other, 1_000e18);
    }

    function _deposit(OddReturnToken.Mode mode, uint256 amount) private {
        odd.setMode(mode);
        vm.prank(other);
        custody.deposit(address(odd), amount);
    }

    function _expectDepositReverts(OddReturnToken.Mode mode, uint256 amount, bytes memory revertData) private {
        odd.setMode(mode);
        vm.prank(other);
        vm.expectRevert(revertData);
        custody.deposit(address(odd), amount);
    }

    function test_returnsTrueIsCredited() public {
        _deposit(OddReturnToken.Mode.ReturnsTrue, 10e18);
        assertEq(custody.balanceOf(other, address(odd)), 10e18, "credited");
        assertEq(odd.balanceOf(address(custody)), 10e18, "held");
    }

    function test_returnsNothingIsCredited() public {
        _deposit(OddReturnToken.Mode.ReturnsNothing, 10e18);
        assertEq(custody.balanceOf(other, address(odd)), 10e18, "credited");
        assertEq(odd.balanceOf(address(custody)), 10e18, "held");
    }

    function test_returnsFalseReverts() public {
        _expectDepositReverts(
            OddReturnToken.Mode.ReturnsFalse,
            10e18,
            abi.encodeWithSelector(TokenTransfers.CustodyTransferFromFailed.selector, address(odd), other, 10e18)
        );
    }

    function test_nonBooleanWordReverts() public {
        _expectDepositReverts(
            OddReturnToken.Mode.ReturnsTwo,
            10e18,
            abi.encodeWithSelector(TokenTransfers.CustodyTransferFromFailed.selector, address(odd), other, 10e18)
        );
    }

    function test_successThatMovesNothingReverts() public {
        _expectDepositReverts(
            OddReturnToken.Mode.ReturnsTrueMovesNothing,
            10e18,
            abi.encodeWithSelector(TokenTransfers.CustodyReceivedAmountInvalid.selector, address(odd), 10e18, 0)
        );
    }

    function test_ethAttachedToAnErc20DepositReverts() public {
        vm.prank(other);
        vm.expectRevert(abi.encodeWithSelector(TokenTransfers.CustodyEthValueMismatch.selector, 1 wei, 0));
        custody.deposit{value: 1 wei}(address(usdc), 10e6);
    }

    function test_addressWithoutCodeReverts() public {
        address noCode = address(0xC0DE);
        vm.expectRevert(abi.encodeWithSelector(TokenTransfers.CustodyBalanceQueryFailed.selector, noCode));
        vm.prank(other);
        custody.deposit(noCode, 10e18);
    }
}

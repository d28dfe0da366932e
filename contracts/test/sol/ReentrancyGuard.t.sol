// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Custody} from "../../src/Custody.sol";
import {DemoToken} from "../../src/test/DemoToken.sol";
import {CustodyFixture} from "./utils/CustodyFixture.sol";

/// Calls two guarded functions one after the other inside one transaction.
contract TwoCallsInOneTransaction {
    function depositTwice(Custody custody, DemoToken token, uint256 amount) external {
        token.approve(address(custody), 2 * amount);
        custody.deposit(address(token), amount);
        custody.deposit(address(token), amount);
    }
}

/// Custody's own transient guard (contracts/src/utils/ReentrancyGuard.sol): re-entry is refused
/// (SecurityAttacks attack 6), but the guard is cleared after each call, so sequential calls in
/// one transaction (a smart wallet's batch) work.
contract ReentrancyGuardTest is CustodyFixture {
    function test_sequentialGuardedCallsInOneTransactionWork() public {
        TwoCallsInOneTransaction batch = new TwoCallsInOneTransaction();
        usdc.mint(address(batch), 20e6);
        batch.depositTwice(custody, usdc, 10e6);
        assertEq(custody.balanceOf(address(batch), address(usdc)), 20e6, "both deposits credited");
    }
}

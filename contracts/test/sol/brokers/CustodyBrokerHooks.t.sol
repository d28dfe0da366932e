// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Custody} from "../../../src/Custody.sol";
import {BrokerNetwork} from "../../../src/BrokerNetwork.sol";
import {BrokerLegs} from "../../../src/BrokerLegs.sol";
import {ICustody} from "../../../src/interfaces/ICustody.sol";
import {IBrokerNetwork} from "../../../src/interfaces/IBrokerNetwork.sol";
import {IBrokerLegs} from "../../../src/interfaces/IBrokerLegs.sol";
import {Ledger} from "../../../src/libraries/Ledger.sol";
import {DemoToken} from "../../../src/test/DemoToken.sol";
import {TestBase} from "../utils/Vm.sol";

/// The custody contract's broker hooks, with this test contract playing the module: only the
/// modules named at construction may call them, funds never leave the contract, and a module
/// can never release more than the modules hold.
contract CustodyBrokerHooksTest is TestBase {
    Custody internal custody;
    DemoToken internal usdc;
    address internal alice = address(0xA11CE);
    address internal bob = address(0xB0B);

    function setUp() public {
        custody = new Custody(address(0xE1), 1 days, address(this), address(0));
        usdc = new DemoToken("Demo USDC", "USDC", 6);
        usdc.mint(alice, 1_000e6);
        vm.startPrank(alice);
        usdc.approve(address(custody), type(uint256).max);
        custody.deposit(address(usdc), 1_000e6);
        vm.stopPrank();
    }

    function test_onlyTheModulesMayCallTheHooks() public {
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(ICustody.CustodyNotBrokerModule.selector, alice));
        custody.brokerHold(alice, address(usdc), 1);
        vm.expectRevert(abi.encodeWithSelector(ICustody.CustodyNotBrokerModule.selector, alice));
        custody.brokerRelease(alice, address(usdc), 1);
        vm.expectRevert(abi.encodeWithSelector(ICustody.CustodyNotBrokerModule.selector, alice));
        custody.brokerTransfer(alice, bob, address(usdc), 1);
        vm.stopPrank();
    }

    function test_aCustodyWithoutModulesRefusesEveryone() public {
        Custody plain = new Custody(address(0xE1), 1 days, address(0), address(0));
        vm.expectRevert(abi.encodeWithSelector(ICustody.CustodyNotBrokerModule.selector, address(this)));
        plain.brokerHold(alice, address(usdc), 1);
    }

    function test_holdReleaseTransferMoveOnlyLedgerEntries() public {
        custody.brokerHold(alice, address(usdc), 300e6);
        assertEq(custody.balanceOf(alice, address(usdc)), 700e6, "held out of alice's account");
        assertEq(custody.heldForBrokers(address(usdc)), 300e6, "held");
        custody.brokerRelease(bob, address(usdc), 100e6);
        custody.brokerTransfer(alice, bob, address(usdc), 50e6);
        assertEq(custody.balanceOf(bob, address(usdc)), 150e6, "bob credited");
        assertEq(custody.heldForBrokers(address(usdc)), 200e6, "held after release");
        assertEq(usdc.balanceOf(address(custody)), 1_000e6, "no token left the contract");
    }

    function test_releaseBeyondWhatIsHeldReverts() public {
        custody.brokerHold(alice, address(usdc), 10e6);
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        custody.brokerRelease(bob, address(usdc), 10e6 + 1);
    }

    function test_holdBeyondBalanceReverts() public {
        vm.expectRevert(
            abi.encodeWithSelector(Ledger.CustodyInsufficientBalance.selector, alice, address(usdc), 1_000e6, 1_000e6 + 1)
        );
        custody.brokerHold(alice, address(usdc), 1_000e6 + 1);
    }

    function test_modulesRefuseACustodyThatDoesNotNameThem() public {
        IBrokerNetwork.Config memory config = IBrokerNetwork.Config(
            address(custody), address(usdc), 62_500e18, address(0xC1), address(0xA7), 2_000, 1 days, 1 days
        );
        vm.expectRevert(abi.encodeWithSelector(IBrokerNetwork.BrokerNetworkConfigInvalid.selector, "custody"));
        new BrokerNetwork(config);
        vm.expectRevert(abi.encodeWithSelector(IBrokerLegs.LegsConfigInvalid.selector, "custody"));
        new BrokerLegs(address(custody), address(this), 1 hours);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Custody} from "../../../src/Custody.sol";
import {Allocation, ChannelState, CoSignatures, Intent} from "../../../src/types/ChannelState.sol";
import {StateHash} from "../../../src/libraries/StateHash.sol";
import {DemoToken} from "../../../src/test/DemoToken.sol";
import {TestBase} from "./Vm.sol";

/// A custody contract with the exchange and two traders funded, and helpers to build and sign states.
abstract contract CustodyFixture is TestBase {
    uint256 internal constant EXCHANGE_KEY = 0xE1;
    uint256 internal constant TRADER_KEY = 0xA1;
    uint256 internal constant OTHER_KEY = 0xB2;
    uint256 internal constant PERIOD = 1 days;
    uint256 internal constant START = 1_700_000_000;

    Custody internal custody;
    DemoToken internal usdc;
    DemoToken internal weth;
    address internal exchange;
    address internal trader;
    address internal other;

    function setUp() public virtual {
        vm.warp(START);
        exchange = vm.addr(EXCHANGE_KEY);
        trader = vm.addr(TRADER_KEY);
        other = vm.addr(OTHER_KEY);
        custody = new Custody(exchange, PERIOD, address(0), address(0));
        usdc = new DemoToken("Demo USDC", "USDC", 6);
        weth = new DemoToken("Demo WETH", "WETH", 18);
        // keep token order deterministic for sorted allocations: usdc < weth
        if (address(weth) < address(usdc)) (usdc, weth) = (weth, usdc);
        address[3] memory accounts = [exchange, trader, other];
        for (uint256 i = 0; i < accounts.length; ++i) {
            usdc.mint(accounts[i], 1_000_000e6);
            weth.mint(accounts[i], 1_000e18);
            vm.deal(accounts[i], 100 ether);
            vm.startPrank(accounts[i]);
            usdc.approve(address(custody), type(uint256).max);
            weth.approve(address(custody), type(uint256).max);
            vm.stopPrank();
        }
        vm.startPrank(exchange);
        custody.deposit(address(usdc), 500_000e6);
        custody.deposit(address(weth), 500e18);
        vm.stopPrank();
        vm.startPrank(trader);
        custody.deposit(address(usdc), 10_000e6);
        custody.deposit(address(weth), 10e18);
        vm.stopPrank();
    }

    // ── building states ─────────────────────────────────────────────────────────────

    function _one(address token, uint256 traderAmount, uint256 exchangeAmount)
        internal
        pure
        returns (Allocation[] memory allocations)
    {
        allocations = new Allocation[](1);
        allocations[0] = Allocation(token, traderAmount, exchangeAmount);
    }

    function _two(uint256 tUsdc, uint256 eUsdc, uint256 tWeth, uint256 eWeth)
        internal
        view
        returns (Allocation[] memory allocations)
    {
        allocations = new Allocation[](2);
        allocations[0] = Allocation(address(usdc), tUsdc, eUsdc);
        allocations[1] = Allocation(address(weth), tWeth, eWeth);
    }

    function _state(bytes32 channelId, uint48 version, uint8 intent, Allocation[] memory allocations)
        internal
        pure
        returns (ChannelState memory)
    {
        return ChannelState(channelId, version, intent, allocations, keccak256(abi.encode("app", version)));
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _cosign(ChannelState memory state) internal view returns (CoSignatures memory) {
        bytes32 digest = custody.hashState(state);
        return CoSignatures(_sign(TRADER_KEY, digest), _sign(EXCHANGE_KEY, digest));
    }

    function _structHash(ChannelState memory state) internal view returns (bytes32) {
        return this.structHashOf(state);
    }

    function structHashOf(ChannelState calldata state) external pure returns (bytes32 structHash) {
        (structHash,) = StateHash.hash(state);
    }

    function _challengeSig(uint256 key, ChannelState memory state) internal view returns (bytes memory) {
        return _sign(key, custody.hashChallenge(state.channelId, state.version, _structHash(state)));
    }

    /// Opens trader↔exchange channel `nonce` with 1,000 USDC from the trader and 500 from the exchange.
    function _openUsdc(uint64 nonce) internal returns (bytes32 channelId, ChannelState memory initial) {
        channelId = custody.channelIdOf(trader, nonce);
        initial = _state(channelId, 0, Intent.INITIALIZE, _one(address(usdc), 1_000e6, 500e6));
        custody.open(trader, nonce, initial, _cosign(initial));
    }

    function _challenge(ChannelState memory state, uint256 challengerKey) internal {
        custody.challenge(state, _cosign(state), vm.addr(challengerKey), _challengeSig(challengerKey, state));
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Allocation, ChannelState, CoSignatures, Intent} from "../../src/types/ChannelState.sol";
import {Channel} from "../../src/libraries/Channel.sol";
import {StateHash} from "../../src/libraries/StateHash.sol";
import {CustodyFixture} from "./utils/CustodyFixture.sol";

/// Fuzz tests: accounting round trips, conservation on close, and the assembly state hash
/// against a straightforward reference encoding.
contract CustodyFuzzTest is CustodyFixture {
    function testFuzz_depositThenWithdrawRoundTrips(uint256 amount, uint256 back) public {
        amount = 1 + (amount % 1_000_000e6);
        back = back % (amount + 1);
        vm.prank(other);
        custody.deposit(address(usdc), amount);
        if (back > 0) {
            vm.prank(other);
            custody.withdraw(address(usdc), back, other);
        }
        assertEq(custody.balanceOf(other, address(usdc)), amount - back, "balance");
        assertGe(usdc.balanceOf(address(custody)), custody.balanceOf(other, address(usdc)), "solvent");
    }

    function testFuzz_closePaysExactlyTheFunding(uint256 traderAmount, uint256 exchangeAmount, uint256 split, uint48 version)
        public
    {
        traderAmount = traderAmount % 10_000e6;
        exchangeAmount = exchangeAmount % 500_000e6;
        uint256 funding = traderAmount + exchangeAmount;
        vm.assume(funding > 0 && version > 0);
        split = split % (funding + 1);
        bytes32 channelId = custody.channelIdOf(trader, 9);
        ChannelState memory initial =
            _state(channelId, 0, Intent.INITIALIZE, _one(address(usdc), traderAmount, exchangeAmount));
        custody.open(trader, 9, initial, _cosign(initial));
        uint256 custodyBefore = usdc.balanceOf(address(custody));
        uint256 exchangeFreeBefore = custody.balanceOf(exchange, address(usdc));
        ChannelState memory fin = _state(channelId, version, Intent.CLOSE, _one(address(usdc), split, funding - split));
        custody.close(fin, _cosign(fin));
        assertEq(custodyBefore - usdc.balanceOf(address(custody)), split, "trader paid out exactly its allocation");
        assertEq(custody.balanceOf(exchange, address(usdc)) - exchangeFreeBefore, funding - split, "exchange credited");
        assertEq(custody.totalLocked(address(usdc)), 0, "nothing stays locked");
    }

    function testFuzz_allocationsMustSumToFunding(uint256 traderAmount, uint256 extra) public {
        traderAmount = traderAmount % 1_000e6;
        extra = 1 + (extra % 1e30);
        (bytes32 channelId,) = _openUsdc(1);
        ChannelState memory inflated =
            _state(channelId, 1, Intent.OPERATE, _one(address(usdc), traderAmount, 1_500e6 - traderAmount + extra));
        CoSignatures memory sigs = _cosign(inflated);
        vm.expectRevert();
        custody.checkpoint(inflated, sigs);
    }

    function testFuzz_checkpointVersionsStrictlyIncrease(uint48 first, uint48 second) public {
        vm.assume(first > 0);
        (bytes32 channelId,) = _openUsdc(1);
        ChannelState memory a = _state(channelId, first, Intent.OPERATE, _one(address(usdc), 1_000e6, 500e6));
        custody.checkpoint(a, _cosign(a));
        ChannelState memory b = _state(channelId, second, Intent.OPERATE, _one(address(usdc), 900e6, 600e6));
        CoSignatures memory sigs = _cosign(b);
        if (second <= first) {
            vm.expectRevert(abi.encodeWithSelector(Channel.ChannelVersionNotNewer.selector, channelId, first, second));
        }
        custody.checkpoint(b, sigs);
    }

    function testFuzz_stateHashMatchesReferenceEncoding(
        bytes32 channelId,
        uint48 version,
        uint8 intent,
        uint256 seed,
        uint8 count,
        bytes32 appDataHash
    ) public view {
        count = count % 6;
        Allocation[] memory allocations = new Allocation[](count);
        for (uint256 i = 0; i < count; ++i) {
            // ascending tokens: a running sum of non-zero steps
            address previous = i == 0 ? address(0) : allocations[i - 1].token;
            address token = address(uint160(previous) + 1 + uint160(uint256(keccak256(abi.encode(seed, i))) % 2 ** 150));
            allocations[i] = Allocation(
                token,
                uint256(keccak256(abi.encode(seed, i, "t"))) >> 1,
                uint256(keccak256(abi.encode(seed, i, "e"))) >> 1
            );
        }
        ChannelState memory state = ChannelState(channelId, version, intent, allocations, appDataHash);
        assertEq(this.structHashOf(state), _referenceStructHash(state), "assembly hash == reference");
    }

    function _referenceStructHash(ChannelState memory state) private pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](state.allocations.length);
        for (uint256 i = 0; i < hashes.length; ++i) {
            Allocation memory a = state.allocations[i];
            hashes[i] = keccak256(abi.encode(StateHash.ALLOCATION_TYPEHASH, a.token, a.traderAmount, a.exchangeAmount));
        }
        return keccak256(
            abi.encode(
                StateHash.STATE_TYPEHASH,
                state.channelId,
                state.version,
                state.intent,
                keccak256(abi.encodePacked(hashes)),
                state.appDataHash
            )
        );
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Allocation, ChannelState} from "../types/ChannelState.sol";

/// EIP-712 struct hashes of channel states (arrays hashed as EIP-712 specifies: the keccak of
/// the concatenated struct hashes), and the hash of a state's funding (token, total) list.
/// Mirrors core/channel/hash.ts; a parity test checks both against viem's hashTypedData.
library StateHash {
    error StateAllocationsUnsorted(uint256 index, address previousToken, address token);
    error StateTooManyAssets(uint256 count, uint256 max);

    /// Enough for every market's collateral; bounds the gas of every loop over allocations.
    uint256 internal constant MAX_ASSETS = 16;

    bytes32 internal constant ALLOCATION_TYPEHASH =
        keccak256("Allocation(address token,uint256 traderAmount,uint256 exchangeAmount)");
    bytes32 internal constant STATE_TYPEHASH = keccak256(
        "State(bytes32 channelId,uint48 version,uint8 intent,Allocation[] allocations,bytes32 appDataHash)"
        "Allocation(address token,uint256 traderAmount,uint256 exchangeAmount)"
    );
    bytes32 internal constant CHALLENGE_TYPEHASH =
        keccak256("Challenge(bytes32 channelId,uint48 version,bytes32 stateHash)");

    /// The state's EIP-712 struct hash and the hash of its funding (token, total) pairs.
    /// Reverts unless allocations are sorted by token, strictly ascending (no duplicates).
    function hash(ChannelState calldata state) internal pure returns (bytes32 structHash, bytes32 fundingHash) {
        Allocation[] calldata allocations = state.allocations;
        uint256 count = allocations.length;
        if (count > MAX_ASSETS) revert StateTooManyAssets(count, MAX_ASSETS);
        bytes32 allocationsHash;
        bytes32 allocationTypehash = ALLOCATION_TYPEHASH;
        assembly ("memory-safe") {
            // Scratch buffers past the free memory pointer; nothing else allocates meanwhile.
            let free := mload(0x40)
            let hashes := free // count words: each allocation's struct hash
            let funding := add(free, shl(5, count)) // 2*count words: (token, total) pairs
            let record := add(funding, shl(6, count)) // 4 words: one allocation's encoding
            mstore(record, allocationTypehash)
            let previous := 0
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                // calldata layout of Allocation: token, traderAmount, exchangeAmount (3 words)
                let item := add(allocations.offset, mul(i, 0x60))
                let token := calldataload(item)
                let traderAmount := calldataload(add(item, 0x20))
                let exchangeAmount := calldataload(add(item, 0x40))
                if iszero(eq(token, and(token, 0xffffffffffffffffffffffffffffffffffffffff))) { revert(0, 0) }
                if and(gt(i, 0), iszero(gt(token, previous))) {
                    mstore(0x00, 0xced82a70) // StateAllocationsUnsorted(uint256,address,address)
                    mstore(0x20, i)
                    mstore(0x40, previous)
                    mstore(0x60, token)
                    revert(0x1c, 0x64)
                }
                previous := token
                let total := add(traderAmount, exchangeAmount)
                if lt(total, traderAmount) {
                    mstore(0x00, 0x4e487b71) // Panic(0x11): the amounts overflow together
                    mstore(0x20, 0x11)
                    revert(0x1c, 0x24)
                }
                mstore(add(record, 0x20), token)
                mstore(add(record, 0x40), traderAmount)
                mstore(add(record, 0x60), exchangeAmount)
                mstore(add(hashes, shl(5, i)), keccak256(record, 0x80))
                let pair := add(funding, shl(6, i))
                mstore(pair, token)
                mstore(add(pair, 0x20), total)
            }
            allocationsHash := keccak256(hashes, shl(5, count))
            fundingHash := keccak256(funding, shl(6, count))
        }
        structHash = keccak256(
            abi.encode(STATE_TYPEHASH, state.channelId, state.version, state.intent, allocationsHash, state.appDataHash)
        );
    }

    /// EIP-712 struct hash of a challenge request: the challenger's consent to start the clock.
    function challengeHash(bytes32 channelId, uint48 version, bytes32 stateHash) internal pure returns (bytes32) {
        return keccak256(abi.encode(CHALLENGE_TYPEHASH, channelId, version, stateHash));
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CollateralLock} from "../types/Broker.sol";

/// The clearing service's collateral locks: their EIP-712 struct hash and the rules a lock must
/// pass to fund one side of a broker-to-broker channel. Single use (by lock id), refused at or
/// after its expiry, bound to the broker whose custody account pays and to its counterparty.
/// The chain and the contract are bound by the EIP-712 domain the caller hashes it under.
library CollateralLocks {
    bytes32 internal constant LOCK_TYPEHASH = keccak256(
        "CollateralLock(bytes32 lockId,address broker,address counterparty,address token,uint256 amount,uint64 expiresAt)"
    );

    error LockAlreadyUsed(bytes32 lockId);
    error LockExpired(bytes32 lockId, uint64 expiresAt, uint256 timestamp);
    error LockPartyMismatch(
        bytes32 lockId, address expectedBroker, address broker, address expectedCounterparty, address counterparty
    );
    error LockZeroAmount(bytes32 lockId);

    function structHash(CollateralLock calldata lock) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                LOCK_TYPEHASH, lock.lockId, lock.broker, lock.counterparty, lock.token, lock.amount, lock.expiresAt
            )
        );
    }

    /// Checks `lock` funds `broker`'s side of a channel with `counterparty` now, and marks it used.
    /// The caller verifies the clearing key's signature.
    function consume(
        mapping(bytes32 lockId => bool) storage used,
        CollateralLock calldata lock,
        address broker,
        address counterparty
    ) internal {
        bytes32 lockId = lock.lockId;
        if (used[lockId]) revert LockAlreadyUsed(lockId);
        if (block.timestamp >= lock.expiresAt) revert LockExpired(lockId, lock.expiresAt, block.timestamp);
        if (lock.broker != broker || lock.counterparty != counterparty) {
            revert LockPartyMismatch(lockId, broker, lock.broker, counterparty, lock.counterparty);
        }
        if (lock.amount == 0) revert LockZeroAmount(lockId);
        used[lockId] = true;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// MEASUREMENT ONLY, never deploy for real: the irreducible work of an ERC-20 deposit, so
/// bench/gas.ts can show how far Custody.deposit is from the floor. It pulls with
/// transferFrom, credits one mapping slot and (in `deposit`) emits one event — nothing else:
/// no reentrancy guard, no fee-on-transfer check, no zero-amount or msg.value check, no
/// overflow check. Same calldata shape and event layout as Custody.deposit / Deposited.
contract GasFloorDeposit {
    event Deposited(address indexed account, address indexed token, uint256 amount);

    mapping(address account => mapping(address token => uint256)) public balanceOf;
    /// A second ledger, so the same depositor also hits a fresh (zero) slot in `depositWithoutEvent`.
    mapping(address account => mapping(address token => uint256)) public balanceWithoutEventOf;

    function deposit(address token, uint256 amount) external {
        _pull(token, amount);
        unchecked {
            balanceOf[msg.sender][token] += amount;
        }
        emit Deposited(msg.sender, token, amount);
    }

    function depositWithoutEvent(address token, uint256 amount) external {
        _pull(token, amount);
        unchecked {
            balanceWithoutEventOf[msg.sender][token] += amount;
        }
    }

    /// transferFrom(msg.sender, this, amount); reverts unless the token returned true.
    function _pull(address token, uint256 amount) private {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(0x60, amount)
            mstore(0x40, address())
            mstore(0x2c, shl(96, caller()))
            mstore(0x0c, 0x23b872dd000000000000000000000000) // transferFrom(address,address,uint256)
            let ok := call(gas(), token, 0, 0x1c, 0x64, 0x00, 0x20)
            if iszero(and(ok, eq(mload(0x00), 1))) { revert(0, 0) }
            mstore(0x60, 0)
            mstore(0x40, m)
        }
    }
}

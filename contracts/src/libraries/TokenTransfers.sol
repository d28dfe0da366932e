// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// Moves tokens in and out of custody; address(0) is native ETH.
library TokenTransfers {
    using SafeERC20 for IERC20;

    error CustodyEthValueMismatch(uint256 value, uint256 amount);
    error CustodyEthTransferFailed(address to, uint256 amount);
    error CustodyTransferFromFailed(address token, address from, uint256 amount);
    error CustodyBalanceQueryFailed(address token);
    error CustodyReceivedAmountInvalid(address token, uint256 requested, uint256 received);

    /// Pulls `amount` of ERC-20 `token` (never address(0): callers handle ETH, whose msg.value
    /// they check themselves) from `from` and returns what actually arrived, so fee-on-transfer
    /// tokens are credited with the net amount: never zero, never more than `amount`.
    function pullToken(address token, address from, uint256 amount) internal returns (uint256 received) {
        uint256 before = _selfBalance(token);
        bool ok;
        assembly ("memory-safe") {
            // transferFrom(from, this, amount) encoded in scratch space, as Solady's SafeTransferLib;
            // the free memory pointer and zero slot are restored below
            let m := mload(0x40)
            mstore(0x60, amount)
            mstore(0x40, address())
            mstore(0x2c, shl(96, from))
            mstore(0x0c, 0x23b872dd000000000000000000000000) // transferFrom(address,address,uint256)
            ok := call(gas(), token, 0, 0x1c, 0x64, 0x00, 0x20)
            // success: returned true, or returned nothing from a contract (non-standard tokens).
            // Branch so the common case (returned true) skips EXTCODESIZE: Yul would evaluate both
            // sides of an or() (saves ~110 gas per pull)
            if iszero(and(ok, and(eq(mload(0x00), 1), gt(returndatasize(), 31)))) {
                ok := and(ok, and(iszero(returndatasize()), gt(extcodesize(token), 0)))
            }
            mstore(0x60, 0)
            mstore(0x40, m)
        }
        if (!ok) revert CustodyTransferFromFailed(token, from, amount);
        // unchecked: a token whose balance shrinks on an incoming transfer yields a huge value
        // here, which the next check turns into a revert instead of a credit
        unchecked {
            received = _selfBalance(token) - before;
        }
        if (received == 0 || received > amount) revert CustodyReceivedAmountInvalid(token, amount, received);
    }

    function _selfBalance(address token) private view returns (uint256 held) {
        bool ok;
        assembly ("memory-safe") {
            mstore(0x00, 0x70a08231) // balanceOf(address)
            mstore(0x20, address())
            ok := staticcall(gas(), token, 0x1c, 0x24, 0x00, 0x20)
            ok := and(ok, gt(returndatasize(), 31)) // separate: Yul evaluates arguments right to left
            held := mload(0x00)
        }
        if (!ok) revert CustodyBalanceQueryFailed(token);
    }

    function push(address token, address to, uint256 amount) internal {
        if (amount == 0) return;
        if (token == address(0)) {
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert CustodyEthTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }
}

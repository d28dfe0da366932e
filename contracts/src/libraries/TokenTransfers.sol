// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// Moves tokens in and out of custody; address(0) is native ETH.
library TokenTransfers {
    using SafeERC20 for IERC20;

    error CustodyEthValueMismatch(uint256 value, uint256 amount);
    error CustodyEthTransferFailed(address to, uint256 amount);
    error CustodyReceivedAmountInvalid(address token, uint256 requested, uint256 received);

    /// Pulls `amount` of `token` from `from` and returns what actually arrived, so
    /// fee-on-transfer tokens are credited with the net amount. For ETH, msg.value must equal
    /// `amount` (callers that pull several assets check the ETH total themselves).
    function pull(address token, address from, uint256 amount) internal returns (uint256 received) {
        if (token == address(0)) return amount;
        IERC20 erc20 = IERC20(token);
        uint256 before = erc20.balanceOf(address(this));
        erc20.safeTransferFrom(from, address(this), amount);
        // unchecked: a token whose balance shrinks on an incoming transfer yields a huge value
        // here, which the next check turns into a revert instead of a credit
        unchecked {
            received = erc20.balanceOf(address(this)) - before;
        }
        if (received == 0 || received > amount) revert CustodyReceivedAmountInvalid(token, amount, received);
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

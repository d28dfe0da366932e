// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// Custody accounts: what each account may withdraw or lock into a channel, per token.
library Ledger {
    error CustodyInsufficientBalance(address account, address token, uint256 available, uint256 required);

    function credit(mapping(address => mapping(address => uint256)) storage balances, address account, address token, uint256 amount)
        internal
    {
        if (amount == 0) return;
        balances[account][token] += amount;
    }

    function debit(mapping(address => mapping(address => uint256)) storage balances, address account, address token, uint256 amount)
        internal
    {
        if (amount == 0) return;
        uint256 available = balances[account][token];
        if (available < amount) revert CustodyInsufficientBalance(account, token, available, amount);
        // unchecked: available >= amount was checked on the line above
        unchecked {
            balances[account][token] = available - amount;
        }
    }
}

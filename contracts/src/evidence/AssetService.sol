// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// Collateral per (account, asset) as the engine holds it: available + locked of each balance,
/// in the asset's base units. Signed, because a settlement balance carries every fill's quote
/// flow (a long's purchase is a debit: equity = balance + Σ lots × mark, core/risk/margin.ts).
/// Also the protocol's own accounts (fees, insurance, the exchange), set by Set Protocol Account.
library AssetService {
    uint8 internal constant ROLE_FEES = 0;
    uint8 internal constant ROLE_INSURANCE = 1;
    uint8 internal constant ROLE_EXCHANGE = 2;
    uint8 internal constant ROLE_COUNT = 3;

    struct State {
        mapping(address account => mapping(address asset => int256)) balances;
        /// role → account (ROLE_FEES, ROLE_INSURANCE, ROLE_EXCHANGE)
        mapping(uint8 role => address) protocolAccounts;
    }

    event CollateralChanged(address indexed account, address indexed asset, int256 delta, int256 balance);
    event ProtocolAccountSet(uint8 indexed role, address account);

    error AssetRoleInvalid(uint8 role);
    error AssetProtocolAccountUnset(uint8 role);
    error AssetZeroAccount();

    function setProtocolAccount(State storage self, uint8 role, address account) internal {
        if (role >= ROLE_COUNT) revert AssetRoleInvalid(role);
        if (account == address(0)) revert AssetZeroAccount();
        self.protocolAccounts[role] = account;
        emit ProtocolAccountSet(role, account);
    }

    function protocolAccount(State storage self, uint8 role) internal view returns (address account) {
        if (role >= ROLE_COUNT) revert AssetRoleInvalid(role);
        account = self.protocolAccounts[role];
        if (account == address(0)) revert AssetProtocolAccountUnset(role);
    }

    /// Adds `delta` (checked: an int256 overflow is an exchange fault and reverts the batch).
    function change(State storage self, address account, address asset, int256 delta) internal {
        if (delta == 0) return;
        int256 balance = self.balances[account][asset] + delta;
        self.balances[account][asset] = balance;
        emit CollateralChanged(account, asset, delta, balance);
    }

    function balanceOf(State storage self, address account, address asset) internal view returns (int256) {
        return self.balances[account][asset];
    }
}

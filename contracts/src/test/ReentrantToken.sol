// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// TEST token that calls back into a target (e.g. the custody contract) in the middle of
/// every transfer, with calldata set by the test (SECURITY.md attack 6).
contract ReentrantToken is ERC20 {
    address public target;
    bytes public callbackData;
    bool public lastCallbackSucceeded;
    bytes public lastCallbackResult;
    bool private _entered;

    constructor() ERC20("Test Re-entrant", "REENT") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target_, bytes calldata data) external {
        target = target_;
        callbackData = data;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (target != address(0) && !_entered && from != address(0)) {
            _entered = true;
            (lastCallbackSucceeded, lastCallbackResult) = target.call(callbackData);
            _entered = false;
        }
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {B2BAppData} from "../libraries/B2BAppData.sol";

/// TEST ONLY: exposes the B2BAppData library so the TS parity test can compare its hash with
/// viem's hashStruct (contracts/test/ts/b2b-app-data.test.ts). Takes the ABI encoding of the
/// struct as bytes: a calldata parameter of the nested struct type is too deep for the
/// legacy code generator's stack.
contract B2BAppDataHarness {
    function hash(bytes calldata encoded) external pure returns (bytes32) {
        return B2BAppData.hash(abi.decode(encoded, (B2BAppData.AppData)));
    }

    function typeString() external pure returns (string memory) {
        return B2BAppData.APP_DATA_TYPE;
    }
}

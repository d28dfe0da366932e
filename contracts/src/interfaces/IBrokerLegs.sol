// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LegTerms} from "../types/Broker.sol";
import {HashTimeLocks} from "../libraries/HashTimeLocks.sol";

/// Hash-time-locked settlement legs between brokers, for assets on a chain other than their
/// channel's. The leg's amount stays in the custody contract while locked. See docs/PROTOCOL.md.
interface IBrokerLegs {
    event LegLocked(
        bytes32 indexed hashLock,
        bytes32 indexed channelId,
        address sender,
        address receiver,
        address token,
        uint256 amount,
        uint64 expiresAt
    );
    event LegClaimed(bytes32 indexed hashLock, bytes32 preimage, address receiver);
    event LegRefunded(bytes32 indexed hashLock, address sender);

    error LegsConfigInvalid(string field);
    error LegsSenderNotBroker(address sender);

    function lockLeg(LegTerms calldata terms) external;
    /// `leg`: the leg as locked (sender, receiver, token, amount, expiresAt: all in LegLocked).
    function claimLeg(bytes32 hashLock, HashTimeLocks.Leg calldata leg, bytes32 preimage) external;
    function refundLeg(bytes32 hashLock, HashTimeLocks.Leg calldata leg) external;

    function legStatus(bytes32 hashLock) external view returns (HashTimeLocks.Status);
    function margin() external view returns (uint256);
}

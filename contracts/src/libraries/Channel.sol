// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Intent} from "../types/ChannelState.sol";

/// The lifecycle of one channel over its storage record: trader↔exchange channels in Custody,
/// broker↔broker channels in BrokerNetwork (where `trader` holds broker a). Pure bookkeeping:
/// the contract verifies signatures and moves funds; this library decides whether a
/// transition is allowed and records it.
///
///   None ──open──▶ Active ──challenge──▶ Challenged ──(deadline passes)──conclude──▶ Closed
///                   ▲  │ checkpoint, resize      │ respond (newer state, before deadline)
///                   │  └───────────── close ─────┼──────────────────────────────────▶ Closed
///                   └────────────────────────────┘
library Channel {
    enum Status {
        None,
        Active,
        Challenged,
        Closed
    }

    /// One storage slot for the hot fields, one for the funding, one for a pending challenge.
    struct Data {
        address trader; // 20 bytes
        uint48 version; // the newest version registered on-chain
        uint40 challengeDeadline; // unix seconds; meaningful only while Challenged
        Status status; // 1 byte
        bytes32 fundingHash; // keccak of the (token, total) pairs every registered state must match
        bytes32 challengeStateHash; // struct hash of the challenged state, paid out by conclude
    }

    error ChannelAlreadyExists(bytes32 channelId, Status status);
    error ChannelNotOpen(bytes32 channelId, Status status);
    error ChannelNotChallenged(bytes32 channelId, Status status);
    error ChannelAlreadyChallenged(bytes32 channelId, uint40 challengeDeadline);
    error ChannelVersionNotNewer(bytes32 channelId, uint48 currentVersion, uint48 proposedVersion);
    error ChannelVersionTooOld(bytes32 channelId, uint48 currentVersion, uint48 proposedVersion);
    error ChannelIntentInvalid(bytes32 channelId, uint8 intent);
    error ChannelInitialVersionNotZero(bytes32 channelId, uint48 version);
    error ChannelFundingMismatch(bytes32 channelId, bytes32 expectedFundingHash, bytes32 fundingHash);
    error ChannelChallengeExpired(bytes32 channelId, uint40 challengeDeadline, uint256 timestamp);
    error ChannelChallengeNotExpired(bytes32 channelId, uint40 challengeDeadline, uint256 timestamp);
    error ChannelChallengedStateMismatch(bytes32 channelId, bytes32 challengedStateHash, bytes32 stateHash);
    error ChannelDeadlineOverflow(uint256 timestamp, uint256 challengePeriod);
    error ChannelResizeNotConsecutive(bytes32 channelId, uint48 previousVersion, uint48 version);

    /// Records a new channel from its co-signed INITIALIZE state (version 0).
    function open(Data storage self, bytes32 channelId, address trader, uint48 version, uint8 intent, bytes32 fundingHash)
        internal
    {
        Status status = self.status;
        if (status != Status.None) revert ChannelAlreadyExists(channelId, status);
        if (intent != Intent.INITIALIZE) revert ChannelIntentInvalid(channelId, intent);
        if (version != 0) revert ChannelInitialVersionNotZero(channelId, version);
        self.trader = trader;
        self.status = Status.Active;
        self.fundingHash = fundingHash;
    }

    /// Registers a newer co-signed OPERATE state so an older one can no longer be used.
    function checkpoint(Data storage self, bytes32 channelId, uint48 version, uint8 intent, bytes32 fundingHash)
        internal
    {
        _requireActive(self, channelId);
        if (intent != Intent.OPERATE) revert ChannelIntentInvalid(channelId, intent);
        _requireNewer(self, channelId, version);
        _requireFunding(self, channelId, fundingHash);
        self.version = version;
    }

    /// Starts the challenge clock on a co-signed state at least as new as the registered one.
    /// A RESIZE state counts only once resize() applied it (then it is the registered version).
    function challenge(
        Data storage self,
        bytes32 channelId,
        uint48 version,
        uint8 intent,
        bytes32 fundingHash,
        bytes32 stateHash,
        uint256 challengePeriod
    ) internal returns (uint40 deadline) {
        Status status = self.status;
        if (status == Status.Challenged) revert ChannelAlreadyChallenged(channelId, self.challengeDeadline);
        if (status != Status.Active) revert ChannelNotOpen(channelId, status);
        uint48 current = self.version;
        if (version < current) revert ChannelVersionTooOld(channelId, current, version);
        if (intent == Intent.RESIZE && version != current) revert ChannelIntentInvalid(channelId, intent);
        _requireFunding(self, channelId, fundingHash);
        uint256 end = block.timestamp + challengePeriod;
        if (end > type(uint40).max) revert ChannelDeadlineOverflow(block.timestamp, challengePeriod);
        deadline = uint40(end);
        self.version = version;
        self.challengeDeadline = deadline;
        self.status = Status.Challenged;
        self.challengeStateHash = stateHash;
    }

    /// Answers a challenge with a strictly newer co-signed OPERATE state, strictly before the deadline.
    function respond(Data storage self, bytes32 channelId, uint48 version, uint8 intent, bytes32 fundingHash)
        internal
    {
        _requireChallengeRunning(self, channelId);
        if (intent != Intent.OPERATE) revert ChannelIntentInvalid(channelId, intent);
        _requireNewer(self, channelId, version);
        _requireFunding(self, channelId, fundingHash);
        self.version = version;
        self.challengeDeadline = 0;
        self.status = Status.Active;
    }

    /// Ends a challenge whose deadline has passed; the caller pays out the challenged state.
    function conclude(Data storage self, bytes32 channelId, bytes32 stateHash) internal {
        Status status = self.status;
        if (status != Status.Challenged) revert ChannelNotChallenged(channelId, status);
        uint40 deadline = self.challengeDeadline;
        if (block.timestamp < deadline) revert ChannelChallengeNotExpired(channelId, deadline, block.timestamp);
        bytes32 challenged = self.challengeStateHash;
        if (challenged != stateHash) revert ChannelChallengedStateMismatch(channelId, challenged, stateHash);
        _finish(self);
    }

    /// Ends the channel with a co-signed CLOSE state newer than anything registered; allowed while
    /// a challenge runs (the final state supersedes it).
    function close(Data storage self, bytes32 channelId, uint48 version, uint8 intent, bytes32 fundingHash)
        internal
    {
        _requireOpenOrChallengeRunning(self, channelId);
        if (intent != Intent.CLOSE) revert ChannelIntentInvalid(channelId, intent);
        _requireNewer(self, channelId, version);
        _requireFunding(self, channelId, fundingHash);
        self.version = version;
        _finish(self);
    }

    /// Applies a co-signed RESIZE state `version` that directly follows the co-signed state
    /// `previousVersion` (whose funding is the channel's current one); the RESIZE state's funding
    /// becomes the channel's. Replays fail: the version must be newer than the registered one.
    function resize(
        Data storage self,
        bytes32 channelId,
        uint48 previousVersion,
        uint8 previousIntent,
        bytes32 previousFundingHash,
        uint48 version,
        uint8 intent,
        bytes32 newFundingHash
    ) internal {
        _requireOpenOrChallengeRunning(self, channelId);
        if (intent != Intent.RESIZE) revert ChannelIntentInvalid(channelId, intent);
        if (previousIntent == Intent.CLOSE) revert ChannelIntentInvalid(channelId, previousIntent);
        if (uint256(previousVersion) + 1 != uint256(version)) {
            revert ChannelResizeNotConsecutive(channelId, previousVersion, version);
        }
        _requireNewer(self, channelId, version);
        _requireFunding(self, channelId, previousFundingHash);
        self.version = version;
        self.fundingHash = newFundingHash;
        if (self.status == Status.Challenged) {
            self.challengeDeadline = 0;
            self.status = Status.Active;
        }
    }

    function _finish(Data storage self) private {
        // The record stays as a tombstone (status Closed) so the channel id, and with it every
        // state ever signed for it, can never be used again.
        self.challengeDeadline = 0;
        self.status = Status.Closed;
        self.fundingHash = 0;
        self.challengeStateHash = 0;
    }

    function _requireActive(Data storage self, bytes32 channelId) private view {
        Status status = self.status;
        if (status == Status.Challenged) revert ChannelAlreadyChallenged(channelId, self.challengeDeadline);
        if (status != Status.Active) revert ChannelNotOpen(channelId, status);
    }

    function _requireChallengeRunning(Data storage self, bytes32 channelId) private view {
        Status status = self.status;
        if (status != Status.Challenged) revert ChannelNotChallenged(channelId, status);
        uint40 deadline = self.challengeDeadline;
        if (block.timestamp >= deadline) revert ChannelChallengeExpired(channelId, deadline, block.timestamp);
    }

    function _requireOpenOrChallengeRunning(Data storage self, bytes32 channelId) private view {
        Status status = self.status;
        if (status == Status.Challenged) {
            uint40 deadline = self.challengeDeadline;
            if (block.timestamp >= deadline) revert ChannelChallengeExpired(channelId, deadline, block.timestamp);
        } else if (status != Status.Active) {
            revert ChannelNotOpen(channelId, status);
        }
    }

    function _requireNewer(Data storage self, bytes32 channelId, uint48 version) private view {
        uint48 current = self.version;
        if (version <= current) revert ChannelVersionNotNewer(channelId, current, version);
    }

    function _requireFunding(Data storage self, bytes32 channelId, bytes32 fundingHash) private view {
        bytes32 expected = self.fundingHash;
        if (expected != fundingHash) revert ChannelFundingMismatch(channelId, expected, fundingHash);
    }
}

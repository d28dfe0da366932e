// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// The broker registry and its stake rules, over each broker's storage record. Pure
/// bookkeeping: the broker network contract moves the stake through the custody contract and
/// emits the events; this library decides whether a step is allowed and records it.
///
///   unregistered ──register──▶ registered ──stake──▶ staked (quota = stake / stakePerChannel)
///                                   staked ──requestUnstake (no open channel)──▶ unstaking (quota 0)
///                                unstaking ──cancelUnstake──▶ staked
///                                unstaking ──withdrawStake (after the delay)──▶ registered, stake 0
///   slash (arbiter, capped, global cooldown) takes from the stake in any of these states.
library BrokerStake {
    /// One slot for the hot fields, one for the stake; the url lives in its own slots.
    struct Broker {
        address signer; // signs B2B states and RPCs; fixed while a channel is open
        uint32 openChannels; // B2B channels opened and not yet closed
        uint40 unlockAt; // unix seconds when an unstake completes; 0 = not unstaking
        bool registered;
        uint256 stake; // in the network token's base units
        string url; // the broker node's B2B endpoint
    }

    /// The arbiter's slashing record: one cooldown for the whole network, each decision once.
    struct SlashGuard {
        uint40 lastSlashAt;
        mapping(bytes32 decisionHash => bool) applied;
    }

    uint256 internal constant MAX_URL_BYTES = 256;
    uint256 internal constant BPS = 10_000;

    error BrokerZeroAddress();
    error BrokerAlreadyRegistered(address broker);
    error BrokerNotRegistered(address broker);
    error BrokerUrlTooLong(uint256 length, uint256 max);
    error BrokerSignerLockedByChannels(address broker, uint256 openChannels);
    error BrokerZeroAmount();
    error BrokerUnstaking(address broker, uint40 unlockAt);
    error BrokerNotUnstaking(address broker);
    error BrokerHasOpenChannels(address broker, uint256 openChannels);
    error BrokerNoStake(address broker);
    error BrokerUnstakeNotDue(address broker, uint40 unlockAt, uint256 timestamp);
    error BrokerQuotaExceeded(address broker, uint256 openChannels, uint256 quota);
    error BrokerSlashExceedsCap(address broker, uint256 amount, uint256 cap);
    error BrokerSlashCooldown(uint256 nextSlashAt, uint256 timestamp);
    error BrokerSlashBeneficiaryInvalid(address beneficiary);
    error BrokerSlashDecisionInvalid(bytes32 decisionHash);

    function register(Broker storage self, address broker, address signer, string calldata url) internal {
        if (self.registered) revert BrokerAlreadyRegistered(broker);
        if (signer == address(0)) revert BrokerZeroAddress();
        _checkUrl(url);
        self.registered = true;
        self.signer = signer;
        self.url = url;
    }

    /// Changes the endpoint at any time; the signer only while no channel is open, so a broker
    /// cannot disown the states its counterparties hold (they were verified against the old key).
    function update(Broker storage self, address broker, address signer, string calldata url) internal {
        requireRegistered(self, broker);
        if (signer == address(0)) revert BrokerZeroAddress();
        _checkUrl(url);
        uint32 open = self.openChannels;
        if (signer != self.signer && open != 0) revert BrokerSignerLockedByChannels(broker, open);
        self.signer = signer;
        self.url = url;
    }

    function addStake(Broker storage self, address broker, uint256 amount) internal returns (uint256 total) {
        requireRegistered(self, broker);
        if (amount == 0) revert BrokerZeroAmount();
        uint40 unlockAt = self.unlockAt;
        if (unlockAt != 0) revert BrokerUnstaking(broker, unlockAt);
        total = self.stake + amount;
        self.stake = total;
    }

    /// Starts the unstake clock; the quota is zero from now on, so no channel can open.
    function requestUnstake(Broker storage self, address broker, uint256 delay) internal returns (uint40 unlockAt) {
        requireRegistered(self, broker);
        if (self.unlockAt != 0) revert BrokerUnstaking(broker, self.unlockAt);
        if (self.stake == 0) revert BrokerNoStake(broker);
        uint32 open = self.openChannels;
        if (open != 0) revert BrokerHasOpenChannels(broker, open);
        // block.timestamp + a constant delay of days: far below uint40's year 36,812
        unlockAt = uint40(block.timestamp + delay);
        self.unlockAt = unlockAt;
    }

    function cancelUnstake(Broker storage self, address broker) internal {
        if (self.unlockAt == 0) revert BrokerNotUnstaking(broker);
        self.unlockAt = 0;
    }

    /// Ends a due unstake and returns the whole remaining stake (what slashes left of it).
    function withdrawStake(Broker storage self, address broker) internal returns (uint256 amount) {
        uint40 unlockAt = self.unlockAt;
        if (unlockAt == 0) revert BrokerNotUnstaking(broker);
        if (block.timestamp < unlockAt) revert BrokerUnstakeNotDue(broker, unlockAt, block.timestamp);
        amount = self.stake;
        self.stake = 0;
        self.unlockAt = 0;
    }

    /// Channels the broker may have open: one per `stakePerChannel` staked (rounded down), none
    /// while unstaking.
    function quota(Broker storage self, uint256 stakePerChannel) internal view returns (uint256) {
        if (self.unlockAt != 0) return 0;
        return self.stake / stakePerChannel;
    }

    /// Counts one more open channel, within the quota.
    function reserveChannel(Broker storage self, address broker, uint256 stakePerChannel) internal {
        requireRegistered(self, broker);
        uint256 open = self.openChannels;
        uint256 allowed = quota(self, stakePerChannel);
        if (open >= allowed) revert BrokerQuotaExceeded(broker, open, allowed);
        // open < allowed <= stake / stakePerChannel; a uint32 overflow would need 2^32 channels
        self.openChannels = uint32(open + 1);
    }

    function releaseChannel(Broker storage self) internal {
        // checked: only called for a channel counted by reserveChannel
        self.openChannels -= 1;
    }

    /// Takes `amount` from the broker's stake for `decisionHash`: at most `capBps` of the stake
    /// per slash (rounded down, in the broker's favour), one slash per `cooldown` network-wide,
    /// each decision once, never to the broker itself (nor, checked by the caller, the arbiter).
    function slash(
        Broker storage self,
        SlashGuard storage guard,
        address broker,
        uint256 amount,
        address beneficiary,
        bytes32 decisionHash,
        uint256 capBps,
        uint256 cooldown
    ) internal returns (uint256 remaining) {
        requireRegistered(self, broker);
        if (amount == 0) revert BrokerZeroAmount();
        if (beneficiary == address(0) || beneficiary == broker) revert BrokerSlashBeneficiaryInvalid(beneficiary);
        if (decisionHash == 0 || guard.applied[decisionHash]) revert BrokerSlashDecisionInvalid(decisionHash);
        uint256 last = guard.lastSlashAt;
        if (last != 0 && block.timestamp < last + cooldown) revert BrokerSlashCooldown(last + cooldown, block.timestamp);
        uint256 stake = self.stake;
        uint256 cap = stake * capBps / BPS;
        if (amount > cap) revert BrokerSlashExceedsCap(broker, amount, cap);
        guard.applied[decisionHash] = true;
        guard.lastSlashAt = uint40(block.timestamp);
        // unchecked: amount <= cap <= stake
        unchecked {
            remaining = stake - amount;
        }
        self.stake = remaining;
    }

    function requireRegistered(Broker storage self, address broker) internal view {
        if (!self.registered) revert BrokerNotRegistered(broker);
    }

    function _checkUrl(string calldata url) private pure {
        uint256 length = bytes(url).length;
        if (length > MAX_URL_BYTES) revert BrokerUrlTooLong(length, MAX_URL_BYTES);
    }
}

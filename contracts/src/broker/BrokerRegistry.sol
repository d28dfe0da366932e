// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BrokerStake} from "../libraries/BrokerStake.sol";
import {BrokerNetworkBase} from "./BrokerNetworkBase.sol";

/// Joining the network and the stake that buys channel quota (seed 002). The stake is network
/// tokens the broker deposited into its custody account; staking moves them to what the custody
/// holds for the network, withdrawing moves them back. Rules: BrokerStake.
abstract contract BrokerRegistry is BrokerNetworkBase {
    using BrokerStake for BrokerStake.Broker;

    /// Registers the caller (whose custody account funds its stake and collateral) as a broker
    /// whose `signer` key signs its channel states.
    function registerBroker(address signer, string calldata url) external {
        _brokers[msg.sender].register(msg.sender, signer, url);
        emit BrokerRegistered(msg.sender, signer, url);
    }

    function updateBroker(address signer, string calldata url) external {
        _brokers[msg.sender].update(msg.sender, signer, url);
        emit BrokerUpdated(msg.sender, signer, url);
    }

    function stake(uint256 amount) external {
        uint256 total = _brokers[msg.sender].addStake(msg.sender, amount);
        custody.brokerHold(msg.sender, stakeToken, amount);
        emit BrokerStaked(msg.sender, amount, total);
    }

    /// Only with no open channel; the quota is zero from now until cancelUnstake.
    function requestUnstake() external {
        uint40 unlockAt = _brokers[msg.sender].requestUnstake(msg.sender, UNSTAKE_DELAY);
        emit BrokerUnstakeRequested(msg.sender, unlockAt);
    }

    function cancelUnstake() external {
        _brokers[msg.sender].cancelUnstake(msg.sender);
        emit BrokerUnstakeCancelled(msg.sender);
    }

    /// After UNSTAKE_DELAY: the remaining stake goes back to the broker's custody account.
    function withdrawStake() external {
        uint256 amount = _brokers[msg.sender].withdrawStake(msg.sender);
        _release(msg.sender, stakeToken, amount);
        emit BrokerStakeWithdrawn(msg.sender, amount);
    }

    /// The arbiter takes `amount` of `broker`'s stake to the victim named in its published
    /// decision (`decisionHash`): the last resort after the channel's collateral. Allowed while
    /// unstaking; capped per slash; one slash per cooldown network-wide, so a stolen arbiter key
    /// drains slowly; never paid to the arbiter.
    function slash(address broker, uint256 amount, address beneficiary, bytes32 decisionHash) external {
        if (msg.sender != arbiter) revert BrokerNotArbiter(msg.sender);
        if (beneficiary == arbiter) revert BrokerStake.BrokerSlashBeneficiaryInvalid(beneficiary);
        uint256 remaining = _brokers[broker].slash(
            _slashGuard, broker, amount, beneficiary, decisionHash, slashCapBps, slashCooldown
        );
        custody.brokerRelease(beneficiary, stakeToken, amount);
        emit BrokerSlashed(broker, beneficiary, amount, remaining, decisionHash);
    }
}

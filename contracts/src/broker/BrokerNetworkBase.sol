// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ICustody} from "../interfaces/ICustody.sol";
import {IBrokerNetwork} from "../interfaces/IBrokerNetwork.sol";
import {BrokerSignatures} from "../types/Broker.sol";
import {BrokerStake} from "../libraries/BrokerStake.sol";
import {Channel} from "../libraries/Channel.sol";
import {Signatures} from "../libraries/Signatures.sol";

/// What every part of the broker network shares: its configuration, its storage, its EIP-712
/// domain and the check that both brokers of a channel signed. The parts stack in the order of
/// a broker's life: BrokerRegistry (join, stake) → BrokerChannels (open and run a channel) →
/// BrokerSettlement (settle it) → BrokerNetwork (the deployed contract and its views).
abstract contract BrokerNetworkBase is IBrokerNetwork, EIP712 {
    /// Seed 002: a broker waits 30 days between asking to unstake and withdrawing.
    uint256 public constant UNSTAKE_DELAY = 30 days;

    ICustody public immutable custody;
    address public immutable stakeToken;
    uint256 public immutable stakePerChannel;
    address public immutable clearingSigner;
    address public immutable arbiter;
    uint256 public immutable slashCapBps;
    uint256 public immutable slashCooldown;
    uint256 public immutable challengePeriod;

    mapping(address broker => BrokerStake.Broker) internal _brokers;
    BrokerStake.SlashGuard internal _slashGuard;
    mapping(bytes32 lockId => bool) public lockUsed;
    /// B2B channels: the shared lifecycle record (its `trader` field holds broker a) and broker b.
    mapping(bytes32 channelId => Channel.Data) internal _channels;
    mapping(bytes32 channelId => address) internal _brokerB;

    constructor(Config memory config) EIP712("Clearline Broker Network", "1") {
        if (config.custody == address(0)) revert BrokerNetworkConfigInvalid("custody");
        if (ICustody(config.custody).brokerNetwork() != address(this)) revert BrokerNetworkConfigInvalid("custody");
        if (config.stakeToken == address(0)) revert BrokerNetworkConfigInvalid("stakeToken");
        if (config.stakePerChannel == 0) revert BrokerNetworkConfigInvalid("stakePerChannel");
        if (config.clearingSigner == address(0)) revert BrokerNetworkConfigInvalid("clearingSigner");
        if (config.arbiter == address(0)) revert BrokerNetworkConfigInvalid("arbiter");
        if (config.slashCapBps == 0 || config.slashCapBps > BrokerStake.BPS) {
            revert BrokerNetworkConfigInvalid("slashCapBps");
        }
        if (config.challengePeriod == 0 || config.challengePeriod > 365 days) {
            revert BrokerNetworkConfigInvalid("challengePeriod");
        }
        custody = ICustody(config.custody);
        stakeToken = config.stakeToken;
        stakePerChannel = config.stakePerChannel;
        clearingSigner = config.clearingSigner;
        arbiter = config.arbiter;
        slashCapBps = config.slashCapBps;
        slashCooldown = config.slashCooldown;
        challengePeriod = config.challengePeriod;
    }

    /// The channel id binds chain, this contract, both brokers in order and their nonce.
    function channelIdOf(address a, address b, uint64 nonce) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), a, b, nonce));
    }

    /// Both brokers' signatures over `structHash` under this contract's domain, each by the
    /// signer registered for it (which cannot change while the channel is open).
    function _verifyBoth(address a, address b, bytes32 structHash, BrokerSignatures calldata sigs) internal view {
        bytes32 digest = _hashTypedDataV4(structHash);
        Signatures.verify(_brokers[a].signer, digest, sigs.a);
        Signatures.verify(_brokers[b].signer, digest, sigs.b);
    }

    function _hold(address account, address token, uint256 amount) internal {
        if (amount != 0) custody.brokerHold(account, token, amount);
    }

    function _release(address account, address token, uint256 amount) internal {
        if (amount != 0) custody.brokerRelease(account, token, amount);
    }
}

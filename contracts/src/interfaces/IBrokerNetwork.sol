// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Allocation, ChannelState} from "../types/ChannelState.sol";
import {BrokerSignatures, CollateralLock, SettlementLeg, SignedLock} from "../types/Broker.sol";
import {Channel} from "../libraries/Channel.sol";

/// Clearline's broker network: registry and stake, broker-to-broker channels funded by clearing
/// locks, and atomic same-chain settlement (legs on other chains: IBrokerLegs). Every token
/// stays in the custody contract; this module tells it what to hold and release. See
/// docs/PROTOCOL.md.
interface IBrokerNetwork {
    /// Fixed at deployment.
    struct Config {
        address custody;
        address stakeToken; // the network token, staked from the broker's custody account
        uint256 stakePerChannel; // quota = stake / stakePerChannel (62,500 tokens in base units)
        address clearingSigner; // signs collateral locks
        address arbiter; // the clearing's arbiter: the only one who may slash
        uint256 slashCapBps; // at most this share of the current stake per slash
        uint256 slashCooldown; // seconds between two slashes, network-wide
        uint256 challengePeriod; // seconds a challenged B2B state waits for a newer one
    }

    struct BrokerView {
        bool registered;
        address signer;
        string url;
        uint256 stake;
        uint40 unlockAt;
        uint32 openChannels;
        uint256 quota;
    }

    struct BrokerChannelView {
        address a;
        address b;
        uint48 version;
        uint40 challengeDeadline;
        Channel.Status status;
        bytes32 fundingHash;
        bytes32 challengeStateHash;
    }

    event BrokerRegistered(address indexed broker, address signer, string url);
    event BrokerUpdated(address indexed broker, address signer, string url);
    event BrokerStaked(address indexed broker, uint256 amount, uint256 stake);
    event BrokerUnstakeRequested(address indexed broker, uint40 unlockAt);
    event BrokerUnstakeCancelled(address indexed broker);
    event BrokerStakeWithdrawn(address indexed broker, uint256 amount);
    event BrokerSlashed(
        address indexed broker, address indexed beneficiary, uint256 amount, uint256 remainingStake, bytes32 decisionHash
    );

    event BrokerChannelOpened(
        bytes32 indexed channelId,
        address indexed a,
        address indexed b,
        uint64 nonce,
        bytes32 lockIdA,
        bytes32 lockIdB,
        Allocation[] allocations
    );
    event BrokerChannelCheckpointed(bytes32 indexed channelId, uint48 version);
    event BrokerChannelChallenged(
        bytes32 indexed channelId, uint48 version, uint40 challengeDeadline, bytes32 stateHash, address challenger
    );
    event BrokerChannelChallengeAnswered(bytes32 indexed channelId, uint48 version);
    event BrokerChannelResized(
        bytes32 indexed channelId, uint48 version, Allocation[] allocations, int256[] deltasA, int256[] deltasB
    );
    /// `cooperative`: close() (a CLOSE state both signed) or conclude() (a challenge ran out).
    /// Either way both shares go back to the brokers' custody accounts.
    event BrokerChannelClosed(bytes32 indexed channelId, uint48 version, Allocation[] allocations, bool cooperative);

    event BrokerSettled(bytes32 indexed channelId, uint48 version, bytes32 settlementHash, SettlementLeg[] legs);

    error BrokerNetworkConfigInvalid(string field);
    error BrokerNotArbiter(address caller);
    error BrokerChannelSameBroker(address broker);
    error BrokerChannelIdMismatch(bytes32 expected, bytes32 channelId);
    error BrokerChannelInitialSplitMismatch(bytes32 channelId, uint256 index);
    error BrokerChannelNotParticipant(bytes32 channelId, address account);

    // ── registry and stake ─────────────────────────────────────────────────────────────
    function registerBroker(address signer, string calldata url) external;
    function updateBroker(address signer, string calldata url) external;
    function stake(uint256 amount) external;
    function requestUnstake() external;
    function cancelUnstake() external;
    function withdrawStake() external;
    function slash(address broker, uint256 amount, address beneficiary, bytes32 decisionHash) external;

    // ── broker-to-broker channels ──────────────────────────────────────────────────────
    function openChannel(
        address a,
        address b,
        uint64 nonce,
        SignedLock calldata lockA,
        SignedLock calldata lockB,
        ChannelState calldata state,
        BrokerSignatures calldata sigs
    ) external;
    function checkpoint(ChannelState calldata state, BrokerSignatures calldata sigs) external;
    function challenge(
        ChannelState calldata state,
        BrokerSignatures calldata sigs,
        address challenger,
        bytes calldata challengerSig
    ) external;
    function respond(ChannelState calldata state, BrokerSignatures calldata sigs) external;
    function conclude(ChannelState calldata state) external;
    function close(ChannelState calldata state, BrokerSignatures calldata sigs) external;
    function resize(
        ChannelState calldata previous,
        BrokerSignatures calldata previousSigs,
        ChannelState calldata state,
        BrokerSignatures calldata sigs
    ) external;

    // ── settlement ─────────────────────────────────────────────────────────────────────
    function settle(
        ChannelState calldata state,
        BrokerSignatures calldata stateSigs,
        SettlementLeg[] calldata legs,
        BrokerSignatures calldata settlementSigs
    ) external;

    // ── views ──────────────────────────────────────────────────────────────────────────
    function broker(address account) external view returns (BrokerView memory);
    function quotaOf(address account) external view returns (uint256);
    function channel(bytes32 channelId) external view returns (BrokerChannelView memory);
    function channelIdOf(address a, address b, uint64 nonce) external view returns (bytes32);
    function isBroker(address account) external view returns (bool);
    function lockUsed(bytes32 lockId) external view returns (bool);
    function lastSlashAt() external view returns (uint40);
    function hashState(ChannelState calldata state) external view returns (bytes32 digest);
    function hashChallenge(bytes32 channelId, uint48 version, bytes32 stateHash) external view returns (bytes32);
    function hashCollateralLock(CollateralLock calldata lock) external view returns (bytes32 digest);
    function hashSettlement(ChannelState calldata state, SettlementLeg[] calldata legs)
        external
        view
        returns (bytes32 digest);
    function domainSeparator() external view returns (bytes32);
}

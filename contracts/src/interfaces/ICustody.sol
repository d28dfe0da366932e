// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Allocation, ChannelState, CoSignatures} from "../types/ChannelState.sol";
import {Channel} from "../libraries/Channel.sol";

/// Clearline custody: every trader's and the exchange's deposits, and every trader↔exchange
/// channel. See docs/PROTOCOL.md.
interface ICustody {
    /// A channel as stored on-chain.
    struct ChannelView {
        address trader;
        uint48 version;
        uint40 challengeDeadline;
        Channel.Status status;
        bytes32 fundingHash;
        bytes32 challengeStateHash;
    }

    event Deposited(address indexed account, address indexed token, uint256 amount);
    event Withdrawn(address indexed account, address indexed token, uint256 amount, address to);
    event ChannelOpened(bytes32 indexed channelId, address indexed trader, uint64 nonce, Allocation[] allocations);
    event ChannelCheckpointed(bytes32 indexed channelId, uint48 version);
    event ChannelChallenged(
        bytes32 indexed channelId, uint48 version, uint40 challengeDeadline, bytes32 stateHash, address challenger
    );
    event ChannelChallengeAnswered(bytes32 indexed channelId, uint48 version);
    event ChannelResized(bytes32 indexed channelId, uint48 version, Allocation[] allocations, int256[] traderDeltas, int256[] exchangeDeltas);
    /// `cooperative`: close() (trader paid to their wallet) or conclude() (both credited in custody).
    event ChannelClosed(bytes32 indexed channelId, uint48 version, Allocation[] allocations, bool cooperative);

    /// Broker network moves between custody accounts and what it holds (stake, B2B collateral, legs).
    event BrokerFundsHeld(address indexed account, address indexed token, uint256 amount);
    event BrokerFundsReleased(address indexed account, address indexed token, uint256 amount);
    event BrokerFundsTransferred(address indexed from, address indexed to, address indexed token, uint256 amount);

    error CustodyZeroAmount();
    error CustodyNotBrokerModule(address caller);
    error CustodyNotParticipant(bytes32 channelId, address account);
    error CustodyChannelIdMismatch(bytes32 expected, bytes32 channelId);
    error CustodyZeroAddress();

    // ── custody accounts ──────────────────────────────────────────────────────────────
    function deposit(address token, uint256 amount) external payable;
    function depositTo(address account, address token, uint256 amount) external payable;
    function withdraw(address token, uint256 amount, address to) external;

    // ── channel lifecycle ─────────────────────────────────────────────────────────────
    function open(address trader, uint64 nonce, ChannelState calldata state, CoSignatures calldata sigs) external;
    function depositAndOpen(address trader, uint64 nonce, ChannelState calldata state, CoSignatures calldata sigs)
        external
        payable;
    function checkpoint(ChannelState calldata state, CoSignatures calldata sigs) external;
    function challenge(
        ChannelState calldata state,
        CoSignatures calldata sigs,
        address challenger,
        bytes calldata challengerSig
    ) external;
    function respond(ChannelState calldata state, CoSignatures calldata sigs) external;
    function conclude(ChannelState calldata state) external;
    function close(ChannelState calldata state, CoSignatures calldata sigs) external;
    function resize(
        ChannelState calldata previous,
        CoSignatures calldata previousSigs,
        ChannelState calldata state,
        CoSignatures calldata sigs
    ) external;

    // ── broker hooks (callable by the broker modules only) ──────────────
    function brokerHold(address account, address token, uint256 amount) external;
    function brokerRelease(address account, address token, uint256 amount) external;
    function brokerTransfer(address from, address to, address token, uint256 amount) external;

    // ── views ─────────────────────────────────────────────────────────────────────────
    function exchange() external view returns (address);
    function challengePeriod() external view returns (uint256);
    function balanceOf(address account, address token) external view returns (uint256);
    function totalLocked(address token) external view returns (uint256);
    function brokerNetwork() external view returns (address);
    function brokerLegs() external view returns (address);
    function heldForBrokers(address token) external view returns (uint256);
    function coverage(address token) external view returns (uint256 exchangeAvailable, uint256 lockedInChannels);
    function channel(bytes32 channelId) external view returns (ChannelView memory);
    function channelIdOf(address trader, uint64 nonce) external view returns (bytes32);
    function hashState(ChannelState calldata state) external view returns (bytes32 digest);
    function isValidStateSignature(address signer, ChannelState calldata state, bytes calldata signature)
        external
        view
        returns (bool);
    function hashChallenge(bytes32 channelId, uint48 version, bytes32 stateHash) external view returns (bytes32 digest);
    function domainSeparator() external view returns (bytes32);
}

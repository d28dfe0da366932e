// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MultipartyLifecycle} from "./MultipartyLifecycle.sol";
import {BalanceLeaf, Checkpoint, ForkWitness, Head, Op, OpenParams} from "./MultipartyTypes.sol";

/// Multi-party channels (docs/MULTIPARTY.md, "The contract"): participants post bonds, deposit
/// ERC-20 tokens, settle on a checkpoint co-signed by a threshold of them, and each claims its
/// balance with a Merkle proof against the finalized balances root.
interface IMultipartyChannel {
    struct ChannelView {
        MultipartyLifecycle.Status status;
        address[] participants;
        address matcher;
        uint8 threshold;
        uint8 unbonded;
        uint8 tokenCount;
        address bondToken;
        uint32 challengePeriod;
        uint64 version;
        uint40 deadline;
        bytes32 balancesRoot;
        uint64 depositCount;
    }

    event ChannelOpened(
        bytes32 indexed channelId,
        address[] participants,
        address matcher,
        uint8 threshold,
        address bondToken,
        uint256[] bonds,
        uint32 challengePeriod,
        uint64 nonce
    );
    event ChannelActivated(bytes32 indexed channelId);
    event BondPosted(bytes32 indexed channelId, address indexed participant, uint256 amount);
    event BondWithdrawn(bytes32 indexed channelId, address indexed participant, uint256 amount);
    /// `depositId` is what the depositor's Deposit op cites (core/multiparty OnChainDeposit).
    event Deposited(
        bytes32 indexed channelId, bytes32 indexed depositId, address indexed depositor, address token, uint256 amount
    );
    event SettlementProposed(
        bytes32 indexed channelId,
        uint64 version,
        bytes32 balancesRoot,
        bytes32 headsHash,
        bytes32 opsRoot,
        uint40 deadline,
        address proposer
    );
    event SettlementChallenged(
        bytes32 indexed channelId,
        uint64 version,
        bytes32 balancesRoot,
        bytes32 headsHash,
        bytes32 opsRoot,
        uint40 deadline,
        address indexed challenger
    );
    event SettlementFinalized(bytes32 indexed channelId, uint64 version, bytes32 balancesRoot);
    event Claimed(bytes32 indexed channelId, address indexed participant, address indexed token, uint256 amount);
    event EquivocationSlashed(
        bytes32 indexed channelId, address indexed author, uint64 seq, uint256 amount, address reporter
    );
    event DoubleCheckpointSlashed(
        bytes32 indexed channelId, address indexed signer, uint64 version, uint256 amount, address reporter
    );

    error MultipartyZeroAmount();
    error MultipartyTokenInvalid(address token);
    error MultipartyBondNotReceived(address token, uint256 bond, uint256 received);

    /// Records a channel; it is Active once every participant has posted its bond.
    function open(OpenParams calldata params) external returns (bytes32 channelId);
    /// The caller's bond, pulled in the channel's bond token.
    function postBond(bytes32 channelId) external;
    /// The caller's bond back while Opening; after finalization its bond (unless slashed) and
    /// its share of slashed bonds.
    function withdrawBond(bytes32 channelId) external;
    /// The caller's deposit; returns the id its Deposit op must cite.
    function deposit(bytes32 channelId, address token, uint256 amount) external returns (bytes32 depositId);
    function proposeSettlement(Checkpoint calldata checkpoint, bytes[] calldata signatures) external;
    function challengeSettlement(Checkpoint calldata checkpoint, bytes[] calldata signatures) external;
    function finalizeSettlement(bytes32 channelId) external;
    /// Pays `leaf.participant` its balance of `leaf.token` once; anyone may send it.
    function claim(bytes32 channelId, BalanceLeaf calldata leaf, bytes32[] calldata proof) external;
    function slashEquivocation(
        bytes32 channelId,
        address author,
        uint64 seq,
        ForkWitness calldata first,
        ForkWitness calldata second
    ) external;
    function slashDoubleCheckpoint(
        bytes32 channelId,
        address signer,
        Checkpoint calldata first,
        bytes calldata firstSignature,
        Checkpoint calldata second,
        bytes calldata secondSignature
    ) external;

    function channelIdOf(OpenParams calldata params) external view returns (bytes32);
    function depositIdOf(bytes32 channelId, uint64 index) external pure returns (bytes32);
    function channel(bytes32 channelId) external view returns (ChannelView memory);
    function member(bytes32 channelId, address participant) external view returns (MultipartyLifecycle.Member memory);
    function tokenAccount(bytes32 channelId, address token) external view returns (uint256 deposited, uint256 paid);
    function claimed(bytes32 channelId, address participant, address token) external view returns (bool);
    function checkpointDigest(Checkpoint calldata checkpoint) external view returns (bytes32);
    function opHash(Op calldata op) external pure returns (bytes32);
    function opDigest(Op calldata op) external view returns (bytes32);
    function headDigest(Head calldata head) external view returns (bytes32);
    function balanceLeaf(bytes32 channelId, BalanceLeaf calldata leaf) external pure returns (bytes32);
    function domainSeparator() external view returns (bytes32);
}

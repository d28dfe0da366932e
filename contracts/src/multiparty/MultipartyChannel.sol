// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {TokenTransfers} from "../libraries/TokenTransfers.sol";
import {ReentrancyGuard} from "../utils/ReentrancyGuard.sol";
import {IMultipartyChannel} from "./IMultipartyChannel.sol";
import {MultipartyEvidence} from "./MultipartyEvidence.sol";
import {MultipartyHashing} from "./MultipartyHashing.sol";
import {MultipartyLifecycle} from "./MultipartyLifecycle.sol";
import {MultipartyPayouts} from "./MultipartyPayouts.sol";
import {BalanceLeaf, Checkpoint, ForkWitness, Head, Op, OpenParams} from "./MultipartyTypes.sol";

/// Every multi-party channel of the chain in one contract (as Custody holds every two-party
/// channel): opening a channel writes storage instead of deploying code, and every participant
/// signs under one "Clearline Multiparty" v1 domain whose verifyingContract is this address.
/// A thin shell: the lifecycle lives in MultipartyLifecycle, payouts and slashing in
/// MultipartyPayouts, evidence checks in MultipartyEvidence, hashing in MultipartyHashing; this
/// contract moves tokens, computes digests and emits events.
///
/// Solvency per channel: claims of a token never pay more than that channel's deposits of it
/// (MultipartyPayouts.claim), and bonds are counted apart from deposits, so one channel's
/// co-signed root can never reach another channel's tokens.
contract MultipartyChannel is IMultipartyChannel, EIP712, ReentrancyGuard {
    using MultipartyLifecycle for MultipartyLifecycle.Data;
    using MultipartyPayouts for MultipartyLifecycle.Data;

    mapping(bytes32 channelId => MultipartyLifecycle.Data) private _channels;

    constructor() EIP712("Clearline Multiparty", "1") {}

    // ── opening and bonds ───────────────────────────────────────────────────────────

    function open(OpenParams calldata params) external returns (bytes32 channelId) {
        channelId = channelIdOf(params);
        MultipartyLifecycle.Data storage ch = _channels[channelId];
        bool active = ch.open(channelId, params);
        emit ChannelOpened(
            channelId,
            params.participants,
            params.matcher,
            ch.threshold,
            params.bondToken,
            params.bonds,
            params.challengePeriod,
            params.nonce
        );
        if (active) emit ChannelActivated(channelId);
    }

    function postBond(bytes32 channelId) external nonReentrant {
        MultipartyLifecycle.Data storage ch = _channels[channelId];
        (uint256 amount, bool activated) = ch.postBond(channelId, msg.sender);
        address bondToken = ch.bondToken;
        uint256 received = TokenTransfers.pullToken(bondToken, msg.sender, amount);
        // a fee-on-transfer bond token would leave the bond short of what slashing promises
        if (received != amount) revert MultipartyBondNotReceived(bondToken, amount, received);
        emit BondPosted(channelId, msg.sender, amount);
        if (activated) emit ChannelActivated(channelId);
    }

    function withdrawBond(bytes32 channelId) external nonReentrant {
        MultipartyLifecycle.Data storage ch = _channels[channelId];
        uint256 amount = ch.releaseBond(channelId, msg.sender);
        emit BondWithdrawn(channelId, msg.sender, amount);
        TokenTransfers.push(ch.bondToken, msg.sender, amount);
    }

    // ── deposits ────────────────────────────────────────────────────────────────────

    function deposit(bytes32 channelId, address token, uint256 amount)
        external
        nonReentrant
        returns (bytes32 depositId)
    {
        if (amount == 0) revert MultipartyZeroAmount();
        if (token == address(0)) revert MultipartyTokenInvalid(token);
        MultipartyLifecycle.Data storage ch = _channels[channelId];
        ch.requireDepositor(channelId, msg.sender);
        // fee-on-transfer tokens: the deposit is what arrived, and the op must cite that amount
        uint256 received = TokenTransfers.pullToken(token, msg.sender, amount);
        uint64 index = ch.recordDeposit(channelId, token, received);
        depositId = depositIdOf(channelId, index);
        emit Deposited(channelId, depositId, msg.sender, token, received);
    }

    // ── settlement ──────────────────────────────────────────────────────────────────

    /// Anyone may propose a checkpoint co-signed by at least `threshold` distinct participants
    /// whose totals match the channel's deposits; deposits stop, the challenge clock starts.
    function proposeSettlement(Checkpoint calldata checkpoint, bytes[] calldata signatures) external {
        bytes32 channelId = checkpoint.channelId;
        MultipartyLifecycle.Data storage ch = _channels[channelId];
        uint40 deadline = ch.propose(channelId, checkpoint.version, checkpoint.balancesRoot);
        _requireSettleable(ch, checkpoint, signatures);
        emit SettlementProposed(
            channelId,
            checkpoint.version,
            checkpoint.balancesRoot,
            checkpoint.headsHash,
            checkpoint.opsRoot,
            deadline,
            msg.sender
        );
    }

    /// A participant (each at most once) replaces the proposed checkpoint by a newer co-signed
    /// one strictly before the deadline; the clock restarts.
    function challengeSettlement(Checkpoint calldata checkpoint, bytes[] calldata signatures) external {
        bytes32 channelId = checkpoint.channelId;
        MultipartyLifecycle.Data storage ch = _channels[channelId];
        uint40 deadline = ch.challenge(channelId, msg.sender, checkpoint.version, checkpoint.balancesRoot);
        _requireSettleable(ch, checkpoint, signatures);
        emit SettlementChallenged(
            channelId,
            checkpoint.version,
            checkpoint.balancesRoot,
            checkpoint.headsHash,
            checkpoint.opsRoot,
            deadline,
            msg.sender
        );
    }

    function finalizeSettlement(bytes32 channelId) external {
        (uint64 version, bytes32 balancesRoot) = _channels[channelId].finalize(channelId);
        emit SettlementFinalized(channelId, version, balancesRoot);
    }

    /// The one exit, cooperative or not: a balance leaf of the finalized root, paid once.
    function claim(bytes32 channelId, BalanceLeaf calldata leaf, bytes32[] calldata proof) external nonReentrant {
        uint256 amount = _channels[channelId].claim(channelId, leaf, proof);
        emit Claimed(channelId, leaf.participant, leaf.token, amount);
        TokenTransfers.push(leaf.token, leaf.participant, amount);
    }

    // ── slashing ────────────────────────────────────────────────────────────────────

    function slashEquivocation(
        bytes32 channelId,
        address author,
        uint64 seq,
        ForkWitness calldata first,
        ForkWitness calldata second
    ) external {
        MultipartyEvidence.requireFork(_domainSeparatorV4(), channelId, author, seq, first, second);
        uint256 amount = _channels[channelId].slash(channelId, author);
        emit EquivocationSlashed(channelId, author, seq, amount, msg.sender);
    }

    function slashDoubleCheckpoint(
        bytes32 channelId,
        address signer,
        Checkpoint calldata first,
        bytes calldata firstSignature,
        Checkpoint calldata second,
        bytes calldata secondSignature
    ) external {
        MultipartyEvidence.requireDoubleCheckpoint(
            _domainSeparatorV4(), channelId, signer, first, firstSignature, second, secondSignature
        );
        uint256 amount = _channels[channelId].slash(channelId, signer);
        emit DoubleCheckpointSlashed(channelId, signer, first.version, amount, msg.sender);
    }

    // ── views ───────────────────────────────────────────────────────────────────────

    /// keccak256(abi.encode(chainId, this contract, params)): the id commits to every term.
    function channelIdOf(OpenParams calldata params) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), params));
    }

    function depositIdOf(bytes32 channelId, uint64 index) public pure returns (bytes32) {
        return keccak256(abi.encode(channelId, index));
    }

    function channel(bytes32 channelId) external view returns (ChannelView memory) {
        MultipartyLifecycle.Data storage ch = _channels[channelId];
        return ChannelView(
            ch.status,
            ch.participants,
            ch.matcher,
            ch.threshold,
            ch.unbonded,
            ch.tokenCount,
            ch.bondToken,
            ch.challengePeriod,
            ch.version,
            ch.deadline,
            ch.balancesRoot,
            ch.depositCount
        );
    }

    function member(bytes32 channelId, address participant) external view returns (MultipartyLifecycle.Member memory) {
        return _channels[channelId].members[participant];
    }

    function tokenAccount(bytes32 channelId, address token) external view returns (uint256 deposited, uint256 paid) {
        MultipartyLifecycle.TokenAccount storage account = _channels[channelId].tokens[token];
        return (account.deposited, account.paid);
    }

    function claimed(bytes32 channelId, address participant, address token) external view returns (bool) {
        MultipartyLifecycle.Data storage ch = _channels[channelId];
        uint8 index1 = ch.tokens[token].index1;
        return index1 != 0 && ch.members[participant].claimed & (1 << (index1 - 1)) != 0;
    }

    function checkpointDigest(Checkpoint calldata checkpoint) external view returns (bytes32) {
        return _hashTypedDataV4(MultipartyHashing.hashCheckpoint(checkpoint));
    }

    function opHash(Op calldata op) external pure returns (bytes32) {
        return MultipartyHashing.hashOp(op);
    }

    function opDigest(Op calldata op) external view returns (bytes32) {
        return _hashTypedDataV4(MultipartyHashing.hashOp(op));
    }

    function headDigest(Head calldata head) external view returns (bytes32) {
        return _hashTypedDataV4(MultipartyHashing.hashHead(head));
    }

    function balanceLeaf(bytes32 channelId, BalanceLeaf calldata leaf) external pure returns (bytes32) {
        return MultipartyHashing.balanceLeaf(channelId, leaf);
    }

    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ── internals ───────────────────────────────────────────────────────────────────

    function _requireSettleable(
        MultipartyLifecycle.Data storage ch,
        Checkpoint calldata checkpoint,
        bytes[] calldata signatures
    ) private view {
        bytes32 channelId = checkpoint.channelId;
        ch.requireTotals(channelId, checkpoint.totals);
        ch.requireQuorum(channelId, _hashTypedDataV4(MultipartyHashing.hashCheckpoint(checkpoint)), signatures);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Allocation, ChannelState} from "../types/ChannelState.sol";
import {BrokerSignatures, CollateralLock, SignedLock} from "../types/Broker.sol";
import {Allocations} from "../libraries/Allocations.sol";
import {BrokerStake} from "../libraries/BrokerStake.sol";
import {Channel} from "../libraries/Channel.sol";
import {CollateralLocks} from "../libraries/CollateralLocks.sol";
import {Signatures} from "../libraries/Signatures.sol";
import {StateHash} from "../libraries/StateHash.sol";
import {BrokerRegistry} from "./BrokerRegistry.sol";

/// Broker-to-broker channels: the trader channel's lifecycle (Channel library, EIP-712 State)
/// between two brokers, funded by one clearing lock each. In every allocation `traderAmount` is
/// broker a's share and `exchangeAmount` broker b's. A margin call is an OPERATE state that
/// moves collateral toward the creditor — checkpoint() registers it; the per-token totals
/// cannot change outside resize(). Payouts go to the brokers' custody accounts.
abstract contract BrokerChannels is BrokerRegistry {
    using BrokerStake for BrokerStake.Broker;
    using Channel for Channel.Data;
    using CollateralLocks for mapping(bytes32 => bool);

    /// Opens channel (a, b, nonce) in one transaction: both locks (signed by the clearing key),
    /// both brokers' signatures on the INITIALIZE state whose split is exactly the locks, and
    /// a quota check for both. The collateral leaves each broker's own custody account.
    function openChannel(
        address a,
        address b,
        uint64 nonce,
        SignedLock calldata lockA,
        SignedLock calldata lockB,
        ChannelState calldata state,
        BrokerSignatures calldata sigs
    ) external {
        if (a == b) revert BrokerChannelSameBroker(a);
        bytes32 channelId = channelIdOf(a, b, nonce);
        if (state.channelId != channelId) revert BrokerChannelIdMismatch(channelId, state.channelId);
        _consumeLock(lockA, a, b);
        _consumeLock(lockB, b, a);
        _requireInitialSplit(channelId, state.allocations, lockA.lock, lockB.lock);
        (bytes32 stateHash, bytes32 fundingHash) = StateHash.hash(state);
        _channels[channelId].open(channelId, a, state.version, state.intent, fundingHash);
        _brokerB[channelId] = b;
        _brokers[a].reserveChannel(a, stakePerChannel);
        _brokers[b].reserveChannel(b, stakePerChannel);
        _verifyBoth(a, b, stateHash, sigs);
        custody.brokerHold(a, lockA.lock.token, lockA.lock.amount);
        custody.brokerHold(b, lockB.lock.token, lockB.lock.amount);
        emit BrokerChannelOpened(channelId, a, b, nonce, lockA.lock.lockId, lockB.lock.lockId, state.allocations);
    }

    /// Registers a newer co-signed OPERATE state (a margin call, or any update).
    function checkpoint(ChannelState calldata state, BrokerSignatures calldata sigs) external {
        _checkpoint(state, sigs);
    }

    function challenge(
        ChannelState calldata state,
        BrokerSignatures calldata sigs,
        address challenger,
        bytes calldata challengerSig
    ) external {
        (bytes32 stateHash, bytes32 fundingHash) = StateHash.hash(state);
        bytes32 channelId = state.channelId;
        Channel.Data storage ch = _channels[channelId];
        uint40 deadline = ch.challenge(channelId, state.version, state.intent, fundingHash, stateHash, challengePeriod);
        _verifyBoth(ch.trader, _brokerB[channelId], stateHash, sigs);
        _verifyChallenger(channelId, ch.trader, state.version, stateHash, challenger, challengerSig);
        emit BrokerChannelChallenged(channelId, state.version, deadline, stateHash, challenger);
    }

    /// Anyone may answer a challenge with a newer co-signed state (a watchtower does).
    function respond(ChannelState calldata state, BrokerSignatures calldata sigs) external {
        (bytes32 stateHash, bytes32 fundingHash) = StateHash.hash(state);
        bytes32 channelId = state.channelId;
        Channel.Data storage ch = _channels[channelId];
        ch.respond(channelId, state.version, state.intent, fundingHash);
        _verifyBoth(ch.trader, _brokerB[channelId], stateHash, sigs);
        emit BrokerChannelChallengeAnswered(channelId, state.version);
    }

    /// Pays out the challenged state once its deadline passed.
    function conclude(ChannelState calldata state) external {
        (bytes32 stateHash,) = StateHash.hash(state);
        Channel.Data storage ch = _channels[state.channelId];
        ch.conclude(state.channelId, stateHash);
        _payOut(state.channelId, ch.trader, state.allocations);
        emit BrokerChannelClosed(state.channelId, state.version, state.allocations, false);
    }

    /// Cooperative close with a co-signed CLOSE state.
    function close(ChannelState calldata state, BrokerSignatures calldata sigs) external {
        (bytes32 stateHash, bytes32 fundingHash) = StateHash.hash(state);
        bytes32 channelId = state.channelId;
        Channel.Data storage ch = _channels[channelId];
        ch.close(channelId, state.version, state.intent, fundingHash);
        address a = ch.trader;
        _verifyBoth(a, _brokerB[channelId], stateHash, sigs);
        _payOut(channelId, a, state.allocations);
        emit BrokerChannelClosed(channelId, state.version, state.allocations, true);
    }

    /// Top-up or partial release: each broker's difference between the co-signed state just
    /// before and the RESIZE state is held from, or released to, its custody account.
    function resize(
        ChannelState calldata previous,
        BrokerSignatures calldata previousSigs,
        ChannelState calldata state,
        BrokerSignatures calldata sigs
    ) external {
        (address a, address b) = _registerResize(previous, previousSigs, state, sigs);
        (int256[] memory deltasA, int256[] memory deltasB) = _applyResize(a, b, previous.allocations, state.allocations);
        emit BrokerChannelResized(state.channelId, state.version, state.allocations, deltasA, deltasB);
    }

    // ── internals ─────────────────────────────────────────────────────────────────────

    /// Registers `state` as checkpoint() does; settle() registers its post-settlement state so.
    function _checkpoint(ChannelState calldata state, BrokerSignatures calldata sigs)
        internal
        returns (bytes32 stateHash, address a, address b)
    {
        bytes32 fundingHash;
        (stateHash, fundingHash) = StateHash.hash(state);
        bytes32 channelId = state.channelId;
        Channel.Data storage ch = _channels[channelId];
        ch.checkpoint(channelId, state.version, state.intent, fundingHash);
        (a, b) = (ch.trader, _brokerB[channelId]);
        _verifyBoth(a, b, stateHash, sigs);
        emit BrokerChannelCheckpointed(channelId, state.version);
    }

    /// The challenger is one of the two brokers and consented, with its signer, to start the clock.
    function _verifyChallenger(
        bytes32 channelId,
        address a,
        uint48 version,
        bytes32 stateHash,
        address challenger,
        bytes calldata challengerSig
    ) private view {
        if (challenger != a && challenger != _brokerB[channelId]) {
            revert BrokerChannelNotParticipant(channelId, challenger);
        }
        bytes32 digest = _hashTypedDataV4(StateHash.challengeHash(channelId, version, stateHash));
        Signatures.verify(_brokers[challenger].signer, digest, challengerSig);
    }

    function _registerResize(
        ChannelState calldata previous,
        BrokerSignatures calldata previousSigs,
        ChannelState calldata state,
        BrokerSignatures calldata sigs
    ) private returns (address a, address b) {
        bytes32 channelId = state.channelId;
        if (previous.channelId != channelId) revert BrokerChannelIdMismatch(channelId, previous.channelId);
        (bytes32 previousHash, bytes32 previousFunding) = StateHash.hash(previous);
        (bytes32 stateHash, bytes32 newFunding) = StateHash.hash(state);
        Channel.Data storage ch = _channels[channelId];
        ch.resize(
            channelId, previous.version, previous.intent, previousFunding, state.version, state.intent, newFunding
        );
        (a, b) = (ch.trader, _brokerB[channelId]);
        _verifyBoth(a, b, previousHash, previousSigs);
        _verifyBoth(a, b, stateHash, sigs);
    }

    function _consumeLock(SignedLock calldata signed, address broker, address counterparty) private {
        CollateralLock calldata lock = signed.lock;
        lockUsed.consume(lock, broker, counterparty);
        Signatures.verify(clearingSigner, _hashTypedDataV4(CollateralLocks.structHash(lock)), signed.signature);
    }

    /// Version 0 must split exactly the locked collateral: one allocation (a's, b's amount) when
    /// both locks are in one token, else one per token, sorted, each with the other side at 0.
    function _requireInitialSplit(
        bytes32 channelId,
        Allocation[] calldata allocations,
        CollateralLock calldata lockA,
        CollateralLock calldata lockB
    ) private pure {
        if (lockA.token == lockB.token) {
            if (allocations.length != 1) revert BrokerChannelInitialSplitMismatch(channelId, allocations.length);
            _requireAllocation(channelId, allocations[0], 0, lockA.token, lockA.amount, lockB.amount);
            return;
        }
        if (allocations.length != 2) revert BrokerChannelInitialSplitMismatch(channelId, allocations.length);
        (uint256 ia, uint256 ib) = lockA.token < lockB.token ? (0, 1) : (1, 0);
        _requireAllocation(channelId, allocations[ia], ia, lockA.token, lockA.amount, 0);
        _requireAllocation(channelId, allocations[ib], ib, lockB.token, 0, lockB.amount);
    }

    function _requireAllocation(
        bytes32 channelId,
        Allocation calldata allocation,
        uint256 index,
        address token,
        uint256 amountA,
        uint256 amountB
    ) private pure {
        if (allocation.token != token || allocation.traderAmount != amountA || allocation.exchangeAmount != amountB) {
            revert BrokerChannelInitialSplitMismatch(channelId, index);
        }
    }

    /// Both shares back to the brokers' custody accounts; the channel no longer counts in either quota.
    function _payOut(bytes32 channelId, address a, Allocation[] calldata allocations) private {
        address b = _brokerB[channelId];
        for (uint256 i = 0; i < allocations.length; ++i) {
            Allocation calldata allocation = allocations[i];
            _release(a, allocation.token, allocation.traderAmount);
            _release(b, allocation.token, allocation.exchangeAmount);
        }
        _brokers[a].releaseChannel();
        _brokers[b].releaseChannel();
    }

    function _applyResize(address a, address b, Allocation[] calldata before, Allocation[] calldata next)
        private
        returns (int256[] memory deltasA, int256[] memory deltasB)
    {
        uint256 capacity = before.length + next.length;
        deltasA = new int256[](capacity);
        deltasB = new int256[](capacity);
        uint256 i;
        uint256 j;
        uint256 n;
        while (i < before.length || j < next.length) {
            Allocations.Step memory step;
            (step, i, j) = Allocations.step(before, next, i, j);
            deltasA[n] = _move(a, step.token, step.firstBefore, step.firstAfter);
            deltasB[n] = _move(b, step.token, step.secondBefore, step.secondAfter);
            ++n;
        }
        assembly ("memory-safe") {
            // shrink both arrays to the number of distinct tokens
            mstore(deltasA, n)
            mstore(deltasB, n)
        }
    }

    function _move(address account, address token, uint256 beforeAmount, uint256 afterAmount)
        private
        returns (int256 delta)
    {
        if (afterAmount >= beforeAmount) {
            uint256 added = afterAmount - beforeAmount;
            _hold(account, token, added);
            return SafeCast.toInt256(added);
        }
        uint256 released = beforeAmount - afterAmount;
        _release(account, token, released);
        return -SafeCast.toInt256(released);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ICustody} from "./interfaces/ICustody.sol";
import {Allocation, ChannelState, CoSignatures} from "./types/ChannelState.sol";
import {Allocations} from "./libraries/Allocations.sol";
import {Channel} from "./libraries/Channel.sol";
import {Ledger} from "./libraries/Ledger.sol";
import {Signatures} from "./libraries/Signatures.sol";
import {StateHash} from "./libraries/StateHash.sol";
import {TokenTransfers} from "./libraries/TokenTransfers.sol";
import {ReentrancyGuard} from "./utils/ReentrancyGuard.sol";

/// Clearline custody: holds every trader's and the exchange's deposits and all trader↔exchange
/// channels. A thin shell: the channel lifecycle lives in Channel, state hashing in StateHash,
/// accounts in Ledger; this contract verifies signatures, moves funds and emits events.
///
/// Solvency: every token unit the contract owes is either in a custody account (`balanceOf`)
/// or locked in a channel (`totalLocked`); a channel only ever pays out allocations that sum to
/// what was locked into it. Profits a trader earns beyond their own deposit come out of the
/// exchange's share of the channel, which the exchange locked from its custody account.
contract Custody is ICustody, EIP712, ReentrancyGuard {
    using Channel for Channel.Data;
    using Ledger for mapping(address => mapping(address => uint256));

    /// The counterparty of every channel; its custody account covers traders' profits.
    address public immutable exchange;
    /// Seconds a challenged state waits for a newer one before it can be paid out.
    uint256 public immutable challengePeriod;

    mapping(address account => mapping(address token => uint256)) private _balances;
    mapping(address token => uint256) public totalLocked;
    mapping(bytes32 channelId => Channel.Data) private _channels;
    /// The broker modules (docs/adr/0007-broker-network-modules.md), fixed at deployment: the
    /// only other contracts allowed to hold funds of custody accounts — brokers' stake and B2B
    /// channel collateral (brokerNetwork), hash-time-locked legs (brokerLegs) — and to move them
    /// between accounts. address(0): no such module; the hooks below refuse every other caller.
    address public immutable brokerNetwork;
    address public immutable brokerLegs;
    /// Per token, what the broker modules hold out of custody accounts; part of what the
    /// contract owes, like totalLocked.
    mapping(address token => uint256) public heldForBrokers;

    error CustodyChallengePeriodInvalid(uint256 challengePeriod);

    constructor(address exchange_, uint256 challengePeriod_, address brokerNetwork_, address brokerLegs_)
        EIP712("Clearline Custody", "1")
    {
        if (exchange_ == address(0)) revert CustodyZeroAddress();
        if (challengePeriod_ == 0 || challengePeriod_ > 365 days) revert CustodyChallengePeriodInvalid(challengePeriod_);
        exchange = exchange_;
        challengePeriod = challengePeriod_;
        brokerNetwork = brokerNetwork_;
        brokerLegs = brokerLegs_;
    }

    // ── custody accounts ──────────────────────────────────────────────────────────────

    function deposit(address token, uint256 amount) external payable nonReentrant {
        _deposit(msg.sender, token, amount);
    }

    function depositTo(address account, address token, uint256 amount) external payable nonReentrant {
        if (account == address(0)) revert CustodyZeroAddress();
        _deposit(account, token, amount);
    }

    function withdraw(address token, uint256 amount, address to) external nonReentrant {
        if (amount == 0) revert CustodyZeroAmount();
        if (to == address(0)) revert CustodyZeroAddress();
        _balances.debit(msg.sender, token, amount);
        emit Withdrawn(msg.sender, token, amount, to);
        TokenTransfers.push(token, to, amount);
    }

    // ── channel lifecycle ─────────────────────────────────────────────────────────────

    function open(address trader, uint64 nonce, ChannelState calldata state, CoSignatures calldata sigs)
        external
        nonReentrant
    {
        _open(trader, nonce, state, sigs);
    }

    /// Deposits the trader's side of every allocation (paid by the caller, credited to the
    /// trader) and opens the channel, in one transaction.
    function depositAndOpen(address trader, uint64 nonce, ChannelState calldata state, CoSignatures calldata sigs)
        external
        payable
        nonReentrant
    {
        Allocation[] calldata allocations = state.allocations;
        uint256 ethExpected;
        for (uint256 i = 0; i < allocations.length; ++i) {
            Allocation calldata allocation = allocations[i];
            uint256 amount = allocation.traderAmount;
            if (amount == 0) continue;
            uint256 received = amount;
            if (allocation.token == address(0)) ethExpected = amount;
            else received = TokenTransfers.pullToken(allocation.token, msg.sender, amount);
            _balances.credit(trader, allocation.token, received);
            emit Deposited(trader, allocation.token, received);
        }
        if (msg.value != ethExpected) revert TokenTransfers.CustodyEthValueMismatch(msg.value, ethExpected);
        _open(trader, nonce, state, sigs);
    }

    function checkpoint(ChannelState calldata state, CoSignatures calldata sigs) external {
        (bytes32 stateHash, bytes32 fundingHash) = StateHash.hash(state);
        Channel.Data storage ch = _channels[state.channelId];
        ch.checkpoint(state.channelId, state.version, state.intent, fundingHash);
        _verifyCoSigned(ch.trader, stateHash, sigs);
        emit ChannelCheckpointed(state.channelId, state.version);
    }

    function challenge(
        ChannelState calldata state,
        CoSignatures calldata sigs,
        address challenger,
        bytes calldata challengerSig
    ) external {
        (bytes32 stateHash, bytes32 fundingHash) = StateHash.hash(state);
        Channel.Data storage ch = _channels[state.channelId];
        uint40 deadline =
            ch.challenge(state.channelId, state.version, state.intent, fundingHash, stateHash, challengePeriod);
        address trader = ch.trader;
        if (challenger != trader && challenger != exchange) revert CustodyNotParticipant(state.channelId, challenger);
        _verifyCoSigned(trader, stateHash, sigs);
        Signatures.verify(
            challenger,
            _hashTypedDataV4(StateHash.challengeHash(state.channelId, state.version, stateHash)),
            challengerSig
        );
        emit ChannelChallenged(state.channelId, state.version, deadline, stateHash, challenger);
    }

    /// Anyone may answer: the exchange's watchtower calls this with the newest co-signed state.
    function respond(ChannelState calldata state, CoSignatures calldata sigs) external {
        (bytes32 stateHash, bytes32 fundingHash) = StateHash.hash(state);
        Channel.Data storage ch = _channels[state.channelId];
        ch.respond(state.channelId, state.version, state.intent, fundingHash);
        _verifyCoSigned(ch.trader, stateHash, sigs);
        emit ChannelChallengeAnswered(state.channelId, state.version);
    }

    /// Pays out the challenged state once its deadline has passed: both shares are credited to
    /// the participants' custody accounts (no external calls, so nobody can block it).
    function conclude(ChannelState calldata state) external nonReentrant {
        (bytes32 stateHash,) = StateHash.hash(state);
        Channel.Data storage ch = _channels[state.channelId];
        ch.conclude(state.channelId, stateHash);
        address trader = ch.trader;
        Allocation[] calldata allocations = state.allocations;
        for (uint256 i = 0; i < allocations.length; ++i) {
            Allocation calldata allocation = allocations[i];
            _unlock(allocation);
            _balances.credit(trader, allocation.token, allocation.traderAmount);
            _balances.credit(exchange, allocation.token, allocation.exchangeAmount);
        }
        emit ChannelClosed(state.channelId, state.version, allocations, false);
    }

    /// Cooperative close: the trader's share goes straight to the trader's wallet, the
    /// exchange's share back to its custody account.
    function close(ChannelState calldata state, CoSignatures calldata sigs) external nonReentrant {
        (bytes32 stateHash, bytes32 fundingHash) = StateHash.hash(state);
        Channel.Data storage ch = _channels[state.channelId];
        ch.close(state.channelId, state.version, state.intent, fundingHash);
        address trader = ch.trader;
        _verifyCoSigned(trader, stateHash, sigs);
        Allocation[] calldata allocations = state.allocations;
        emit ChannelClosed(state.channelId, state.version, allocations, true);
        for (uint256 i = 0; i < allocations.length; ++i) {
            Allocation calldata allocation = allocations[i];
            _unlock(allocation);
            _balances.credit(exchange, allocation.token, allocation.exchangeAmount);
        }
        for (uint256 i = 0; i < allocations.length; ++i) {
            TokenTransfers.push(allocations[i].token, trader, allocations[i].traderAmount);
        }
    }

    /// Partial withdrawal or top-up. `previous` is the co-signed state just before the RESIZE
    /// `state`; the difference between the two is what each participant adds (locked from their
    /// custody account) or takes out (trader: paid to their wallet; exchange: its custody account).
    function resize(
        ChannelState calldata previous,
        CoSignatures calldata previousSigs,
        ChannelState calldata state,
        CoSignatures calldata sigs
    ) external nonReentrant {
        bytes32 channelId = state.channelId;
        if (previous.channelId != channelId) revert CustodyChannelIdMismatch(channelId, previous.channelId);
        (bytes32 previousHash, bytes32 previousFunding) = StateHash.hash(previous);
        (bytes32 stateHash, bytes32 newFunding) = StateHash.hash(state);
        Channel.Data storage ch = _channels[channelId];
        ch.resize(
            channelId, previous.version, previous.intent, previousFunding, state.version, state.intent, newFunding
        );
        address trader = ch.trader;
        _verifyCoSigned(trader, previousHash, previousSigs);
        _verifyCoSigned(trader, stateHash, sigs);
        (address[] memory tokens, int256[] memory traderDeltas, int256[] memory exchangeDeltas) =
            _applyResize(trader, previous.allocations, state.allocations);
        emit ChannelResized(channelId, state.version, state.allocations, traderDeltas, exchangeDeltas);
        for (uint256 i = 0; i < tokens.length; ++i) {
            int256 delta = traderDeltas[i];
            // delta > type(int256).min: it is the negation of a SafeCast-checked int256
            if (delta < 0) TokenTransfers.push(tokens[i], trader, uint256(-delta));
        }
    }

    // ── broker module hooks (funds never leave the contract) ────────────────────────

    modifier onlyBrokerModule() {
        if (msg.sender != brokerNetwork && msg.sender != brokerLegs) revert CustodyNotBrokerModule(msg.sender);
        _;
    }

    /// Moves `amount` from `account`'s custody balance into what the broker modules hold.
    function brokerHold(address account, address token, uint256 amount) external nonReentrant onlyBrokerModule {
        _balances.debit(account, token, amount);
        heldForBrokers[token] += amount;
        emit BrokerFundsHeld(account, token, amount);
    }

    /// Returns `amount` the broker modules hold to `account`'s custody balance; never more than
    /// they hold in that token (checked subtraction), whatever a module asks.
    function brokerRelease(address account, address token, uint256 amount) external nonReentrant onlyBrokerModule {
        heldForBrokers[token] -= amount;
        _balances.credit(account, token, amount);
        emit BrokerFundsReleased(account, token, amount);
    }

    /// One settlement leg: `amount` from `from`'s custody balance to `to`'s.
    function brokerTransfer(address from, address to, address token, uint256 amount)
        external
        nonReentrant
        onlyBrokerModule
    {
        _balances.debit(from, token, amount);
        _balances.credit(to, token, amount);
        emit BrokerFundsTransferred(from, to, token, amount);
    }

    // ── views ─────────────────────────────────────────────────────────────────────────

    function balanceOf(address account, address token) external view returns (uint256) {
        return _balances[account][token];
    }

    /// The exchange's free balance, from which it covers traders' profits, and everything
    /// locked in channels, for `token`.
    function coverage(address token) external view returns (uint256 exchangeAvailable, uint256 lockedInChannels) {
        return (_balances[exchange][token], totalLocked[token]);
    }

    function channel(bytes32 channelId) external view returns (ChannelView memory) {
        Channel.Data storage ch = _channels[channelId];
        return ChannelView(
            ch.trader, ch.version, ch.challengeDeadline, ch.status, ch.fundingHash, ch.challengeStateHash
        );
    }

    function channelIdOf(address trader, uint64 nonce) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), trader, exchange, nonce));
    }

    function hashState(ChannelState calldata state) external view returns (bytes32 digest) {
        (bytes32 stateHash,) = StateHash.hash(state);
        return _hashTypedDataV4(stateHash);
    }

    /// Whether `signature` is `signer`'s over `state` under the contract's own rules (EOA or ERC-1271):
    /// lets off-chain code check a smart-wallet participant's signature exactly as the contract will.
    function isValidStateSignature(address signer, ChannelState calldata state, bytes calldata signature)
        external
        view
        returns (bool)
    {
        (bytes32 stateHash,) = StateHash.hash(state);
        return SignatureChecker.isValidSignatureNow(signer, _hashTypedDataV4(stateHash), signature);
    }

    function hashChallenge(bytes32 channelId, uint48 version, bytes32 stateHash) external view returns (bytes32) {
        return _hashTypedDataV4(StateHash.challengeHash(channelId, version, stateHash));
    }

    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ── internals ─────────────────────────────────────────────────────────────────────

    function _deposit(address account, address token, uint256 amount) private {
        if (amount == 0) revert CustodyZeroAmount();
        uint256 received = amount;
        if (token == address(0)) {
            if (msg.value != amount) revert TokenTransfers.CustodyEthValueMismatch(msg.value, amount);
        } else {
            if (msg.value != 0) revert TokenTransfers.CustodyEthValueMismatch(msg.value, 0);
            received = TokenTransfers.pullToken(token, msg.sender, amount);
        }
        _balances.credit(account, token, received);
        emit Deposited(account, token, received);
    }

    function _open(address trader, uint64 nonce, ChannelState calldata state, CoSignatures calldata sigs) private {
        if (trader == address(0) || trader == exchange) revert CustodyNotParticipant(state.channelId, trader);
        bytes32 channelId = channelIdOf(trader, nonce);
        if (state.channelId != channelId) revert CustodyChannelIdMismatch(channelId, state.channelId);
        (bytes32 stateHash, bytes32 fundingHash) = StateHash.hash(state);
        _channels[channelId].open(channelId, trader, state.version, state.intent, fundingHash);
        _verifyCoSigned(trader, stateHash, sigs);
        Allocation[] calldata allocations = state.allocations;
        for (uint256 i = 0; i < allocations.length; ++i) {
            Allocation calldata allocation = allocations[i];
            _balances.debit(trader, allocation.token, allocation.traderAmount);
            _balances.debit(exchange, allocation.token, allocation.exchangeAmount);
            // checked: totals were checked not to overflow when hashing
            totalLocked[allocation.token] += allocation.traderAmount + allocation.exchangeAmount;
        }
        emit ChannelOpened(channelId, trader, nonce, allocations);
    }

    function _unlock(Allocation calldata allocation) private {
        // unchecked: the channel's allocations sum to what was locked for it (its funding hash
        // matched), and totalLocked includes that amount
        unchecked {
            totalLocked[allocation.token] -= allocation.traderAmount + allocation.exchangeAmount;
        }
    }

    /// Locks or releases the per-participant differences between two sorted allocation lists.
    function _applyResize(address trader, Allocation[] calldata before, Allocation[] calldata next)
        private
        returns (address[] memory tokens, int256[] memory traderDeltas, int256[] memory exchangeDeltas)
    {
        uint256 capacity = before.length + next.length;
        tokens = new address[](capacity);
        traderDeltas = new int256[](capacity);
        exchangeDeltas = new int256[](capacity);
        uint256 i;
        uint256 j;
        uint256 n;
        while (i < before.length || j < next.length) {
            Allocations.Step memory step;
            (step, i, j) = Allocations.step(before, next, i, j);
            tokens[n] = step.token;
            traderDeltas[n] = _move(trader, step.token, step.firstBefore, step.firstAfter, false);
            exchangeDeltas[n] = _move(exchange, step.token, step.secondBefore, step.secondAfter, true);
            ++n;
        }
        assembly ("memory-safe") {
            // shrink the arrays to the number of distinct tokens
            mstore(tokens, n)
            mstore(traderDeltas, n)
            mstore(exchangeDeltas, n)
        }
    }

    /// Locks `afterAmount - beforeAmount` from `account`'s custody balance, or releases the
    /// difference (credited to custody when `creditOnRelease`, else paid out by the caller).
    function _move(address account, address token, uint256 beforeAmount, uint256 afterAmount, bool creditOnRelease)
        private
        returns (int256 delta)
    {
        if (afterAmount >= beforeAmount) {
            uint256 added = afterAmount - beforeAmount;
            _balances.debit(account, token, added);
            totalLocked[token] += added;
            delta = SafeCast.toInt256(added);
        } else {
            uint256 released = beforeAmount - afterAmount;
            delta = -SafeCast.toInt256(released);
            // unchecked: released was part of this channel's funding, which totalLocked includes
            unchecked {
                totalLocked[token] -= released;
            }
            if (creditOnRelease) _balances.credit(account, token, released);
        }
    }

    function _verifyCoSigned(address trader, bytes32 stateHash, CoSignatures calldata sigs) private view {
        bytes32 digest = _hashTypedDataV4(stateHash);
        Signatures.verify(trader, digest, sigs.trader);
        Signatures.verify(exchange, digest, sigs.exchange);
    }
}

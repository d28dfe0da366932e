// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {OpenParams, TokenTotal} from "./MultipartyTypes.sol";

/// The lifecycle of one multi-party channel over its storage record: pure bookkeeping (the
/// contract moves tokens and emits events; this library decides whether a transition is allowed
/// and records it).
///
///   None ──open──▶ Opening ──(last bond posted)──▶ Active ──propose──▶ Settling ──finalize──▶ Finalized
///                    │ (all bonds 0: straight to Active)   deposits      │ challenge (newer version,
///                    └ a bonded participant may take its bond back       │ before the deadline, once
///                                                                        ▼ per participant)
library MultipartyLifecycle {
    enum Status {
        None,
        Opening,
        Active,
        Settling,
        Finalized
    }

    uint256 internal constant MAX_PARTICIPANTS = 32;
    /// distinct tokens one channel may hold: bounds the totals every checkpoint carries
    uint256 internal constant MAX_TOKENS = 16;
    uint256 internal constant MAX_CHALLENGE_PERIOD = 365 days;

    /// One participant of one channel (two slots; the first is written at opening, so the
    /// claim flags in it cost a warm update instead of a fresh slot per claim).
    struct Member {
        uint8 index1; // position in participants + 1; 0: not a participant
        bool bonded; // its bond is held (posted and neither released nor slashed)
        bool challenged; // it has used its one challenge
        bool slashed;
        uint16 claimed; // bit i: its balance of the token with index1 i + 1 is paid (MAX_TOKENS ≤ 16)
        uint128 bond; // the bond the channel requires of it
        uint128 compensation; // its share of others' slashed bonds, paid with its bond after finalization
    }

    /// What one token of one channel holds: deposits credited on chain and claims paid. `paid`
    /// shares its slot with the token's index, written at the first deposit, so the first claim
    /// updates a slot instead of creating one.
    struct TokenAccount {
        uint256 deposited; // < 2^248 (recordDeposit), so paid ≤ deposited fits
        uint248 paid;
        uint8 index1; // 1 + the order of its first deposit among the channel's tokens; 0: none
    }

    struct Data {
        Status status;
        uint8 participantCount;
        uint8 threshold;
        uint8 unbonded; // participants whose bond is still missing (Opening)
        uint8 tokenCount; // distinct tokens with a deposit
        uint32 challengePeriod;
        uint64 version; // of the proposed (then finalized) checkpoint
        uint40 deadline; // a challenge must come strictly before; finalize at or after
        uint64 depositCount;
        address matcher;
        address bondToken;
        bytes32 balancesRoot; // of the proposed (then finalized) checkpoint
        address[] participants;
        mapping(address participant => Member) members;
        mapping(address token => TokenAccount) tokens;
    }

    error MultipartyParticipantCountInvalid(uint256 count);
    error MultipartyParticipantsNotAscending(uint256 index, address participant);
    error MultipartyMatcherNotParticipant(address matcher);
    error MultipartyThresholdInvalid(uint256 participants, uint256 threshold);
    error MultipartyBondsLengthMismatch(uint256 participants, uint256 bonds);
    error MultipartyBondTooLarge(address participant, uint256 bond);
    error MultipartyBondTokenMissing();
    error MultipartyChallengePeriodInvalid(uint256 challengePeriod);
    error MultipartyChannelExists(bytes32 channelId);
    error MultipartyWrongStatus(bytes32 channelId, Status expected, Status status);
    error MultipartyNotParticipant(bytes32 channelId, address account);
    error MultipartyAlreadyBonded(bytes32 channelId, address participant);
    error MultipartyNothingToWithdraw(bytes32 channelId, address participant);
    error MultipartyTooManyTokens(bytes32 channelId, address token, uint256 maxTokens);
    error MultipartyDepositsTooLarge(bytes32 channelId, address token, uint256 deposited);
    error MultipartySignatureInvalid(bytes32 channelId, uint256 index);
    error MultipartyDuplicateSigner(bytes32 channelId, address signer);
    error MultipartyBelowThreshold(bytes32 channelId, uint256 signers, uint256 threshold);
    error MultipartyTotalsNotAscending(bytes32 channelId, uint256 index, address token);
    error MultipartyTotalsTokenCountMismatch(bytes32 channelId, uint256 tokensWithDeposits, uint256 totals);
    error MultipartyTotalsMismatch(bytes32 channelId, address token, uint256 depositedOnChain, uint256 deposited);
    error MultipartyWithdrawnExceedsDeposited(bytes32 channelId, address token, uint256 deposited, uint256 withdrawn);
    error MultipartyChallengeNotNewer(bytes32 channelId, uint64 currentVersion, uint64 version);
    error MultipartyChallengeExpired(bytes32 channelId, uint40 deadline, uint256 timestamp);
    error MultipartyAlreadyChallenged(bytes32 channelId, address participant);
    error MultipartySettlementNotExpired(bytes32 channelId, uint40 deadline, uint256 timestamp);

    /// Records a new channel from `params` (validated); returns true when it is Active at once
    /// (every bond 0).
    function open(Data storage self, bytes32 channelId, OpenParams calldata params) internal returns (bool active) {
        if (self.status != Status.None) revert MultipartyChannelExists(channelId);
        address[] calldata participants = params.participants;
        uint256 n = participants.length;
        if (n < 2 || n > MAX_PARTICIPANTS) revert MultipartyParticipantCountInvalid(n);
        if (params.bonds.length != n) revert MultipartyBondsLengthMismatch(n, params.bonds.length);
        uint256 t = params.threshold == 0 ? n : params.threshold;
        // 2t > n: any two quorums share a participant, who would have to sign both
        if (t > n || 2 * t <= n) revert MultipartyThresholdInvalid(n, t);
        uint256 challengePeriod = params.challengePeriod;
        if (challengePeriod == 0 || challengePeriod > MAX_CHALLENGE_PERIOD) {
            revert MultipartyChallengePeriodInvalid(challengePeriod);
        }
        uint256 unbonded;
        bool matcherFound;
        address previous;
        for (uint256 i = 0; i < n; ++i) {
            address participant = participants[i];
            // ascending from a nonzero first: distinct and never address(0)
            if (participant <= previous) revert MultipartyParticipantsNotAscending(i, participant);
            previous = participant;
            if (participant == params.matcher) matcherFound = true;
            uint256 bond = params.bonds[i];
            // 32 bonds of at most 2^96 sum below 2^128, so compensation never overflows
            if (bond > type(uint96).max) revert MultipartyBondTooLarge(participant, bond);
            Member storage member = self.members[participant];
            member.index1 = uint8(i + 1);
            if (bond == 0) {
                member.bonded = true;
            } else {
                member.bond = uint128(bond);
                ++unbonded;
            }
            self.participants.push(participant);
        }
        if (!matcherFound) revert MultipartyMatcherNotParticipant(params.matcher);
        if (unbonded > 0 && params.bondToken == address(0)) revert MultipartyBondTokenMissing();
        active = unbonded == 0;
        self.status = active ? Status.Active : Status.Opening;
        self.participantCount = uint8(n);
        self.threshold = uint8(t);
        self.unbonded = uint8(unbonded);
        self.challengePeriod = uint32(challengePeriod);
        self.matcher = params.matcher;
        self.bondToken = params.bondToken;
    }

    /// Records `participant`'s bond as posted; returns it and whether the channel is now Active.
    function postBond(Data storage self, bytes32 channelId, address participant)
        internal
        returns (uint256 amount, bool activated)
    {
        requireStatus(self, channelId, Status.Opening);
        Member storage member = memberOf(self, channelId, participant);
        if (member.bonded) revert MultipartyAlreadyBonded(channelId, participant);
        member.bonded = true;
        amount = member.bond;
        activated = --self.unbonded == 0;
        if (activated) self.status = Status.Active;
    }

    /// What `participant` may take back now: its own bond while the channel is Opening; once
    /// final, its bond unless slashed, plus its compensation (repeatable: later slashes add more).
    function releaseBond(Data storage self, bytes32 channelId, address participant)
        internal
        returns (uint256 amount)
    {
        Status status = self.status;
        Member storage member = memberOf(self, channelId, participant);
        if (status == Status.Opening) {
            // a zero bond counts as posted from the start and is never taken back
            if (!member.bonded || member.bond == 0) revert MultipartyNothingToWithdraw(channelId, participant);
            member.bonded = false;
            ++self.unbonded;
            return member.bond;
        }
        if (status != Status.Finalized) revert MultipartyWrongStatus(channelId, Status.Finalized, status);
        if (member.bonded) {
            member.bonded = false;
            amount = member.bond;
        }
        amount += member.compensation;
        member.compensation = 0;
        if (amount == 0) revert MultipartyNothingToWithdraw(channelId, participant);
    }

    /// Reverts unless `depositor` may deposit now (a participant of an Active channel).
    function requireDepositor(Data storage self, bytes32 channelId, address depositor) internal view {
        requireStatus(self, channelId, Status.Active);
        memberOf(self, channelId, depositor);
    }

    /// Credits an on-chain deposit (requireDepositor passed); returns its index in the channel.
    function recordDeposit(Data storage self, bytes32 channelId, address token, uint256 amount)
        internal
        returns (uint64 index)
    {
        TokenAccount storage account = self.tokens[token];
        if (account.index1 == 0) {
            uint8 count = self.tokenCount;
            if (count >= MAX_TOKENS) revert MultipartyTooManyTokens(channelId, token, MAX_TOKENS);
            account.index1 = ++count;
            self.tokenCount = count;
        }
        uint256 deposited = account.deposited + amount;
        if (deposited > type(uint248).max) revert MultipartyDepositsTooLarge(channelId, token, deposited);
        account.deposited = deposited;
        index = self.depositCount++;
    }

    /// Reverts unless `signatures` are by at least `threshold` distinct participants over `digest`
    /// (EOA signatures under OpenZeppelin ECDSA's rules: 65 bytes, low s, v ∈ {27, 28}).
    function requireQuorum(Data storage self, bytes32 channelId, bytes32 digest, bytes[] calldata signatures)
        internal
        view
    {
        uint256 seen; // bit i: participant i signed
        for (uint256 i = 0; i < signatures.length; ++i) {
            (address signer, ECDSA.RecoverError error,) = ECDSA.tryRecoverCalldata(digest, signatures[i]);
            if (error != ECDSA.RecoverError.NoError) revert MultipartySignatureInvalid(channelId, i);
            uint256 bit = 1 << (memberOf(self, channelId, signer).index1 - 1);
            if (seen & bit != 0) revert MultipartyDuplicateSigner(channelId, signer);
            seen |= bit;
        }
        uint256 count = signatures.length; // all distinct, or the loop reverted
        if (count < self.threshold) revert MultipartyBelowThreshold(channelId, count, self.threshold);
    }

    /// Reverts unless `totals` name exactly the tokens deposited on chain, ascending, each with
    /// the on-chain deposited amount and no more withdrawn than deposited.
    function requireTotals(Data storage self, bytes32 channelId, TokenTotal[] calldata totals) internal view {
        if (totals.length != self.tokenCount) {
            revert MultipartyTotalsTokenCountMismatch(channelId, self.tokenCount, totals.length);
        }
        address previous;
        for (uint256 i = 0; i < totals.length; ++i) {
            TokenTotal calldata total = totals[i];
            if (total.token <= previous) revert MultipartyTotalsNotAscending(channelId, i, total.token);
            previous = total.token;
            uint256 onChain = self.tokens[total.token].deposited;
            // onChain == 0 for a token never deposited: an invented deposit never matches
            if (total.deposited != onChain) revert MultipartyTotalsMismatch(channelId, total.token, onChain, total.deposited);
            if (total.withdrawn > total.deposited) {
                revert MultipartyWithdrawnExceedsDeposited(channelId, total.token, total.deposited, total.withdrawn);
            }
        }
    }

    /// Starts settlement on a co-signed checkpoint; deposits stop.
    function propose(Data storage self, bytes32 channelId, uint64 version, bytes32 balancesRoot)
        internal
        returns (uint40 deadline)
    {
        requireStatus(self, channelId, Status.Active);
        deadline = _deadline(self);
        self.status = Status.Settling;
        self.version = version;
        self.balancesRoot = balancesRoot;
        self.deadline = deadline;
    }

    /// Replaces the proposed checkpoint by a newer one, strictly before the deadline, at most
    /// once per participant; restarts the clock so the others can answer in turn.
    function challenge(Data storage self, bytes32 channelId, address challenger, uint64 version, bytes32 balancesRoot)
        internal
        returns (uint40 deadline)
    {
        requireStatus(self, channelId, Status.Settling);
        uint40 current = self.deadline;
        if (block.timestamp >= current) revert MultipartyChallengeExpired(channelId, current, block.timestamp);
        uint64 currentVersion = self.version;
        if (version <= currentVersion) revert MultipartyChallengeNotNewer(channelId, currentVersion, version);
        Member storage member = memberOf(self, channelId, challenger);
        if (member.challenged) revert MultipartyAlreadyChallenged(channelId, challenger);
        member.challenged = true;
        deadline = _deadline(self);
        self.version = version;
        self.balancesRoot = balancesRoot;
        self.deadline = deadline;
    }

    /// Makes the proposed checkpoint final once its deadline has passed.
    function finalize(Data storage self, bytes32 channelId) internal returns (uint64 version, bytes32 balancesRoot) {
        requireStatus(self, channelId, Status.Settling);
        uint40 deadline = self.deadline;
        if (block.timestamp < deadline) revert MultipartySettlementNotExpired(channelId, deadline, block.timestamp);
        self.status = Status.Finalized;
        return (self.version, self.balancesRoot);
    }

    /// The member record of `account`, which must be a participant.
    function memberOf(Data storage self, bytes32 channelId, address account) internal view returns (Member storage m) {
        m = self.members[account];
        if (m.index1 == 0) revert MultipartyNotParticipant(channelId, account);
    }

    function requireStatus(Data storage self, bytes32 channelId, Status expected) internal view {
        Status status = self.status;
        if (status != expected) revert MultipartyWrongStatus(channelId, expected, status);
    }

    function _deadline(Data storage self) private view returns (uint40) {
        // cannot overflow before the year 36,000: challengePeriod ≤ 365 days
        return uint40(block.timestamp + self.challengePeriod);
    }
}

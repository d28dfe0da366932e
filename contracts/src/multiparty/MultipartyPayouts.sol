// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {MultipartyHashing} from "./MultipartyHashing.sol";
import {MultipartyLifecycle} from "./MultipartyLifecycle.sol";
import {BalanceLeaf} from "./MultipartyTypes.sol";

/// What a channel pays out: balance claims against the finalized balances root, and the
/// redistribution of a slashed bond. Bookkeeping only; the contract moves the tokens.
library MultipartyPayouts {
    using MultipartyLifecycle for MultipartyLifecycle.Data;

    error MultipartyAlreadyClaimed(bytes32 channelId, address participant, address token);
    error MultipartyProofInvalid(bytes32 channelId, bytes32 leaf);
    error MultipartyClaimExceedsDeposits(bytes32 channelId, address token, uint256 available, uint256 amount);
    error MultipartyAlreadySlashed(bytes32 channelId, address participant);

    /// Marks `leaf` paid if its proof holds against the finalized root; returns what it pays
    /// (free + locked + withdrawn: open locks return to their owner, withdrawals are paid here).
    /// Never more than the token's deposits still unpaid, whatever the co-signed root says.
    function claim(
        MultipartyLifecycle.Data storage self,
        bytes32 channelId,
        BalanceLeaf calldata leaf,
        bytes32[] calldata proof
    ) internal returns (uint256 amount) {
        self.requireStatus(channelId, MultipartyLifecycle.Status.Finalized);
        MultipartyLifecycle.Member storage member = self.memberOf(channelId, leaf.participant);
        MultipartyLifecycle.TokenAccount storage account = self.tokens[leaf.token];
        amount = leaf.free + leaf.locked + leaf.withdrawn;
        uint8 index1 = account.index1;
        // a token never deposited into this channel has nothing to pay
        if (index1 == 0) revert MultipartyClaimExceedsDeposits(channelId, leaf.token, 0, amount);
        uint16 bit = uint16(1 << (index1 - 1));
        uint16 claimedMask = member.claimed;
        if (claimedMask & bit != 0) revert MultipartyAlreadyClaimed(channelId, leaf.participant, leaf.token);
        bytes32 node = MultipartyHashing.balanceLeaf(channelId, leaf);
        if (!MerkleProof.verifyCalldata(proof, self.balancesRoot, node)) revert MultipartyProofInvalid(channelId, node);
        member.claimed = claimedMask | bit;
        uint256 paid = account.paid;
        // deposited ≥ paid always: paid only grows here, by at most what is available
        uint256 available = account.deposited - paid;
        if (amount > available) revert MultipartyClaimExceedsDeposits(channelId, leaf.token, available, amount);
        // ≤ deposited < 2^248
        account.paid = uint248(paid + amount);
    }

    /// Takes `offender`'s bond (if still held) and shares it equally among the other
    /// participants not slashed themselves (all others if every one is), rounding down, the
    /// remainder to the first of them; each takes its share with its bond after finalization.
    function slash(MultipartyLifecycle.Data storage self, bytes32 channelId, address offender)
        internal
        returns (uint256 amount)
    {
        MultipartyLifecycle.Status status = self.status;
        if (status < MultipartyLifecycle.Status.Active) {
            revert MultipartyLifecycle.MultipartyWrongStatus(channelId, MultipartyLifecycle.Status.Active, status);
        }
        MultipartyLifecycle.Member storage member = self.memberOf(channelId, offender);
        if (member.slashed) revert MultipartyAlreadySlashed(channelId, offender);
        member.slashed = true;
        if (!member.bonded) return 0; // a zero bond, or one already taken back after finalization
        member.bonded = false;
        amount = member.bond;
        address[] storage participants = self.participants;
        uint256 n = participants.length;
        uint256 eligible;
        for (uint256 i = 0; i < n; ++i) {
            address p = participants[i];
            if (p != offender && !self.members[p].slashed) ++eligible;
        }
        bool everyone = eligible == 0;
        if (everyone) eligible = n - 1;
        uint256 share = amount / eligible;
        uint256 remainder = amount - share * eligible;
        for (uint256 i = 0; i < n; ++i) {
            address p = participants[i];
            MultipartyLifecycle.Member storage other = self.members[p];
            if (p == offender || (!everyone && other.slashed)) continue;
            // ≤ the sum of all bonds < 2^101 (bonds are capped at 2^96 each)
            other.compensation += uint128(share + remainder);
            remainder = 0;
        }
    }
}

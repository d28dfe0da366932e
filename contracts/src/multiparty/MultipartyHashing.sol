// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BalanceLeaf, Checkpoint, Head, Op, TokenTotal} from "./MultipartyTypes.sol";

/// The EIP-712 struct hashes and Merkle leaves of core/multiparty (encode.ts, checkpoint.ts),
/// equal to the TypeScript ones (contracts/test/ts/multiparty-parity.test.ts). The contract
/// wraps struct hashes in its "Clearline Multiparty" v1 domain.
library MultipartyHashing {
    uint8 internal constant KIND_DEPOSIT = 0;
    uint8 internal constant KIND_WITHDRAW = 1;
    uint8 internal constant KIND_TRANSFER = 2;
    uint8 internal constant KIND_LOCK = 3;
    uint8 internal constant KIND_UNLOCK = 4;
    uint8 internal constant KIND_CANCEL = 5;
    uint8 internal constant KIND_FILL = 6;
    uint8 internal constant KIND_MARK = 7;
    uint8 internal constant KIND_LIQUIDATION = 8;

    bytes32 internal constant DEPOSIT_TYPEHASH = keccak256(
        "Deposit(bytes32 channelId,address author,uint64 seq,bytes32 prev,bytes32[] deps,address token,uint256 amount,bytes32 depositId)"
    );
    bytes32 internal constant WITHDRAW_TYPEHASH = keccak256(
        "Withdraw(bytes32 channelId,address author,uint64 seq,bytes32 prev,bytes32[] deps,address token,uint256 amount)"
    );
    bytes32 internal constant TRANSFER_TYPEHASH = keccak256(
        "Transfer(bytes32 channelId,address author,uint64 seq,bytes32 prev,bytes32[] deps,address to,address token,uint256 amount)"
    );
    bytes32 internal constant LOCK_TYPEHASH = keccak256(
        "Lock(bytes32 channelId,address author,uint64 seq,bytes32 prev,bytes32[] deps,address token,uint256 amount,address matcher)"
    );
    bytes32 internal constant UNLOCK_TYPEHASH = keccak256(
        "Unlock(bytes32 channelId,address author,uint64 seq,bytes32 prev,bytes32[] deps,bytes32 lock,uint256 amount)"
    );
    bytes32 internal constant CANCEL_TYPEHASH = keccak256(
        "CancelRequest(bytes32 channelId,address author,uint64 seq,bytes32 prev,bytes32[] deps,bytes32 lock)"
    );
    bytes32 internal constant FILL_TYPEHASH = keccak256(
        "Fill(bytes32 channelId,address author,uint64 seq,bytes32 prev,bytes32[] deps,bytes32 makerLock,bytes32 takerLock,uint256 makerAmount,uint256 takerAmount)"
    );
    bytes32 internal constant MARK_TYPEHASH = keccak256(
        "Mark(bytes32 channelId,address author,uint64 seq,bytes32 prev,bytes32[] deps,bytes32 market,uint256 priceE8)"
    );
    bytes32 internal constant LIQUIDATION_TYPEHASH = keccak256(
        "LiquidationRequest(bytes32 channelId,address author,uint64 seq,bytes32 prev,bytes32[] deps,address account,bytes32 market,bytes32 mark)"
    );
    bytes32 internal constant HEAD_TYPEHASH = keccak256("Head(bytes32 channelId,address author,uint64 seq,bytes32 head)");
    bytes32 internal constant CHECKPOINT_TYPEHASH = keccak256(
        "Checkpoint(bytes32 channelId,uint64 version,bytes32 headsHash,bytes32 balancesRoot,bytes32 opsRoot,TokenTotal[] totals)TokenTotal(address token,uint256 deposited,uint256 withdrawn)"
    );
    bytes32 internal constant TOKEN_TOTAL_TYPEHASH = keccak256("TokenTotal(address token,uint256 deposited,uint256 withdrawn)");

    error MultipartyOpKindInvalid(uint8 kind);
    error MultipartyOpBodyLengthInvalid(uint8 kind, uint256 expected, uint256 length);

    /// The type hash of op kind `kind` and how many words its own fields take.
    function opType(uint8 kind) internal pure returns (bytes32 typeHash, uint256 bodyWords) {
        if (kind == KIND_DEPOSIT) return (DEPOSIT_TYPEHASH, 3);
        if (kind == KIND_WITHDRAW) return (WITHDRAW_TYPEHASH, 2);
        if (kind == KIND_TRANSFER) return (TRANSFER_TYPEHASH, 3);
        if (kind == KIND_LOCK) return (LOCK_TYPEHASH, 3);
        if (kind == KIND_UNLOCK) return (UNLOCK_TYPEHASH, 2);
        if (kind == KIND_CANCEL) return (CANCEL_TYPEHASH, 1);
        if (kind == KIND_FILL) return (FILL_TYPEHASH, 4);
        if (kind == KIND_MARK) return (MARK_TYPEHASH, 2);
        if (kind == KIND_LIQUIDATION) return (LIQUIDATION_TYPEHASH, 3);
        revert MultipartyOpKindInvalid(kind);
    }

    /// An op's id: its EIP-712 struct hash (core/multiparty hashOp).
    function hashOp(Op calldata op) internal pure returns (bytes32) {
        (bytes32 typeHash, uint256 bodyWords) = opType(op.kind);
        if (op.body.length != bodyWords) revert MultipartyOpBodyLengthInvalid(op.kind, bodyWords, op.body.length);
        return keccak256(
            bytes.concat(
                abi.encode(typeHash, op.channelId, op.author, op.seq, op.prev, keccak256(abi.encodePacked(op.deps))),
                abi.encodePacked(op.body)
            )
        );
    }

    function hashHead(Head calldata head) internal pure returns (bytes32) {
        return keccak256(abi.encode(HEAD_TYPEHASH, head.channelId, head.author, head.seq, head.head));
    }

    function hashCheckpoint(Checkpoint calldata checkpoint) internal pure returns (bytes32) {
        TokenTotal[] calldata totals = checkpoint.totals;
        bytes32[] memory totalHashes = new bytes32[](totals.length);
        for (uint256 i = 0; i < totals.length; ++i) {
            totalHashes[i] =
                keccak256(abi.encode(TOKEN_TOTAL_TYPEHASH, totals[i].token, totals[i].deposited, totals[i].withdrawn));
        }
        return keccak256(
            abi.encode(
                CHECKPOINT_TYPEHASH,
                checkpoint.channelId,
                checkpoint.version,
                checkpoint.headsHash,
                checkpoint.balancesRoot,
                checkpoint.opsRoot,
                keccak256(abi.encodePacked(totalHashes))
            )
        );
    }

    /// keccak256(keccak256(abi.encode(channelId, participant, token, free, locked, withdrawn))):
    /// double-hashed so no leaf passes for an inner node of the tree.
    function balanceLeaf(bytes32 channelId, BalanceLeaf calldata leaf) internal pure returns (bytes32) {
        return keccak256(
            bytes.concat(
                keccak256(abi.encode(channelId, leaf.participant, leaf.token, leaf.free, leaf.locked, leaf.withdrawn))
            )
        );
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// The calldata shapes of the multi-party channel, mirroring core/multiparty (types.ts,
/// typed-data.ts, checkpoint.ts). Amounts are token base units.

/// What opens a channel; its hash (with chain and contract) is the channel id.
struct OpenParams {
    /// strictly ascending, 2..32 (core/multiparty's ChannelConfig.participants)
    address[] participants;
    /// the one participant who fills, unlocks and marks
    address matcher;
    /// distinct participants' signatures a checkpoint needs; 0 means all of them
    uint8 threshold;
    /// the ERC-20 every bond is posted in (address(0) only when every bond is 0)
    address bondToken;
    /// each participant's bond, in participant order
    uint256[] bonds;
    /// seconds a proposed checkpoint waits for a newer one (each challenge restarts it)
    uint32 challengePeriod;
    /// distinguishes channels with the same participants and terms
    uint64 nonce;
}

/// core/multiparty TokenTotal: what valid deposit ops credited and withdraw ops debited.
struct TokenTotal {
    address token;
    uint256 deposited;
    uint256 withdrawn;
}

/// core/multiparty Checkpoint, the EIP-712 struct participants co-sign.
struct Checkpoint {
    bytes32 channelId;
    uint64 version;
    bytes32 headsHash;
    bytes32 balancesRoot;
    bytes32 opsRoot;
    TokenTotal[] totals;
}

/// One leaf of a checkpoint's balances root (core/multiparty BalanceEntry).
struct BalanceLeaf {
    address participant;
    address token;
    uint256 free;
    uint256 locked;
    uint256 withdrawn;
}

/// An op in EIP-712 words: the header, the kind, and the kind's own fields as 32-byte words in
/// typed-data.ts order (every op field after the header is a static type, so its EIP-712
/// encoding is one word).
struct Op {
    /// MultipartyHashing.KIND_*: deposit, withdraw, transfer, lock, unlock, cancel, fill, mark, liquidation
    uint8 kind;
    bytes32 channelId;
    address author;
    uint64 seq;
    bytes32 prev;
    bytes32[] deps;
    bytes32[] body;
}

/// A signed head (core/multiparty SignedHead without its signature).
struct Head {
    bytes32 channelId;
    address author;
    uint64 seq;
    bytes32 head;
}

/// core/multiparty ForkWitness: something the author signed that commits to `hash` as its op
/// at the fork seq: a signed op or head, and the ops above the fork seq up to that signed item
/// (ascending; the first one's prev is `hash`, the last one is the signed item itself).
struct ForkWitness {
    bytes32 hash;
    /// true: `head` was signed; false: `op` was signed
    bool byHead;
    Head head;
    Op op;
    bytes signature;
    Op[] path;
}

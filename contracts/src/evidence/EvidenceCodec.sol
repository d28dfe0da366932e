// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// The compact encoding of a batch's events: one `bytes` of records back to back, each a kind
/// byte and that kind's fields, packed big-endian (abi.encodePacked widths), no padding, no
/// lengths except Deposit's funding count. The TS encoder is contracts/testing/evidence.ts
/// (`evidenceEvent`); docs/PROTOCOL.md "Evidence" has the table. Readers check the record fits before reading:
/// calldataload past the end answers zeros, which must never pass for data.
library EvidenceCodec {
    uint8 internal constant OPEN_MARKET = 1; //     market u8, quote address, initialBps u16, maintenanceBps u16
    uint8 internal constant SET_PROTOCOL_ACCOUNT = 2; // role u8, account address
    uint8 internal constant MARK_PRICE = 3; //      market u8, markPerLot u128
    uint8 internal constant DEPOSIT = 4; //         account, token, amount u128, channelId bytes32, n u8, n × (token, total u128)
    uint8 internal constant WITHDRAW = 5; //        account, token, amount u128, channelId bytes32
    uint8 internal constant MATCH = 6; //           account, market u8, lots i64, cost i128, realizedPnl i128, fee i128, funding i128
    uint8 internal constant FLAG = 7; //            account, quote address
    uint8 internal constant SEIZE = 8; //           account, token, amount u128, role u8, release u8

    /// Record lengths, kind byte included (Deposit: without its funding pairs).
    uint256 internal constant OPEN_MARKET_LENGTH = 26;
    uint256 internal constant SET_PROTOCOL_ACCOUNT_LENGTH = 22;
    uint256 internal constant MARK_PRICE_LENGTH = 18;
    uint256 internal constant DEPOSIT_LENGTH = 90;
    uint256 internal constant FUNDING_PAIR_LENGTH = 36;
    uint256 internal constant WITHDRAW_LENGTH = 89;
    uint256 internal constant MATCH_LENGTH = 94;
    uint256 internal constant FLAG_LENGTH = 41;
    uint256 internal constant SEIZE_LENGTH = 59;

    /// An exchange-side encoding fault: the batch is refused whole.
    error EvidenceEventTruncated(uint256 index, uint256 offset, uint256 needed, uint256 length);
    error EvidenceEventKindUnknown(uint256 index, uint8 kind);

    /// The record at `offset` must have `needed` bytes.
    function checkFits(bytes calldata events, uint256 index, uint256 offset, uint256 needed) internal pure {
        // checked addition: offset and needed are below 2^64 in any real calldata
        if (offset + needed > events.length) revert EvidenceEventTruncated(index, offset, needed, events.length);
    }

    /// The 32 bytes at `offset` (callers checked the record fits).
    function word(bytes calldata events, uint256 offset) internal pure returns (uint256 w) {
        assembly ("memory-safe") {
            w := calldataload(add(events.offset, offset))
        }
    }

    function u8(bytes calldata events, uint256 offset) internal pure returns (uint8) {
        return uint8(word(events, offset) >> 248);
    }

    function u16(bytes calldata events, uint256 offset) internal pure returns (uint16) {
        return uint16(word(events, offset) >> 240);
    }

    function u128(bytes calldata events, uint256 offset) internal pure returns (uint128) {
        return uint128(word(events, offset) >> 128);
    }

    function i64(bytes calldata events, uint256 offset) internal pure returns (int64) {
        return int64(int256(word(events, offset)) >> 192);
    }

    function i128(bytes calldata events, uint256 offset) internal pure returns (int128) {
        return int128(int256(word(events, offset)) >> 128);
    }

    function addr(bytes calldata events, uint256 offset) internal pure returns (address) {
        return address(uint160(word(events, offset) >> 96));
    }

    function b32(bytes calldata events, uint256 offset) internal pure returns (bytes32) {
        return bytes32(word(events, offset));
    }
}

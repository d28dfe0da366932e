// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// The app data of a broker-to-broker channel state (EIP-712 typed; its struct hash, with no
/// domain, is the state's `appDataHash`). Mirrored by core/clearing; the contracts never read
/// it — they register states by hash — but a signer's tooling can display every field, and a
/// parity test checks this library against viem's `hashStruct`.
library B2BAppData {
    /// Zone thresholds in basis points of the debtor's collateral, fixed at version 0.
    struct Thresholds {
        uint16 orangeBps;
        uint16 redBps;
        uint16 stopBps;
    }

    /// `holder`'s balance on `host`'s venue (seed 000's `bu`).
    struct Holding {
        address host;
        address holder;
        uint64 chainId;
        address token;
        uint256 available;
        uint256 locked;
    }

    /// `holder`'s open orders on `host`'s venue for one market and side (seed 000's `oos`).
    struct OrderSummary {
        address host;
        address holder;
        bytes32 market;
        uint8 side;
        uint256 avgBaseAmount;
        uint256 minPrice;
        uint256 maxPrice;
        uint256 avgQuoteAmount;
    }

    /// A broker's collateral in the channel (seed 000's `cl`).
    struct Collateral {
        address broker;
        uint64 chainId;
        address token;
        uint256 available;
        uint256 locked;
    }

    /// A net liability per asset: `debtor` owes `amount` of `token` on `chainId`.
    struct Liability {
        uint64 chainId;
        address token;
        address debtor;
        uint256 amount;
    }

    /// The mark used for one asset, with the time it was taken.
    struct Mark {
        uint64 chainId;
        address token;
        uint256 usdPriceE18;
        uint64 timestamp;
    }

    /// Cumulative RPC usage that `payer` owes for one kind of call.
    struct RpcCounter {
        address payer;
        uint8 kind;
        uint64 calls;
        uint64 bytesTotal;
        uint64 dbReads;
        uint64 dbWrites;
        uint256 feeAmount;
    }

    struct AppData {
        Thresholds thresholds;
        Holding[] bu;
        OrderSummary[] oos;
        Collateral[] cl;
        Liability[] liabilities;
        Mark[] marks;
        RpcCounter[] rpc;
    }

    string internal constant THRESHOLDS_TYPE = "Thresholds(uint16 orangeBps,uint16 redBps,uint16 stopBps)";
    string internal constant HOLDING_TYPE =
        "Holding(address host,address holder,uint64 chainId,address token,uint256 available,uint256 locked)";
    string internal constant ORDER_SUMMARY_TYPE =
        "OrderSummary(address host,address holder,bytes32 market,uint8 side,uint256 avgBaseAmount,uint256 minPrice,uint256 maxPrice,uint256 avgQuoteAmount)";
    string internal constant COLLATERAL_TYPE =
        "Collateral(address broker,uint64 chainId,address token,uint256 available,uint256 locked)";
    string internal constant LIABILITY_TYPE = "Liability(uint64 chainId,address token,address debtor,uint256 amount)";
    string internal constant MARK_TYPE = "Mark(uint64 chainId,address token,uint256 usdPriceE18,uint64 timestamp)";
    string internal constant RPC_COUNTER_TYPE =
        "RpcCounter(address payer,uint8 kind,uint64 calls,uint64 bytesTotal,uint64 dbReads,uint64 dbWrites,uint256 feeAmount)";

    bytes32 internal constant THRESHOLDS_TYPEHASH = keccak256(bytes(THRESHOLDS_TYPE));
    bytes32 internal constant HOLDING_TYPEHASH = keccak256(bytes(HOLDING_TYPE));
    bytes32 internal constant ORDER_SUMMARY_TYPEHASH = keccak256(bytes(ORDER_SUMMARY_TYPE));
    bytes32 internal constant COLLATERAL_TYPEHASH = keccak256(bytes(COLLATERAL_TYPE));
    bytes32 internal constant LIABILITY_TYPEHASH = keccak256(bytes(LIABILITY_TYPE));
    bytes32 internal constant MARK_TYPEHASH = keccak256(bytes(MARK_TYPE));
    bytes32 internal constant RPC_COUNTER_TYPEHASH = keccak256(bytes(RPC_COUNTER_TYPE));
    /// EIP-712 encodeType: the primary type, then every referenced type sorted by name (the
    /// same member lists as above, spelled out: a keccak of concatenated constants would be
    /// evaluated at run time). The parity test checks it against viem's encodeType.
    string internal constant APP_DATA_TYPE = "B2BAppData(Thresholds thresholds,Holding[] bu,OrderSummary[] oos,"
        "Collateral[] cl,Liability[] liabilities,Mark[] marks,RpcCounter[] rpc)"
        "Collateral(address broker,uint64 chainId,address token,uint256 available,uint256 locked)"
        "Holding(address host,address holder,uint64 chainId,address token,uint256 available,uint256 locked)"
        "Liability(uint64 chainId,address token,address debtor,uint256 amount)"
        "Mark(uint64 chainId,address token,uint256 usdPriceE18,uint64 timestamp)"
        "OrderSummary(address host,address holder,bytes32 market,uint8 side,uint256 avgBaseAmount,uint256 minPrice,"
        "uint256 maxPrice,uint256 avgQuoteAmount)"
        "RpcCounter(address payer,uint8 kind,uint64 calls,uint64 bytesTotal,uint64 dbReads,uint64 dbWrites,"
        "uint256 feeAmount)" "Thresholds(uint16 orangeBps,uint16 redBps,uint16 stopBps)";
    bytes32 internal constant APP_DATA_TYPEHASH = keccak256(bytes(APP_DATA_TYPE));

    /// The EIP-712 struct hash of `data`: a B2B state's `appDataHash`.
    function hash(AppData memory data) internal pure returns (bytes32) {
        // encoded in two halves (every member is one word, so the concatenation is abi.encode
        // of all eight): one abi.encode of eight computed values is too deep for the stack
        return keccak256(
            bytes.concat(
                abi.encode(
                    APP_DATA_TYPEHASH, hashThresholds(data.thresholds), _hashHoldings(data.bu), _hashOrderSummaries(data.oos)
                ),
                abi.encode(
                    _hashCollaterals(data.cl), _hashLiabilities(data.liabilities), _hashMarks(data.marks), _hashRpcCounters(data.rpc)
                )
            )
        );
    }

    function hashThresholds(Thresholds memory t) internal pure returns (bytes32) {
        return keccak256(abi.encode(THRESHOLDS_TYPEHASH, t.orangeBps, t.redBps, t.stopBps));
    }

    // Each array is hashed as EIP-712 specifies: keccak of its members' struct hashes.

    function _hashHoldings(Holding[] memory items) private pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](items.length);
        for (uint256 i = 0; i < items.length; ++i) {
            Holding memory h = items[i];
            hashes[i] =
                keccak256(abi.encode(HOLDING_TYPEHASH, h.host, h.holder, h.chainId, h.token, h.available, h.locked));
        }
        return keccak256(abi.encodePacked(hashes));
    }

    function _hashOrderSummaries(OrderSummary[] memory items) private pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](items.length);
        for (uint256 i = 0; i < items.length; ++i) {
            OrderSummary memory o = items[i];
            hashes[i] = keccak256(
                bytes.concat(
                    abi.encode(ORDER_SUMMARY_TYPEHASH, o.host, o.holder, o.market, o.side),
                    abi.encode(o.avgBaseAmount, o.minPrice, o.maxPrice, o.avgQuoteAmount)
                )
            );
        }
        return keccak256(abi.encodePacked(hashes));
    }

    function _hashCollaterals(Collateral[] memory items) private pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](items.length);
        for (uint256 i = 0; i < items.length; ++i) {
            Collateral memory c = items[i];
            hashes[i] = keccak256(abi.encode(COLLATERAL_TYPEHASH, c.broker, c.chainId, c.token, c.available, c.locked));
        }
        return keccak256(abi.encodePacked(hashes));
    }

    function _hashLiabilities(Liability[] memory items) private pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](items.length);
        for (uint256 i = 0; i < items.length; ++i) {
            Liability memory l = items[i];
            hashes[i] = keccak256(abi.encode(LIABILITY_TYPEHASH, l.chainId, l.token, l.debtor, l.amount));
        }
        return keccak256(abi.encodePacked(hashes));
    }

    function _hashMarks(Mark[] memory items) private pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](items.length);
        for (uint256 i = 0; i < items.length; ++i) {
            Mark memory m = items[i];
            hashes[i] = keccak256(abi.encode(MARK_TYPEHASH, m.chainId, m.token, m.usdPriceE18, m.timestamp));
        }
        return keccak256(abi.encodePacked(hashes));
    }

    function _hashRpcCounters(RpcCounter[] memory items) private pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](items.length);
        for (uint256 i = 0; i < items.length; ++i) {
            RpcCounter memory r = items[i];
            hashes[i] = keccak256(
                bytes.concat(
                    abi.encode(RPC_COUNTER_TYPEHASH, r.payer, r.kind, r.calls),
                    abi.encode(r.bytesTotal, r.dbReads, r.dbWrites, r.feeAmount)
                )
            );
        }
        return keccak256(abi.encodePacked(hashes));
    }
}

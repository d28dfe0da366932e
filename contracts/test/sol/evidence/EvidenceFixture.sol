// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EvidenceEntrypoint} from "../../../src/evidence/EvidenceEntrypoint.sol";
import {AssetService} from "../../../src/evidence/AssetService.sol";
import {EvidenceCodec as C} from "../../../src/evidence/EvidenceCodec.sol";
import {Allocation, ChannelState, CoSignatures, Intent} from "../../../src/types/ChannelState.sol";
import {CustodyFixture} from "../utils/CustodyFixture.sol";
import {MerkleReference as Ref} from "./MerkleReference.sol";

/// The cheatcodes for logs (Foundry's), next to the shared Vm interface.
interface VmLogs {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory);
}

/// Custody with two traders' channels, an EvidenceEntrypoint over it, a journal kept as leaf
/// hashes (RFC 9162 by recursion, MerkleReference), and encoders for every event kind.
abstract contract EvidenceFixture is CustodyFixture {
    VmLogs internal constant logs = VmLogs(address(uint160(uint256(keccak256("hevm cheat code")))));

    uint8 internal constant M = 0; // the perpetual market, settled in USDC
    address internal constant FEES = address(0xFEE);
    address internal constant INSURANCE = address(0x1A5);

    EvidenceEntrypoint internal entry;
    bytes32 internal traderChannel;
    bytes32 internal otherChannel;
    bytes32[] internal journal; // leaf hashes of every entry so far
    uint64 internal batches;

    function setUp() public virtual override {
        super.setUp();
        entry = new EvidenceEntrypoint(address(custody));
        (traderChannel,) = _openUsdc(1);
        vm.prank(other);
        custody.deposit(address(usdc), 10_000e6);
        otherChannel = custody.channelIdOf(other, 1);
        ChannelState memory s = _state(otherChannel, 0, Intent.INITIALIZE, _one(address(usdc), 1_000e6, 500e6));
        bytes32 digest = custody.hashState(s);
        custody.open(other, 1, s, CoSignatures(_sign(OTHER_KEY, digest), _sign(EXCHANGE_KEY, digest)));
    }

    // ── batches ──────────────────────────────────────────────────────────────────────

    /// The next batch over `events`, one new journal entry per call, signed by `key`.
    function _batch(bytes memory events, uint256 key)
        internal
        returns (EvidenceEntrypoint.BatchHead memory head, bytes32[] memory proof, bytes memory sig)
    {
        uint256 oldSize = journal.length;
        bytes32 oldRoot = Ref.root(journal);
        journal.push(keccak256(abi.encode("entry", oldSize, events)));
        bytes32[] memory leaves = journal;
        head = EvidenceEntrypoint.BatchHead(batches + 1, uint64(oldSize), oldRoot, uint64(leaves.length), Ref.root(leaves));
        proof = Ref.consistencyProof(leaves, oldSize);
        sig = _sign(key, entry.hashBatch(head, events));
    }

    function _anchor(bytes memory events) internal {
        (EvidenceEntrypoint.BatchHead memory head, bytes32[] memory proof, bytes memory sig) =
            _batch(events, EXCHANGE_KEY);
        entry.anchor(head, proof, events, sig);
        ++batches;
    }

    /// Expects the batch to revert with `revertData`; the journal entry it appended is dropped.
    function _anchorReverts(bytes memory events, bytes memory revertData) internal {
        (EvidenceEntrypoint.BatchHead memory head, bytes32[] memory proof, bytes memory sig) =
            _batch(events, EXCHANGE_KEY);
        vm.expectRevert(revertData);
        entry.anchor(head, proof, events, sig);
        journal.pop();
    }

    /// A market M settled in USDC (10% initial, 5% maintenance), the fee and insurance accounts.
    function _setupMarket() internal {
        _anchor(
            bytes.concat(
                _openMarket(M, address(usdc), 1_000, 500),
                _setRole(AssetService.ROLE_FEES, FEES),
                _setRole(AssetService.ROLE_INSURANCE, INSURANCE),
                _mark(M, 100e6)
            )
        );
    }

    // ── event encoders (docs/PROTOCOL.md "Evidence") ─────────────────────────────────

    function _openMarket(uint8 m, address quote, uint16 initialBps, uint16 maintenanceBps)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodePacked(C.OPEN_MARKET, m, quote, initialBps, maintenanceBps);
    }

    function _setRole(uint8 role, address account) internal pure returns (bytes memory) {
        return abi.encodePacked(C.SET_PROTOCOL_ACCOUNT, role, account);
    }

    function _mark(uint8 m, uint128 markPerLot) internal pure returns (bytes memory) {
        return abi.encodePacked(C.MARK_PRICE, m, markPerLot);
    }

    /// A USDC deposit backed by a one-asset channel funded with `fundingTotal`.
    function _deposit(address account, uint128 amount, bytes32 channelId, uint128 fundingTotal)
        internal
        view
        returns (bytes memory)
    {
        return abi.encodePacked(
            C.DEPOSIT, account, address(usdc), amount, channelId, uint8(1), address(usdc), fundingTotal
        );
    }

    function _withdraw(address account, uint128 amount, bytes32 channelId) internal view returns (bytes memory) {
        return abi.encodePacked(C.WITHDRAW, account, address(usdc), amount, channelId);
    }

    function _match(address account, int64 lots, int128 cost, int128 pnl, int128 fee, int128 funding)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodePacked(C.MATCH, account, M, lots, cost, pnl, fee, funding);
    }

    function _flag(address account) internal view returns (bytes memory) {
        return abi.encodePacked(C.FLAG, account, address(usdc));
    }

    function _seize(address account, uint128 amount, bool release) internal view returns (bytes memory) {
        return abi.encodePacked(C.SEIZE, account, address(usdc), amount, AssetService.ROLE_INSURANCE, uint8(release ? 1 : 0));
    }

    function _collateral(address account) internal view returns (int256) {
        return entry.collateralOf(account, address(usdc));
    }

    error AssertionFailedSigned(string message, int256 left, int256 right);

    function _assertEqSigned(int256 a, int256 b, string memory message) internal pure {
        if (a != b) revert AssertionFailedSigned(message, a, b);
    }

    /// The (event index, reason) of every EvidenceEventRefused in the recorded logs, in order.
    function _refusals() internal returns (uint256[] memory indexes, uint256[] memory reasons) {
        VmLogs.Log[] memory recorded = logs.getRecordedLogs();
        bytes32 topic = keccak256("EvidenceEventRefused(uint64,uint256,uint8,uint8)");
        uint256 n;
        for (uint256 i; i < recorded.length; ++i) if (recorded[i].topics[0] == topic) ++n;
        indexes = new uint256[](n);
        reasons = new uint256[](n);
        n = 0;
        for (uint256 i; i < recorded.length; ++i) {
            if (recorded[i].topics[0] != topic) continue;
            (uint256 index,, uint8 reason) = abi.decode(recorded[i].data, (uint256, uint8, uint8));
            indexes[n] = index;
            reasons[n++] = reason;
        }
    }
}

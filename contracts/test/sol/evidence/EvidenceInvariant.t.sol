// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Custody} from "../../../src/Custody.sol";
import {EvidenceEntrypoint} from "../../../src/evidence/EvidenceEntrypoint.sol";
import {AssetService} from "../../../src/evidence/AssetService.sol";
import {EvidenceCodec as C} from "../../../src/evidence/EvidenceCodec.sol";
import {Allocation, ChannelState, CoSignatures, Intent} from "../../../src/types/ChannelState.sol";
import {DemoToken} from "../../../src/test/DemoToken.sol";
import {TestBase} from "../utils/Vm.sol";
import {MerkleReference as Ref} from "./MerkleReference.sol";

/// Drives an EvidenceEntrypoint through random batches — trades between three traders (netted
/// the engine's way: average-cost entry, core/risk/position.ts applyTrade, mirrored below),
/// marks, deposits, withdrawals, flags and seizes — keeping its own mirror of the positions.
contract EvidenceHandler is TestBase {
    uint256 internal constant EXCHANGE_KEY = 0xE1;
    uint8 internal constant M = 0;
    address internal constant FEES = address(0xFEE);
    address internal constant INSURANCE = address(0x1A5);
    uint128 internal constant FUNDING = 1e15;

    Custody public immutable custody;
    EvidenceEntrypoint public immutable entry;
    DemoToken public immutable usdc;
    address[3] public traders;
    bytes32[3] internal channels;

    struct Pos {
        int256 lots;
        int256 entry;
    }

    Pos[3] public mirror;
    bytes32[] internal journal;
    uint64 public batches;
    int256 public deposited; // Σ applied deposits − Σ applied withdrawals
    uint256 public violations; // a flag the margin refused that went through, or the other way round
    uint256 public mark = 100e6;

    constructor() {
        custody = new Custody(vm.addr(EXCHANGE_KEY), 1 days, address(0), address(0));
        entry = new EvidenceEntrypoint(address(custody));
        usdc = new DemoToken("Demo USDC", "USDC", 6);
        usdc.mint(address(this), 3 * uint256(FUNDING));
        usdc.approve(address(custody), type(uint256).max);
        for (uint256 i; i < 3; ++i) {
            uint256 key = 0xA1 + i;
            traders[i] = vm.addr(key);
            channels[i] = custody.channelIdOf(traders[i], 1);
            Allocation[] memory allocations = new Allocation[](1);
            allocations[0] = Allocation(address(usdc), FUNDING, 0);
            ChannelState memory s = ChannelState(channels[i], 0, Intent.INITIALIZE, allocations, bytes32(0));
            bytes32 digest = custody.hashState(s);
            custody.depositAndOpen(traders[i], 1, s, CoSignatures(_sign(key, digest), _sign(EXCHANGE_KEY, digest)));
        }
        _anchor(
            bytes.concat(
                abi.encodePacked(C.OPEN_MARKET, M, address(usdc), uint16(1_000), uint16(500)),
                abi.encodePacked(C.SET_PROTOCOL_ACCOUNT, AssetService.ROLE_FEES, FEES),
                abi.encodePacked(C.SET_PROTOCOL_ACCOUNT, AssetService.ROLE_INSURANCE, INSURANCE),
                abi.encodePacked(C.MARK_PRICE, M, uint128(mark))
            )
        );
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _head(bytes memory events)
        internal
        returns (EvidenceEntrypoint.BatchHead memory head, bytes32[] memory proof, bytes memory sig)
    {
        uint256 oldSize = journal.length;
        bytes32 oldRoot = Ref.root(journal);
        journal.push(keccak256(abi.encode(oldSize, events)));
        bytes32[] memory leaves = journal;
        head = EvidenceEntrypoint.BatchHead(batches + 1, uint64(oldSize), oldRoot, uint64(leaves.length), Ref.root(leaves));
        proof = Ref.consistencyProof(leaves, oldSize);
        sig = _sign(EXCHANGE_KEY, entry.hashBatch(head, events));
    }

    function _anchor(bytes memory events) internal {
        (EvidenceEntrypoint.BatchHead memory head, bytes32[] memory proof, bytes memory sig) = _head(events);
        entry.anchor(head, proof, events, sig);
        ++batches;
    }

    /// Whether the batch went through (its journal entry is dropped when it did not).
    function _tryAnchor(bytes memory events) internal returns (bool) {
        (EvidenceEntrypoint.BatchHead memory head, bytes32[] memory proof, bytes memory sig) = _head(events);
        try entry.anchor(head, proof, events, sig) {
            ++batches;
            return true;
        } catch {
            journal.pop();
            return false;
        }
    }

    function _abs(int256 x) internal pure returns (int256) {
        return x < 0 ? -x : x;
    }

    /// core/risk/position.ts applyTrade: answers the entry change and the realized PnL.
    function _applyTrade(Pos storage p, int256 delta, int256 price) internal returns (int256 cost, int256 realized) {
        int256 before = p.lots;
        int256 entryBefore = p.entry;
        if (before == 0 || (before > 0) == (delta > 0)) {
            p.lots = before + delta;
            p.entry += delta * price;
        } else {
            int256 size = _abs(before);
            int256 closing = _abs(delta) < size ? _abs(delta) : size;
            if (closing == size) {
                realized = before * price - p.entry;
                p.lots = before + delta;
                p.entry = p.lots * price;
            } else {
                // long: the entry removed rounds down; short: up (toward the larger magnitude)
                int256 removed = before > 0 ? p.entry * closing / size : -((-p.entry * closing + size - 1) / size);
                realized = (before > 0 ? closing : -closing) * price - removed;
                p.lots = before + delta;
                p.entry -= removed;
            }
        }
        cost = p.entry - entryBefore;
    }

    function trade(uint256 buyer, uint256 seller, uint256 lotsSeed, uint256 priceSeed) external {
        buyer %= 3;
        seller = (buyer + 1 + seller % 2) % 3;
        int256 lots = int256(1 + lotsSeed % 20);
        int256 price = int256(mark) - 5e6 + int256(priceSeed % 10e6);
        // a flagged account growing its position would be refused on one side only: not a trade the engine makes
        if (entry.isFlagged(traders[buyer]) && _abs(mirror[buyer].lots + lots) > _abs(mirror[buyer].lots)) return;
        if (entry.isFlagged(traders[seller]) && _abs(mirror[seller].lots - lots) > _abs(mirror[seller].lots)) return;
        (int256 buyCost, int256 buyPnl) = _applyTrade(mirror[buyer], lots, price);
        (int256 sellCost, int256 sellPnl) = _applyTrade(mirror[seller], -lots, price);
        _anchor(
            bytes.concat(
                abi.encodePacked(C.MATCH, traders[buyer], M, int64(lots), int128(buyCost), int128(buyPnl), int128(1_000), int128(0)),
                abi.encodePacked(C.MATCH, traders[seller], M, int64(-lots), int128(sellCost), int128(sellPnl), int128(-100), int128(0))
            )
        );
    }

    function setMark(uint256 seed) external {
        mark = 50e6 + seed % 100e6;
        _anchor(abi.encodePacked(C.MARK_PRICE, M, uint128(mark)));
    }

    function deposit(uint256 who, uint256 amount) external {
        who %= 3;
        amount = 1 + amount % 10_000e6;
        _anchor(
            abi.encodePacked(C.DEPOSIT, traders[who], address(usdc), uint128(amount), channels[who], uint8(1), address(usdc), FUNDING)
        );
        deposited += int256(amount);
    }

    function withdraw(uint256 who, uint256 amount) external {
        who %= 3;
        amount = 1 + amount % 5_000e6;
        int256 before = entry.collateralOf(traders[who], address(usdc));
        (,,, uint256 free) = entry.marginOf(traders[who], address(usdc));
        _anchor(abi.encodePacked(C.WITHDRAW, traders[who], address(usdc), uint128(amount), channels[who]));
        int256 taken = before - entry.collateralOf(traders[who], address(usdc));
        if (taken != (amount <= free ? int256(amount) : int256(0))) ++violations;
        deposited -= taken;
    }

    function flag(uint256 who) external {
        who %= 3;
        (int256 equity, uint256 maintenance,,) = entry.marginOf(traders[who], address(usdc));
        bool liquidatable = mirror[who].lots != 0 && equity < int256(maintenance);
        bool went = _tryAnchor(abi.encodePacked(C.FLAG, traders[who], address(usdc)));
        if (went != liquidatable) ++violations;
    }

    function seize(uint256 who, uint256 amount, bool release) external {
        who %= 3;
        amount = amount % 1_000e6;
        bool flagged = entry.isFlagged(traders[who]);
        bytes memory events = abi.encodePacked(
            C.SEIZE, traders[who], address(usdc), uint128(amount), AssetService.ROLE_INSURANCE, uint8(release ? 1 : 0)
        );
        if (_tryAnchor(events) != flagged) ++violations;
    }

    function treeSize() external view returns (uint256) {
        return journal.length;
    }
}

/// Whatever the sequence: lots net to zero, collateral is conserved (deposits − withdrawals =
/// traders + fees + insurance), positions equal the engine's rule, flags and seizes only where
/// the rules allow, and the anchored tree is the handler's journal.
contract EvidenceInvariantTest is TestBase {
    EvidenceHandler internal handler;

    function setUp() public {
        handler = new EvidenceHandler();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    error InvariantBroken(string what, int256 left, int256 right);

    /// The handler's actions go through (the invariant runs would say nothing if they all reverted):
    /// trades open, add to, partly close and flip positions; a fall of the mark makes a flag pass.
    function test_handlerActionsGoThrough() public {
        handler.deposit(0, 100e6);
        handler.deposit(1, 1_000e6);
        handler.deposit(2, 5_000e6);
        handler.trade(0, 0, 9, 5e6); // trader 0 buys 10 from trader 1 at 100
        handler.trade(0, 1, 4, 7e6); // adds 5 at 102, from trader 2
        handler.trade(1, 1, 2, 1e6); // trader 1 buys 3 back (partial close of its short)
        handler.trade(2, 0, 19, 3e6); // trader 2 buys 20 from trader 0: trader 0 flips short
        handler.withdraw(2, 100e6);
        // trader 0: short 5 at 98 with a balance of 550: below maintenance once the mark passes 104.8
        handler.setMark(95e6); // → 145
        handler.flag(0);
        handler.seize(0, 10e6, true);
        handler.seize(1, 10e6, false); // not flagged: refused, no batch
        _eq(int256(uint256(handler.batches())), 12, "every allowed action anchored a batch");
        _eq(int256(handler.violations()), 0, "no violation");
        invariant_lotsNetToZeroAndPositionsAreTheEngines();
        invariant_collateralIsConserved();
        invariant_rulesHeld();
    }

    function _eq(int256 a, int256 b, string memory what) internal pure {
        if (a != b) revert InvariantBroken(what, a, b);
    }

    function invariant_lotsNetToZeroAndPositionsAreTheEngines() public view {
        EvidenceEntrypoint e = handler.entry();
        int256 net;
        for (uint256 i; i < 3; ++i) {
            (int64 lots, int128 entryQuote) = e.positionOf(handler.traders(i), 0);
            (int256 refLots, int256 refEntry) = handler.mirror(i);
            _eq(lots, refLots, "lots");
            _eq(entryQuote, refEntry, "entry");
            net += lots;
        }
        _eq(net, 0, "net lots");
    }

    function invariant_collateralIsConserved() public view {
        EvidenceEntrypoint e = handler.entry();
        address usdc = address(handler.usdc());
        int256 total = e.collateralOf(address(0xFEE), usdc) + e.collateralOf(address(0x1A5), usdc);
        for (uint256 i; i < 3; ++i) total += e.collateralOf(handler.traders(i), usdc);
        _eq(total, handler.deposited(), "collateral");
    }

    function invariant_rulesHeld() public view {
        _eq(int256(handler.violations()), 0, "flag, seize or withdrawal against the rules");
        EvidenceEntrypoint e = handler.entry();
        _eq(int256(uint256(e.batchCount())), int256(uint256(handler.batches())), "batches");
        _eq(int256(uint256(e.treeSize())), int256(handler.treeSize()), "tree size");
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Custody} from "../../../src/Custody.sol";
import {BrokerNetwork} from "../../../src/BrokerNetwork.sol";
import {IBrokerNetwork} from "../../../src/interfaces/IBrokerNetwork.sol";
import {ChannelState, Intent} from "../../../src/types/ChannelState.sol";
import {BrokerSignatures, LegTerms, SettlementLeg, SignedLock} from "../../../src/types/Broker.sol";
import {HashTimeLocks} from "../../../src/libraries/HashTimeLocks.sol";
import {DemoToken} from "../../../src/test/DemoToken.sol";
import {BrokerFixture} from "../utils/BrokerFixture.sol";
import {TestBase} from "../utils/Vm.sol";

/// Drives the broker network through random stakes, unstakes, slashes, channel opens, margin
/// calls, closes, settlements and hash-time-locked legs, tracking what it should hold.
contract BrokerHandler is BrokerFixture {
    struct Tracked {
        bytes32 id;
        uint8 first; // broker indexes into brokers()
        uint8 second;
        uint48 version;
        uint256 amountFirst; // USDC
        uint256 amountSecond;
        bool open;
    }

    struct TrackedLeg {
        bytes32 hashLock;
        bytes32 preimage;
        HashTimeLocks.Leg leg;
        bool open;
    }

    Tracked[] internal channels;
    TrackedLeg[] internal legList;
    uint256 public ghostChannelUsdc;
    uint256 public ghostLegUsdc;
    uint256 public quotaViolations;
    uint256 public calls;
    uint64 internal nextNonce = 1;
    bool private _ready;

    constructor() {
        setUp();
    }

    /// Runs once (the invariant runner may call public functions at random).
    function setUp() public override {
        if (_ready) return;
        _ready = true;
        super.setUp();
    }

    function custodyContract() external view returns (Custody) {
        return custody;
    }

    function network() external view returns (BrokerNetwork) {
        return net;
    }

    function brokers() public view returns (address[3] memory) {
        return [a, b, c];
    }

    function keys() internal pure returns (uint256[3] memory) {
        return [A_KEY, B_KEY, C_KEY];
    }

    function tokens() external view returns (address[3] memory) {
        return [address(networkToken), address(usdc), address(weth)];
    }

    function accounts() external view returns (address[5] memory) {
        return [a, b, c, victim, exchange];
    }

    // ── stake ────────────────────────────────────────────────────────────────────────

    function stake(uint256 who, uint256 amount) external {
        calls++;
        address broker = brokers()[who % 3];
        amount = 1 + (amount % 200_000e18);
        vm.prank(broker);
        try net.stake(amount) {} catch {}
    }

    function requestUnstake(uint256 who) external {
        calls++;
        vm.prank(brokers()[who % 3]);
        try net.requestUnstake() {} catch {}
    }

    function cancelUnstake(uint256 who) external {
        calls++;
        vm.prank(brokers()[who % 3]);
        try net.cancelUnstake() {} catch {}
    }

    function withdrawStake(uint256 who) external {
        calls++;
        address broker = brokers()[who % 3];
        uint40 unlockAt = net.broker(broker).unlockAt;
        if (unlockAt != 0 && unlockAt > block.timestamp) vm.warp(unlockAt);
        vm.prank(broker);
        try net.withdrawStake() {} catch {}
    }

    function slash(uint256 who, uint256 amount) external {
        calls++;
        address broker = brokers()[who % 3];
        uint256 cap = net.broker(broker).stake * SLASH_CAP_BPS / 10_000;
        if (cap == 0) return;
        vm.warp(block.timestamp + SLASH_COOLDOWN);
        vm.prank(arbiter);
        net.slash(broker, 1 + (amount % cap), victim, keccak256(abi.encode("decision", calls)));
    }

    // ── channels ─────────────────────────────────────────────────────────────────────

    function open(uint256 pair, uint256 amountFirst, uint256 amountSecond) external {
        calls++;
        pair = pair % 3;
        (uint8 i, uint8 j) = pair == 0 ? (0, 1) : pair == 1 ? (0, 2) : (1, 2);
        _openPair(i, j, 1 + (amountFirst % 10_000e6), 1 + (amountSecond % 10_000e6));
    }

    function _openPair(uint8 i, uint8 j, uint256 amountFirst, uint256 amountSecond) internal {
        uint64 nonce = nextNonce++;
        ChannelState memory s0 = _state(
            net.channelIdOf(brokers()[i], brokers()[j], nonce),
            0,
            Intent.INITIALIZE,
            _one(address(usdc), amountFirst, amountSecond)
        );
        SignedLock[2] memory locks = _locksFor(nonce, i, j, amountFirst, amountSecond);
        BrokerSignatures memory sigs = _cosignBy(s0, i, j);
        try net.openChannel(locks[0].lock.broker, locks[1].lock.broker, nonce, locks[0], locks[1], s0, sigs) {
            _recordOpen(s0.channelId, i, j, amountFirst, amountSecond);
        } catch {}
    }

    function _recordOpen(bytes32 id, uint8 i, uint8 j, uint256 amountFirst, uint256 amountSecond) internal {
        channels.push(Tracked(id, i, j, 0, amountFirst, amountSecond, true));
        ghostChannelUsdc += amountFirst + amountSecond;
        _checkQuota(brokers()[i]);
        _checkQuota(brokers()[j]);
    }

    function _locksFor(uint64 nonce, uint8 i, uint8 j, uint256 amountFirst, uint256 amountSecond)
        internal
        view
        returns (SignedLock[2] memory locks)
    {
        address x = brokers()[i];
        address y = brokers()[j];
        locks[0] = _lock(keccak256(abi.encode("lock", nonce, x)), x, y, address(usdc), amountFirst);
        locks[1] = _lock(keccak256(abi.encode("lock", nonce, y)), y, x, address(usdc), amountSecond);
    }

    function _checkQuota(address broker) internal {
        if (net.broker(broker).openChannels > net.quotaOf(broker)) quotaViolations++;
    }

    function marginCall(uint256 index, uint256 shift, bool towardSecond) external {
        calls++;
        if (channels.length == 0) return;
        Tracked storage t = channels[index % channels.length];
        if (!t.open) return;
        if (towardSecond) {
            shift = shift % (t.amountFirst + 1);
            (t.amountFirst, t.amountSecond) = (t.amountFirst - shift, t.amountSecond + shift);
        } else {
            shift = shift % (t.amountSecond + 1);
            (t.amountFirst, t.amountSecond) = (t.amountFirst + shift, t.amountSecond - shift);
        }
        t.version += 1;
        ChannelState memory s = _state(t.id, t.version, Intent.OPERATE, _one(address(usdc), t.amountFirst, t.amountSecond));
        net.checkpoint(s, _cosignBy(s, t.first, t.second));
    }

    function close(uint256 index) external {
        calls++;
        if (channels.length == 0) return;
        Tracked storage t = channels[index % channels.length];
        if (!t.open) return;
        t.version += 1;
        ChannelState memory s = _state(t.id, t.version, Intent.CLOSE, _one(address(usdc), t.amountFirst, t.amountSecond));
        net.close(s, _cosignBy(s, t.first, t.second));
        t.open = false;
        ghostChannelUsdc -= t.amountFirst + t.amountSecond;
    }

    function settle(uint256 index, uint256 usdcAmount, uint256 wethAmount) external {
        calls++;
        if (channels.length == 0) return;
        Tracked storage t = channels[index % channels.length];
        if (!t.open) return;
        address x = brokers()[t.first];
        address y = brokers()[t.second];
        SettlementLeg[] memory legs_ = new SettlementLeg[](2);
        legs_[0] = SettlementLeg(address(usdc), x, y, 1 + (usdcAmount % 200_000e6));
        legs_[1] = SettlementLeg(address(weth), y, x, 1 + (wethAmount % 200e18)); // may be short: then all reverts
        ChannelState memory s =
            _state(t.id, t.version + 1, Intent.OPERATE, _one(address(usdc), t.amountFirst, t.amountSecond));
        bytes32 digest = net.hashSettlement(s, legs_);
        BrokerSignatures memory settleSigs =
            BrokerSignatures(_sign(keys()[t.first], digest), _sign(keys()[t.second], digest));
        try net.settle(s, _cosignBy(s, t.first, t.second), legs_, settleSigs) {
            t.version += 1;
        } catch {}
    }

    // ── hash time locks ──────────────────────────────────────────────────────────────

    function lockLeg(uint256 who, uint256 amount) external {
        calls++;
        address sender = brokers()[who % 3];
        address receiver = brokers()[(who + 1) % 3];
        amount = 1 + (amount % 50_000e6);
        bytes32 preimage = keccak256(abi.encode("preimage", calls));
        uint64 expiresAt = uint64(block.timestamp + 3 * MARGIN);
        LegTerms memory terms =
            LegTerms(sha256(abi.encodePacked(preimage)), bytes32(0), receiver, address(usdc), amount, expiresAt, 0);
        vm.prank(sender);
        try legs.lockLeg(terms) {
            legList.push(
                TrackedLeg(terms.hashLock, preimage, HashTimeLocks.Leg(sender, receiver, address(usdc), amount, expiresAt), true)
            );
            ghostLegUsdc += amount;
        } catch {}
    }

    function finishLeg(uint256 index, bool claim) external {
        calls++;
        if (legList.length == 0) return;
        TrackedLeg storage l = legList[index % legList.length];
        if (!l.open) return;
        if (claim && block.timestamp < l.leg.expiresAt) {
            legs.claimLeg(l.hashLock, l.leg, l.preimage);
        } else {
            if (block.timestamp < l.leg.expiresAt) vm.warp(l.leg.expiresAt);
            legs.refundLeg(l.hashLock, l.leg);
        }
        l.open = false;
        ghostLegUsdc -= l.leg.amount;
    }

    function openChannelsOf(uint256 who) external view returns (uint256 count) {
        for (uint256 k = 0; k < channels.length; ++k) {
            if (channels[k].open && (channels[k].first == who || channels[k].second == who)) ++count;
        }
    }

    function _cosignBy(ChannelState memory state, uint8 i, uint8 j) internal view returns (BrokerSignatures memory) {
        bytes32 digest = net.hashState(state);
        return BrokerSignatures(_sign(keys()[i], digest), _sign(keys()[j], digest));
    }
}

/// Invariants: custody holds at least everything it owes per token (SECURITY.md 2, now with
/// what the broker modules hold); what they hold is exactly the stakes, open channels' collateral
/// and locked legs; no channel ever opens beyond a quota, and an unstaking broker has none open.
contract BrokerInvariantTest is TestBase {
    BrokerHandler internal handler;

    function setUp() public {
        handler = new BrokerHandler();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function test_handlerActionsSucceed() public {
        handler.open(0, 5_000e6, 4_000e6);
        handler.open(0, 1_000e6, 1_000e6);
        handler.marginCall(0, 2_000e6, true);
        handler.settle(0, 1_000e6, 1e18);
        handler.lockLeg(0, 700e6);
        handler.lockLeg(1, 300e6);
        handler.finishLeg(0, true);
        handler.finishLeg(1, false);
        handler.slash(1, 1e18);
        handler.close(1);
        handler.stake(2, 250_000e18);
        handler.requestUnstake(2);
        handler.withdrawStake(2);
        assertEq(handler.openChannelsOf(0), 1, "one channel still open");
        assertEq(handler.ghostLegUsdc(), 0, "both legs finished");
        invariant_custodyHoldsEverythingOwed();
        invariant_heldMatchesStakesChannelsAndLegs();
        invariant_quotaNeverExceeded();
    }

    function invariant_custodyHoldsEverythingOwed() public view {
        Custody custody = handler.custodyContract();
        address[3] memory tokens = handler.tokens();
        address[5] memory accounts = handler.accounts();
        for (uint256 i = 0; i < tokens.length; ++i) {
            uint256 owed = custody.totalLocked(tokens[i]) + custody.heldForBrokers(tokens[i]);
            for (uint256 k = 0; k < accounts.length; ++k) owed += custody.balanceOf(accounts[k], tokens[i]);
            assertGe(DemoToken(tokens[i]).balanceOf(address(custody)), owed, "custody balance >= everything owed");
        }
    }

    function invariant_heldMatchesStakesChannelsAndLegs() public view {
        Custody custody = handler.custodyContract();
        address[3] memory brokers = handler.brokers();
        uint256 stakes;
        for (uint256 k = 0; k < brokers.length; ++k) stakes += handler.network().broker(brokers[k]).stake;
        address[3] memory tokens = handler.tokens();
        assertEq(custody.heldForBrokers(tokens[0]), stakes, "network token held = sum of stakes");
        assertEq(
            custody.heldForBrokers(tokens[1]),
            handler.ghostChannelUsdc() + handler.ghostLegUsdc(),
            "USDC held = open channels' collateral + locked legs"
        );
    }

    function invariant_quotaNeverExceeded() public view {
        assertEq(handler.quotaViolations(), 0, "no open beyond quota");
        address[3] memory brokers = handler.brokers();
        for (uint256 k = 0; k < brokers.length; ++k) {
            IBrokerNetwork.BrokerView memory v = handler.network().broker(brokers[k]);
            assertEq(v.openChannels, handler.openChannelsOf(k), "open channel count tracked");
            if (v.unlockAt != 0) assertEq(v.openChannels, 0, "an unstaking broker has no open channel");
        }
    }
}

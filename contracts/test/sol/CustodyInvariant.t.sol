// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Custody} from "../../src/Custody.sol";
import {Allocation, ChannelState, CoSignatures, Intent} from "../../src/types/ChannelState.sol";
import {Channel} from "../../src/libraries/Channel.sol";
import {DemoToken} from "../../src/test/DemoToken.sol";
import {FeeOnTransferToken} from "../../src/test/FeeOnTransferToken.sol";
import {TestBase} from "./utils/Vm.sol";

/// Drives the custody contract through random sequences of deposits, withdrawals, opens,
/// checkpoints, challenges, responses, concludes, closes and resizes, tracking what it owes.
contract CustodyHandler is TestBase {
    uint256 internal constant EXCHANGE_KEY = 0xE1;
    uint256 internal constant PERIOD = 1 hours;

    Custody public immutable custody;
    address public immutable exchange;
    address[3] public tokens; // USDC-like, fee-on-transfer, native ETH (address(0))
    uint256[2] internal traderKeys = [uint256(0xA1), uint256(0xA2)];

    struct Tracked {
        bytes32 id;
        uint256 traderKey;
        uint48 version;
        uint256[3] traderAmounts; // per token index
        uint256[3] exchangeAmounts;
        bool challenged;
        uint8 challengedIntent; // the challenged state is _stateOf(t, challengedIntent): t is frozen meanwhile
    }

    Tracked[] internal channels;
    uint64 internal nextNonce = 1;
    uint256 public calls;

    constructor() {
        exchange = vm.addr(EXCHANGE_KEY);
        custody = new Custody(exchange, PERIOD, address(0), address(0));
        DemoToken usdc = new DemoToken("Demo USDC", "USDC", 6);
        FeeOnTransferToken fot = new FeeOnTransferToken();
        tokens = [address(usdc), address(fot), address(0)];
        address[3] memory funded = [exchange, vm.addr(traderKeys[0]), vm.addr(traderKeys[1])];
        for (uint256 i = 0; i < funded.length; ++i) {
            usdc.mint(funded[i], 1e30);
            fot.mint(funded[i], 1e30);
            vm.deal(funded[i], 1e30);
            vm.startPrank(funded[i]);
            usdc.approve(address(custody), type(uint256).max);
            fot.approve(address(custody), type(uint256).max);
            vm.stopPrank();
        }
    }

    function accounts() external view returns (address[3] memory) {
        return [exchange, vm.addr(traderKeys[0]), vm.addr(traderKeys[1])];
    }

    function tokenList() external view returns (address[3] memory) {
        return tokens;
    }

    // ── actions ──────────────────────────────────────────────────────────────────────

    function deposit(uint256 who, uint256 tokenIndex, uint256 amount) external {
        calls++;
        address account = this.accounts()[who % 3];
        address token = tokens[tokenIndex % 3];
        amount = 1 + (amount % 1e24);
        vm.prank(account);
        if (token == address(0)) custody.deposit{value: amount}(token, amount);
        else custody.deposit(token, amount);
    }

    function withdraw(uint256 who, uint256 tokenIndex, uint256 amount) external {
        calls++;
        address account = this.accounts()[who % 3];
        address token = tokens[tokenIndex % 3];
        uint256 free = custody.balanceOf(account, token);
        if (free == 0) return;
        amount = 1 + (amount % free);
        vm.prank(account);
        custody.withdraw(token, amount, account);
    }

    function open(uint256 who, uint256 traderShare, uint256 exchangeShare) external {
        calls++;
        uint256 key = traderKeys[who % 2];
        address trader = vm.addr(key);
        Tracked storage t = channels.push();
        t.id = custody.channelIdOf(trader, nextNonce);
        t.traderKey = key;
        for (uint256 i = 0; i < 3; ++i) {
            // lock a fraction (in 1/16ths) of what each side has free
            t.traderAmounts[i] = custody.balanceOf(trader, tokens[i]) * ((traderShare >> (8 * i)) % 17) / 16;
            t.exchangeAmounts[i] = custody.balanceOf(exchange, tokens[i]) * ((exchangeShare >> (8 * i)) % 17) / 16;
        }
        ChannelState memory initial = _stateOf(t, Intent.INITIALIZE);
        custody.open(trader, nextNonce, initial, _cosign(t.traderKey, initial));
        nextNonce++;
    }

    function checkpoint(uint256 index, uint256 split) external {
        calls++;
        Tracked storage t = _pick(index);
        if (t.id == 0 || t.challenged) return;
        _reallocate(t, split);
        t.version += 1 + uint48(split % 3);
        ChannelState memory state = _stateOf(t, Intent.OPERATE);
        custody.checkpoint(state, _cosign(t.traderKey, state));
    }

    function challenge(uint256 index, bool byExchange) external {
        calls++;
        Tracked storage t = _pick(index);
        if (t.id == 0 || t.challenged) return;
        ChannelState memory state = _stateOf(t, t.version == 0 ? Intent.INITIALIZE : Intent.OPERATE);
        uint256 key = byExchange ? EXCHANGE_KEY : t.traderKey;
        (bytes32 stateHash,) = this.structHash(state);
        bytes memory sig = _sign(key, custody.hashChallenge(t.id, t.version, stateHash));
        custody.challenge(state, _cosign(t.traderKey, state), vm.addr(key), sig);
        t.challenged = true;
        t.challengedIntent = state.intent;
    }

    function respond(uint256 index, uint256 split) external {
        calls++;
        Tracked storage t = _pick(index);
        if (t.id == 0 || !t.challenged) return;
        if (block.timestamp >= custody.channel(t.id).challengeDeadline) return;
        _reallocate(t, split);
        t.version += 1;
        ChannelState memory state = _stateOf(t, Intent.OPERATE);
        custody.respond(state, _cosign(t.traderKey, state));
        t.challenged = false;
    }

    function conclude(uint256 index) external {
        calls++;
        Tracked storage t = _pick(index);
        if (t.id == 0 || !t.challenged) return;
        vm.warp(block.timestamp + PERIOD);
        custody.conclude(_stateOf(t, t.challengedIntent));
        _forget(index);
    }

    function close(uint256 index, uint256 split) external {
        calls++;
        Tracked storage t = _pick(index);
        if (t.id == 0) return;
        if (t.challenged && block.timestamp >= custody.channel(t.id).challengeDeadline) return;
        _reallocate(t, split);
        t.version += 1;
        ChannelState memory state = _stateOf(t, Intent.CLOSE);
        custody.close(state, _cosign(t.traderKey, state));
        _forget(index);
    }

    function resize(uint256 index, uint256 change) external {
        calls++;
        Tracked storage t = _pick(index);
        if (t.id == 0 || t.challenged) return;
        t.version += 1;
        ChannelState memory previous = _stateOf(t, Intent.OPERATE);
        address trader = vm.addr(t.traderKey);
        for (uint256 i = 0; i < 3; ++i) {
            uint256 mode = (change >> (4 * i)) % 3;
            if (mode == 0) t.traderAmounts[i] = t.traderAmounts[i] / 2; // partial withdraw
            else if (mode == 1) t.traderAmounts[i] += custody.balanceOf(trader, tokens[i]) / 4; // top-up
            else t.exchangeAmounts[i] += custody.balanceOf(exchange, tokens[i]) / 8; // exchange covers more
        }
        t.version += 1;
        ChannelState memory next = _stateOf(t, Intent.RESIZE);
        custody.resize(previous, _cosign(t.traderKey, previous), next, _cosign(t.traderKey, next));
    }

    function warp(uint256 seconds_) external {
        calls++;
        vm.warp(block.timestamp + (seconds_ % (2 * PERIOD)));
    }

    // ── ghost accounting ─────────────────────────────────────────────────────────────

    /// What the handler believes is locked in open channels, per token index.
    function ghostLocked(uint256 tokenIndex) external view returns (uint256 total) {
        for (uint256 i = 0; i < channels.length; ++i) {
            if (channels[i].id == 0) continue;
            total += channels[i].traderAmounts[tokenIndex] + channels[i].exchangeAmounts[tokenIndex];
        }
    }

    function structHash(ChannelState calldata state) external pure returns (bytes32, bytes32) {
        return StateHashProxy.hash(state);
    }

    // ── helpers ──────────────────────────────────────────────────────────────────────

    function _pick(uint256 index) private returns (Tracked storage) {
        if (channels.length == 0) return channels.push(); // an empty slot (id 0): every action skips it
        return channels[index % channels.length];
    }

    function _forget(uint256 index) private {
        delete channels[index % channels.length];
    }

    function _reallocate(Tracked storage t, uint256 split) private {
        for (uint256 i = 0; i < 3; ++i) {
            uint256 total = t.traderAmounts[i] + t.exchangeAmounts[i];
            uint256 traderPart = total * ((split >> (8 * i)) % 101) / 100;
            t.traderAmounts[i] = traderPart;
            t.exchangeAmounts[i] = total - traderPart;
        }
    }

    function _stateOf(Tracked storage t, uint8 intent) private view returns (ChannelState memory state) {
        // sorted token order: address(0) (ETH) first, then the two token contracts by address
        address[3] memory sorted = tokens;
        uint256[3] memory order = [uint256(2), 0, 1];
        if (tokens[1] < tokens[0]) order = [uint256(2), 1, 0];
        Allocation[] memory allocations = new Allocation[](3);
        for (uint256 k = 0; k < 3; ++k) {
            uint256 i = order[k];
            allocations[k] = Allocation(sorted[i], t.traderAmounts[i], t.exchangeAmounts[i]);
        }
        state = ChannelState(t.id, t.version, intent, allocations, bytes32(uint256(t.version)));
    }

    function _cosign(uint256 traderKey, ChannelState memory state) private view returns (CoSignatures memory) {
        bytes32 digest = custody.hashState(state);
        return CoSignatures(_sign(traderKey, digest), _sign(EXCHANGE_KEY, digest));
    }

    function _sign(uint256 key, bytes32 digest) private pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }
}

import {StateHash} from "../../src/libraries/StateHash.sol";

library StateHashProxy {
    function hash(ChannelState calldata state) internal pure returns (bytes32, bytes32) {
        return StateHash.hash(state);
    }
}

/// Invariant (SECURITY.md 2): per token, the custody contract holds at least everything it owes
/// (all custody accounts plus everything locked in channels), and the locked total matches the
/// channels that are open.
contract CustodyInvariantTest is TestBase {
    CustodyHandler internal handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        handler = new CustodyHandler();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// The handler's actions succeed on a plain sequence (so the invariant runs exercise them).
    function test_handlerActionsSucceed() public {
        handler.deposit(1, 2, 5e18);
        handler.deposit(2, 1, 7e18);
        handler.open(0, type(uint256).max, type(uint256).max);
        handler.open(1, 0x080808, 0x040404);
        handler.checkpoint(1, 0x323232);
        handler.resize(1, 0x120);
        handler.challenge(1, true);
        handler.respond(1, 0x101010);
        handler.challenge(2, false);
        handler.conclude(2);
        handler.close(1, 0x505050);
        handler.withdraw(1, 0, 3);
        invariant_custodyHoldsEverythingOwed();
        invariant_lockedMatchesOpenChannels();
    }

    function invariant_custodyHoldsEverythingOwed() public view {
        Custody custody = handler.custody();
        address[3] memory tokens = handler.tokenList();
        address[3] memory accounts = handler.accounts();
        for (uint256 i = 0; i < tokens.length; ++i) {
            uint256 owed = custody.totalLocked(tokens[i]);
            for (uint256 a = 0; a < accounts.length; ++a) owed += custody.balanceOf(accounts[a], tokens[i]);
            uint256 held = tokens[i] == address(0) ? address(custody).balance : DemoToken(tokens[i]).balanceOf(address(custody));
            assertGe(held, owed, "custody balance >= everything owed");
        }
    }

    function invariant_lockedMatchesOpenChannels() public view {
        Custody custody = handler.custody();
        address[3] memory tokens = handler.tokenList();
        for (uint256 i = 0; i < tokens.length; ++i) {
            assertEq(custody.totalLocked(tokens[i]), handler.ghostLocked(i), "totalLocked == sum of open channels");
        }
    }
}

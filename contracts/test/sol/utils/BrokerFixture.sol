// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Custody} from "../../../src/Custody.sol";
import {BrokerNetwork} from "../../../src/BrokerNetwork.sol";
import {BrokerLegs} from "../../../src/BrokerLegs.sol";
import {IBrokerNetwork} from "../../../src/interfaces/IBrokerNetwork.sol";
import {Allocation, ChannelState, Intent} from "../../../src/types/ChannelState.sol";
import {BrokerSignatures, CollateralLock, SignedLock} from "../../../src/types/Broker.sol";
import {StateHash} from "../../../src/libraries/StateHash.sol";
import {DemoToken} from "../../../src/test/DemoToken.sol";
import {TestBase} from "./Vm.sol";

/// A custody contract with both broker modules, a network token, and three brokers funded in
/// custody: a and b registered and staked for 4 channels each, c registered without stake.
abstract contract BrokerFixture is TestBase {
    uint256 internal constant EXCHANGE_KEY = 0xE1;
    uint256 internal constant A_KEY = 0xBA;
    uint256 internal constant B_KEY = 0xBB;
    uint256 internal constant C_KEY = 0xBC;
    uint256 internal constant CLEARING_KEY = 0xC1;
    uint256 internal constant ARBITER_KEY = 0xA7;
    uint256 internal constant PERIOD = 1 days;
    uint256 internal constant MARGIN = 1 hours;
    uint256 internal constant START = 1_700_000_000;
    uint256 internal constant PER_CHANNEL = 62_500e18;
    uint256 internal constant STAKE_4 = 250_000e18;
    uint256 internal constant SLASH_CAP_BPS = 2_000;
    uint256 internal constant SLASH_COOLDOWN = 1 days;

    Custody internal custody;
    BrokerNetwork internal net;
    BrokerLegs internal legs;
    DemoToken internal networkToken;
    DemoToken internal usdc;
    DemoToken internal weth;
    address internal exchange;
    address internal a;
    address internal b;
    address internal c;
    address internal clearing;
    address internal arbiter;
    address internal victim = address(0x71C7);

    function setUp() public virtual {
        vm.warp(START);
        exchange = vm.addr(EXCHANGE_KEY);
        a = vm.addr(A_KEY);
        b = vm.addr(B_KEY);
        c = vm.addr(C_KEY);
        clearing = vm.addr(CLEARING_KEY);
        arbiter = vm.addr(ARBITER_KEY);
        networkToken = new DemoToken("Clearline Network Token", "CLN", 18);
        usdc = new DemoToken("Demo USDC", "USDC", 6);
        weth = new DemoToken("Demo WETH", "WETH", 18);
        if (address(weth) < address(usdc)) (usdc, weth) = (weth, usdc);
        (custody, net, legs) = _deployStack(address(networkToken));
        address[3] memory brokers = [a, b, c];
        for (uint256 i = 0; i < brokers.length; ++i) {
            _fund(brokers[i]);
            vm.prank(brokers[i]);
            net.registerBroker(brokers[i], "https://broker.example/b2b");
        }
        vm.prank(a);
        net.stake(STAKE_4);
        vm.prank(b);
        net.stake(STAKE_4);
    }

    /// Custody at the next CREATE address, the modules right after it (their addresses are
    /// the custody's constructor arguments).
    function _deployStack(address stakeToken) internal returns (Custody custody_, BrokerNetwork net_, BrokerLegs legs_) {
        uint256 nonce = vm.getNonce(address(this));
        address netAddress = _createAddress(address(this), nonce + 1);
        address legsAddress = _createAddress(address(this), nonce + 2);
        custody_ = new Custody(exchange, PERIOD, netAddress, legsAddress);
        net_ = new BrokerNetwork(
            IBrokerNetwork.Config(
                address(custody_), stakeToken, PER_CHANNEL, clearing, arbiter, SLASH_CAP_BPS, SLASH_COOLDOWN, PERIOD
            )
        );
        legs_ = new BrokerLegs(address(custody_), address(net_), MARGIN);
        assertEq(address(net_), netAddress, "network address predicted");
        assertEq(address(legs_), legsAddress, "legs address predicted");
    }

    function _fund(address broker) internal {
        networkToken.mint(broker, 1_000_000e18);
        usdc.mint(broker, 1_000_000e6);
        weth.mint(broker, 1_000e18);
        vm.startPrank(broker);
        networkToken.approve(address(custody), type(uint256).max);
        usdc.approve(address(custody), type(uint256).max);
        weth.approve(address(custody), type(uint256).max);
        custody.deposit(address(networkToken), 1_000_000e18);
        custody.deposit(address(usdc), 500_000e6);
        custody.deposit(address(weth), 100e18);
        vm.stopPrank();
    }

    // ── locks ─────────────────────────────────────────────────────────────────────────

    function _lock(bytes32 lockId, address broker, address counterparty, address token, uint256 amount)
        internal
        view
        returns (SignedLock memory)
    {
        CollateralLock memory lock =
            CollateralLock(lockId, broker, counterparty, token, amount, uint64(block.timestamp + 1 hours));
        return SignedLock(lock, _sign(CLEARING_KEY, net.hashCollateralLock(lock)));
    }

    function _resign(SignedLock memory signed, uint256 key) internal view returns (SignedLock memory) {
        signed.signature = _sign(key, net.hashCollateralLock(signed.lock));
        return signed;
    }

    // ── states ────────────────────────────────────────────────────────────────────────

    function _one(address token, uint256 amountA, uint256 amountB) internal pure returns (Allocation[] memory list) {
        list = new Allocation[](1);
        list[0] = Allocation(token, amountA, amountB);
    }

    function _state(bytes32 channelId, uint48 version, uint8 intent, Allocation[] memory allocations)
        internal
        pure
        returns (ChannelState memory)
    {
        return ChannelState(channelId, version, intent, allocations, keccak256(abi.encode("b2b", version)));
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// Signed by a and b (their registered signers are their own addresses here).
    function _cosign(ChannelState memory state) internal view returns (BrokerSignatures memory) {
        bytes32 digest = net.hashState(state);
        return BrokerSignatures(_sign(A_KEY, digest), _sign(B_KEY, digest));
    }

    function _challengeSig(uint256 key, ChannelState memory state) internal view returns (bytes memory) {
        return _sign(key, net.hashChallenge(state.channelId, state.version, this.structHashOf(state)));
    }

    function structHashOf(ChannelState calldata state) external pure returns (bytes32 structHash) {
        (structHash,) = StateHash.hash(state);
    }

    /// Opens a↔b channel `nonce` with USDC collateral from both, lock ids derived from the nonce.
    function _open(uint64 nonce, uint256 amountA, uint256 amountB)
        internal
        returns (bytes32 channelId, ChannelState memory initial)
    {
        channelId = net.channelIdOf(a, b, nonce);
        initial = _state(channelId, 0, Intent.INITIALIZE, _one(address(usdc), amountA, amountB));
        net.openChannel(
            a,
            b,
            nonce,
            _lock(keccak256(abi.encode("A", nonce)), a, b, address(usdc), amountA),
            _lock(keccak256(abi.encode("B", nonce)), b, a, address(usdc), amountB),
            initial,
            _cosign(initial)
        );
    }

    function _usdcIn(address account) internal view returns (uint256) {
        return custody.balanceOf(account, address(usdc));
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {DemoToken} from "../../../src/test/DemoToken.sol";
import {MultipartyChannel} from "../../../src/multiparty/MultipartyChannel.sol";
import {
    BalanceLeaf,
    Checkpoint,
    ForkWitness,
    Head,
    Op,
    OpenParams,
    TokenTotal
} from "../../../src/multiparty/MultipartyTypes.sol";
import {TestBase} from "../utils/Vm.sol";

/// A MultipartyChannel with two deposit tokens and a bond token, participants with known keys
/// (sorted by address), and builders for checkpoints, Merkle proofs, ops and fork witnesses.
/// The Merkle tree here is a second, independent construction of core/multiparty/merkle.ts's.
abstract contract MultipartyFixture is TestBase {
    MultipartyChannel internal mp;
    DemoToken internal usdc;
    DemoToken internal weth;
    DemoToken internal bondToken;

    uint256 internal constant BOND = 1_000e6;
    uint32 internal constant PERIOD = 1 hours;
    uint256 internal constant START = 1_700_000_000;

    /// participants[i] is vm.addr(keys[i]); ascending
    address[] internal participants;
    uint256[] internal keys;

    function setUp() public virtual {
        vm.warp(START);
        mp = new MultipartyChannel();
        usdc = new DemoToken("Demo USDC", "USDC", 6);
        weth = new DemoToken("Demo WETH", "WETH", 18);
        bondToken = new DemoToken("Bond", "BOND", 6);
        if (address(weth) < address(usdc)) (usdc, weth) = (weth, usdc);
        _makeParticipants(10);
    }

    function _makeParticipants(uint256 n) internal {
        delete participants;
        delete keys;
        for (uint256 i = 0; i < n; ++i) {
            keys.push(uint256(keccak256(abi.encode("multiparty participant", i))) % 2 ** 200 + 1);
            participants.push(vm.addr(keys[i]));
        }
        for (uint256 i = 0; i < n; ++i) {
            for (uint256 j = i + 1; j < n; ++j) {
                if (participants[j] < participants[i]) {
                    (participants[i], participants[j]) = (participants[j], participants[i]);
                    (keys[i], keys[j]) = (keys[j], keys[i]);
                }
            }
        }
        for (uint256 i = 0; i < n; ++i) {
            address p = participants[i];
            usdc.mint(p, 1e30);
            weth.mint(p, 1e30);
            bondToken.mint(p, 1e30);
            vm.startPrank(p);
            usdc.approve(address(mp), type(uint256).max);
            weth.approve(address(mp), type(uint256).max);
            bondToken.approve(address(mp), type(uint256).max);
            vm.stopPrank();
        }
    }

    // ── opening ─────────────────────────────────────────────────────────────────────

    function _params(uint256 n, uint8 threshold, uint256 bond) internal view returns (OpenParams memory params) {
        params.participants = new address[](n);
        params.bonds = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            params.participants[i] = participants[i];
            params.bonds[i] = bond;
        }
        params.matcher = participants[0];
        params.threshold = threshold;
        params.bondToken = address(bondToken);
        params.challengePeriod = PERIOD;
        params.nonce = 1;
    }

    /// Opens a channel of the first `n` participants and posts every bond: Active.
    function _openActive(uint256 n, uint8 threshold) internal returns (bytes32 channelId) {
        channelId = mp.open(_params(n, threshold, BOND));
        for (uint256 i = 0; i < n; ++i) {
            vm.prank(participants[i]);
            mp.postBond(channelId);
        }
    }

    function _deposit(bytes32 channelId, uint256 i, DemoToken token, uint256 amount) internal returns (bytes32) {
        vm.prank(participants[i]);
        return mp.deposit(channelId, address(token), amount);
    }

    // ── checkpoints and proofs ──────────────────────────────────────────────────────

    function _leaf(uint256 i, DemoToken token, uint256 free, uint256 locked, uint256 withdrawn)
        internal
        view
        returns (BalanceLeaf memory)
    {
        return BalanceLeaf(participants[i], address(token), free, locked, withdrawn);
    }

    function _leafHashes(bytes32 channelId, BalanceLeaf[] memory leaves) internal view returns (bytes32[] memory out) {
        out = new bytes32[](leaves.length);
        for (uint256 i = 0; i < leaves.length; ++i) {
            out[i] = mp.balanceLeaf(channelId, leaves[i]);
        }
    }

    /// A checkpoint over `leaves` with the given totals (heads and ops roots are labels here:
    /// the contract stores and emits them but settles on the balances root).
    function _checkpoint(bytes32 channelId, uint64 version, BalanceLeaf[] memory leaves, TokenTotal[] memory totals)
        internal
        view
        returns (Checkpoint memory)
    {
        return Checkpoint(
            channelId,
            version,
            keccak256(abi.encode("heads", version)),
            _root(_leafHashes(channelId, leaves)),
            keccak256(abi.encode("ops", version)),
            totals
        );
    }

    function _totals1(DemoToken token, uint256 deposited, uint256 withdrawn)
        internal
        pure
        returns (TokenTotal[] memory totals)
    {
        totals = new TokenTotal[](1);
        totals[0] = TokenTotal(address(token), deposited, withdrawn);
    }

    /// Signatures over `checkpoint` by participants `signers[k]` (indices), in that order.
    function _sigs(Checkpoint memory checkpoint, uint256[] memory signers) internal view returns (bytes[] memory sigs) {
        bytes32 digest = mp.checkpointDigest(checkpoint);
        sigs = new bytes[](signers.length);
        for (uint256 k = 0; k < signers.length; ++k) {
            sigs[k] = _sign(keys[signers[k]], digest);
        }
    }

    /// Signatures by the first `count` participants.
    function _firstSigs(Checkpoint memory checkpoint, uint256 count) internal view returns (bytes[] memory) {
        return _sigs(checkpoint, _range(count));
    }

    function _range(uint256 count) internal pure returns (uint256[] memory out) {
        out = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            out[i] = i;
        }
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    function _up(bytes32[] memory level) internal pure returns (bytes32[] memory up) {
        up = new bytes32[]((level.length + 1) / 2);
        for (uint256 i = 0; i < up.length; ++i) {
            up[i] = 2 * i + 1 < level.length ? _hashPair(level[2 * i], level[2 * i + 1]) : level[2 * i];
        }
    }

    function _root(bytes32[] memory leaves) internal pure returns (bytes32) {
        if (leaves.length == 0) return bytes32(0);
        bytes32[] memory level = leaves;
        while (level.length > 1) {
            level = _up(level);
        }
        return level[0];
    }

    function _proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[] memory proof) {
        proof = new bytes32[](32);
        uint256 count;
        bytes32[] memory level = leaves;
        while (level.length > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < level.length) proof[count++] = level[sibling];
            level = _up(level);
            index >>= 1;
        }
        assembly ("memory-safe") {
            mstore(proof, count)
        }
    }

    /// Proposes `leaves` at version 1 signed by everyone, waits out the period and finalizes.
    function _settle(bytes32 channelId, uint256 n, BalanceLeaf[] memory leaves, TokenTotal[] memory totals) internal {
        Checkpoint memory cp = _checkpoint(channelId, 1, leaves, totals);
        mp.proposeSettlement(cp, _firstSigs(cp, n));
        vm.warp(block.timestamp + PERIOD);
        mp.finalizeSettlement(channelId);
    }

    function _claim(bytes32 channelId, BalanceLeaf[] memory leaves, uint256 index) internal {
        mp.claim(channelId, leaves[index], _proof(_leafHashes(channelId, leaves), index));
    }

    // ── ops and fork witnesses ──────────────────────────────────────────────────────

    /// A transfer op of participant `author` at `seq` (kind 2: to, token, amount).
    function _transferOp(bytes32 channelId, uint256 author, uint64 seq, bytes32 prev, uint256 to, uint256 amount)
        internal
        view
        returns (Op memory op)
    {
        op.kind = 2;
        op.channelId = channelId;
        op.author = participants[author];
        op.seq = seq;
        op.prev = prev;
        op.deps = new bytes32[](0);
        op.body = new bytes32[](3);
        op.body[0] = bytes32(uint256(uint160(participants[to])));
        op.body[1] = bytes32(uint256(uint160(address(usdc))));
        op.body[2] = bytes32(amount);
    }

    /// A witness that `op` is the author's, by the op's own signature.
    function _opWitness(uint256 author, Op memory op) internal view returns (ForkWitness memory w) {
        w.hash = mp.opHash(op);
        w.op = op;
        w.signature = _sign(keys[author], mp.opDigest(op));
        w.path = new Op[](0);
    }

    /// A witness for `hash` by a signed head over `path`'s last op (path linking down to `hash`).
    function _headWitness(uint256 author, bytes32 channelId, bytes32 hash, Op[] memory path)
        internal
        view
        returns (ForkWitness memory w)
    {
        Op memory top = path[path.length - 1];
        w.hash = hash;
        w.byHead = true;
        w.head = Head(channelId, participants[author], top.seq, mp.opHash(top));
        w.signature = _sign(keys[author], mp.headDigest(w.head));
        w.path = path;
        w.op.deps = new bytes32[](0);
        w.op.body = new bytes32[](0);
    }
}

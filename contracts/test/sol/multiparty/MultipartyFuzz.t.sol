// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MultipartyPayouts} from "../../../src/multiparty/MultipartyPayouts.sol";
import {BalanceLeaf} from "../../../src/multiparty/MultipartyTypes.sol";
import {MultipartyFixture} from "./MultipartyFixture.sol";

/// Whatever root the participants co-sign, claims never pay more than was deposited; a root that
/// splits the deposits (what the fold produces) pays every leaf and leaves nothing behind.
contract MultipartyFuzzTest is MultipartyFixture {
    uint256 internal constant N = 5;

    function _bound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        return lo + x % (hi - lo + 1);
    }

    /// Channel of N, each participant deposits `amounts[i]` of USDC; returns the total.
    function _fund(uint256[N] memory amounts) internal returns (bytes32 id, uint256 total) {
        id = _openActive(N, 0);
        for (uint256 i = 0; i < N; ++i) {
            amounts[i] = _bound(amounts[i], 1, 1e30);
            _deposit(id, i, usdc, amounts[i]);
            total += amounts[i];
        }
    }

    function test_fuzz_claimsNeverPayMoreThanDeposited(uint256[N] memory amounts, uint256[N] memory sizes, uint256 start)
        public
    {
        (bytes32 id, uint256 total) = _fund(amounts);
        // any leaves the participants might co-sign, up to twice the deposits each
        BalanceLeaf[] memory leaves = new BalanceLeaf[](N);
        for (uint256 i = 0; i < N; ++i) {
            uint256 size = _bound(sizes[i], 0, 2 * total);
            leaves[i] = _leaf(i, usdc, size / 2, size / 3, size - size / 2 - size / 3);
        }
        _settle(id, N, leaves, _totals1(usdc, total, 0));
        bytes32[] memory hashes = _leafHashes(id, leaves);
        uint256 paid;
        for (uint256 k = 0; k < N; ++k) {
            uint256 i = (start % N + k) % N;
            uint256 amount = leaves[i].free + leaves[i].locked + leaves[i].withdrawn;
            try mp.claim(id, leaves[i], _proof(hashes, i)) {
                paid += amount;
            } catch (bytes memory reason) {
                // the only refusal of a valid proof: the leaf asks for more than is left
                bytes memory expected = abi.encodeWithSelector(
                    MultipartyPayouts.MultipartyClaimExceedsDeposits.selector, id, address(usdc), total - paid, amount
                );
                assertEq(keccak256(reason), keccak256(expected), "refused only for exceeding what is left");
            }
            assertLe(paid, total, "never more than deposited");
            assertEq(usdc.balanceOf(address(mp)), total - paid, "the contract holds the rest");
        }
    }

    function test_fuzz_aSplitOfTheDepositsPaysEveryLeaf(uint256[N] memory amounts, uint256 seed) public {
        (bytes32 id, uint256 total) = _fund(amounts);
        // split the total over the N participants as free, locked and withdrawn
        BalanceLeaf[] memory leaves = new BalanceLeaf[](N);
        uint256 left = total;
        uint256 withdrawn;
        for (uint256 i = 0; i < N; ++i) {
            uint256 share = i == N - 1 ? left : _bound(uint256(keccak256(abi.encode(seed, i))), 0, left);
            left -= share;
            uint256 w = share / 4;
            withdrawn += w;
            leaves[i] = _leaf(i, usdc, share - w - share / 5, share / 5, w);
        }
        _settle(id, N, leaves, _totals1(usdc, total, withdrawn));
        for (uint256 i = 0; i < N; ++i) {
            uint256 before = usdc.balanceOf(participants[i]);
            _claim(id, leaves, i);
            uint256 owed = leaves[i].free + leaves[i].locked + leaves[i].withdrawn;
            assertEq(usdc.balanceOf(participants[i]) - before, owed, "paid its leaf");
        }
        assertEq(usdc.balanceOf(address(mp)), 0, "sum of claims = deposits");
    }
}

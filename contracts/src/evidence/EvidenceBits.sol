// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// Bit lengths in constant gas, shared by the Merkle verifier (tree sizes) and the services
/// (bitmaps of markets): a loop over the bits would cost up to ~10k gas for bit 255.
library EvidenceBits {
    /// Number of bits needed to write `x` (0 for 0): Go's bits.Len64, by binary search.
    function bitLength(uint256 x) internal pure returns (uint256 n) {
        assembly ("memory-safe") {
            // each step: if x has bits at or above 2^k, shift them down and count k
            let f := shl(7, gt(x, 0xffffffffffffffffffffffffffffffff))
            x := shr(f, x)
            n := f
            f := shl(6, gt(x, 0xffffffffffffffff))
            x := shr(f, x)
            n := or(n, f)
            f := shl(5, gt(x, 0xffffffff))
            x := shr(f, x)
            n := or(n, f)
            f := shl(4, gt(x, 0xffff))
            x := shr(f, x)
            n := or(n, f)
            f := shl(3, gt(x, 0xff))
            x := shr(f, x)
            n := or(n, f)
            f := shl(2, gt(x, 0xf))
            x := shr(f, x)
            n := or(n, f)
            f := shl(1, gt(x, 0x3))
            x := shr(f, x)
            n := or(n, f)
            // x is now 0..3: its own bit length is 0, 1, 2, 2
            n := add(n, add(gt(x, 0), gt(x, 1)))
        }
    }

    /// Index of the lowest set bit of `x` (0 for 0).
    function lowestBit(uint256 x) internal pure returns (uint256) {
        if (x == 0) return 0;
        // unchecked: x != 0, so x & (~x + 1) (x's lowest set bit, by two's complement) has a bit length ≥ 1
        unchecked {
            return bitLength(x & (~x + 1)) - 1;
        }
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// TEST token whose transferFrom answers in the ways real tokens do (or misbehave), to pin
/// down how TokenTransfers.pullToken reads the answer. No allowances: anyone may move anyone's.
contract OddReturnToken {
    enum Mode {
        ReturnsTrue, // standard ERC-20
        ReturnsNothing, // USDT-style: no return data
        ReturnsFalse, // refuses without reverting
        ReturnsTwo, // a non-boolean word
        ReturnsTrueMovesNothing // claims success, transfers nothing
    }

    Mode public mode;
    mapping(address account => uint256) public balanceOf;

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external {
        Mode m = mode;
        if (m == Mode.ReturnsTrue || m == Mode.ReturnsNothing || m == Mode.ReturnsTwo) {
            balanceOf[from] -= amount;
            balanceOf[to] += amount;
        }
        if (m == Mode.ReturnsNothing) return;
        uint256 word = m == Mode.ReturnsFalse ? 0 : m == Mode.ReturnsTwo ? 2 : 1;
        assembly ("memory-safe") {
            mstore(0x00, word)
            return(0x00, 0x20)
        }
    }
}

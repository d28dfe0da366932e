// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// Who signed what. EOAs: exactly 65 bytes (r, s, v), low s, v in {27, 28} (OpenZeppelin's
/// ECDSA.tryRecover; core/channel/signature.ts applies the same rules). Contract accounts
/// (smart wallets): ERC-1271 `isValidSignature`, asked at every use and never cached.
library Signatures {
    error SignatureInvalid(address signer, bytes32 digest);

    function verify(address signer, bytes32 digest, bytes calldata signature) internal view {
        if (!SignatureChecker.isValidSignatureNow(signer, digest, signature)) revert SignatureInvalid(signer, digest);
    }
}

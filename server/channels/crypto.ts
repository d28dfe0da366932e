/**
 * The server's fast secp256k1 backend: libsecp256k1 through the `secp256k1` N-API addon
 * (prebuilt linux/darwin/win32 binaries ship inside its npm package, so nothing is compiled).
 * Loaded from `secp256k1/bindings`, never the package root: the root silently falls back to a
 * slow pure-JS implementation when the addon does not load, and we would rather know.
 * core/channel keeps noble for the browser; the strict signature parsing stays in core.
 */
import { createRequire } from "node:module";
import {
  createStateSigner,
  createStateVerifier,
  type Secp256k1Backend,
  type StateSigner,
  type StateVerifier,
} from "../../core/channel";

interface NativeSecp256k1 {
  ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array; recid: number };
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean, output?: Uint8Array): Uint8Array;
}

/**
 * libsecp256k1 (native); throws if the addon cannot be loaded on this platform. Node's module
 * cache loads the addon once per process, however often this is called.
 */
export function nativeBackend(): Secp256k1Backend {
  const native = createRequire(import.meta.url)("secp256k1/bindings") as NativeSecp256k1;
  return {
    name: "libsecp256k1 (secp256k1 N-API addon)",
    sign(digest, privateKey) {
      // libsecp256k1 signs RFC 6979 deterministic and normalizes to low s, as noble does
      const { signature, recid } = native.ecdsaSign(digest, privateKey);
      return { signature, recovery: recid };
    },
    recoverPublicKey(signature, recovery, digest) {
      return native.ecdsaRecover(signature, recovery, digest, false, new Uint8Array(65));
    },
  };
}

/** A signer for `privateKey` on the native backend. */
export function fastStateSigner(privateKey: `0x${string}`): StateSigner {
  return createStateSigner(privateKey, nativeBackend());
}

/**
 * A new verifier on the native backend. It remembers the public keys of the signers it saw, so
 * its owner keeps one: the composition root creates it and hands it to the channel service
 * (ChannelServiceDeps.verifier).
 */
export function fastStateVerifier(): StateVerifier {
  return createStateVerifier(nativeBackend());
}

/** A two-broker conversation for tests: each side numbers what it sends 1, 2, 3, …; bodies go out signed. */
import type { Address, Hex } from "viem";
import type { RpcKind } from "../clearing";
import type { RpcBodies } from "./bodies";
import { decodeEnvelope, encodeEnvelope, signEnvelope, type AcceptedEnvelope } from "./envelope";
import { A, B, CHAIN_ID, NOW_MS } from "./keys.test-util";

type Party = { address: Address; privateKey: Hex };

export function conversation(parties: readonly Party[] = [A, B]) {
  const seqs = new Map<string, bigint>();
  let clock = NOW_MS;
  /** `from` sends `body` of `kind` to `to`: the wire text and the accepted (decoded, verified) envelope. */
  function send<K extends RpcKind>(from: Party, to: Party, kind: K, body: RpcBodies[K]) {
    const key = `${from.address}>${to.address}`;
    const seq = (seqs.get(key) ?? 0n) + 1n;
    seqs.set(key, seq);
    clock += 10n;
    const signed = signEnvelope(
      { from: from.address, to: to.address, chainId: CHAIN_ID, seq, kind, sentAtMs: clock, body },
      from.privateKey,
    );
    const wire = encodeEnvelope(signed);
    const accepted = decodeEnvelope(wire);
    if (!accepted.ok) throw new Error(`test envelope refused: ${accepted.reason}`);
    return { wire, accepted: accepted as AcceptedEnvelope<K> };
  }
  return { send, parties };
}

import fc from "fast-check";
import { hashStruct, hashTypedData, recoverTypedDataAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { bytesToHex } from "../channel/bytes";
import { arbOp } from "./arbitraries.test-util";
import { encodeType, hashOp, headDigest, multipartyDomainSeparator, opDigest } from "./encode";
import { testChannel } from "./keys.test-util";
import { signHead, signOp, verifyHeadSignature, verifyOpSignature } from "./sign";
import {
  HEAD_TYPES,
  OP_PRIMARY_TYPES,
  OP_TYPES,
  headTypedData,
  multipartyTypedDataDomain,
  opTypedData,
} from "./typed-data";

const { config, keys } = testChannel(5);
const author = keys[2]!;
const account = privateKeyToAccount(author.privateKey);

describe("op, head and domain encodings", () => {
  it("type strings are the documented ones (a contract hard-codes them)", () => {
    const header = "bytes32 channelId,address author,uint64 seq,bytes32 prev,bytes32[] deps";
    expect(encodeType("Transfer")).toBe(`Transfer(${header},address to,address token,uint256 amount)`);
    expect(encodeType("Fill")).toBe(
      `Fill(${header},bytes32 makerLock,bytes32 takerLock,uint256 makerAmount,uint256 takerAmount)`,
    );
    expect(encodeType("Head")).toBe("Head(bytes32 channelId,address author,uint64 seq,bytes32 head)");
    expect(encodeType("Checkpoint")).toBe(
      "Checkpoint(bytes32 channelId,uint64 version,bytes32 headsHash,bytes32 balancesRoot,bytes32 opsRoot,TokenTotal[] totals)" +
        "TokenTotal(address token,uint256 deposited,uint256 withdrawn)",
    );
    expect(Object.values(OP_PRIMARY_TYPES).sort()).toEqual(Object.keys(OP_TYPES).sort());
  });

  it("hashOp and opDigest equal viem's hashStruct and hashTypedData for every kind", () => {
    fc.assert(
      fc.property(arbOp(config), (op) => {
        const typed = opTypedData(config.domain, op);
        expect(hashOp(op)).toBe(
          hashStruct({ types: typed.types, primaryType: typed.primaryType, data: typed.message }),
        );
        expect(bytesToHex(opDigest(config.domain, op))).toBe(hashTypedData(typed));
      }),
      { numRuns: 200 },
    );
  });

  it("signOp signs exactly as a wallet's signTypedData would, and verifies only for the author", async () => {
    await fc.assert(
      fc.asyncProperty(arbOp(config), async (raw) => {
        const op = { ...raw, author: author.address };
        const ours = signOp(config.domain, op, author.privateKey);
        expect(ours).toBe(await account.signTypedData(opTypedData(config.domain, op)));
        expect(verifyOpSignature(config.domain, op, ours)).toBe(true);
        expect(verifyOpSignature(config.domain, { ...op, author: keys[3]!.address }, ours)).toBe(false);
      }),
      { numRuns: 10 },
    );
  });

  it("a head's digest and signature match viem's, and the domain binds chain and contract", async () => {
    const head = {
      channelId: config.channelId,
      author: author.address,
      seq: 41,
      head: `0x${"ab".repeat(32)}` as const,
    };
    expect(bytesToHex(headDigest(config.domain, head))).toBe(hashTypedData(headTypedData(config.domain, head)));
    const signed = signHead(config.domain, head, author.privateKey);
    expect(await recoverTypedDataAddress({ ...headTypedData(config.domain, head), signature: signed.signature })).toBe(
      account.address,
    );
    expect(verifyHeadSignature(config.domain, signed)).toBe(true);
    expect(verifyHeadSignature({ ...config.domain, chainId: 1 }, signed)).toBe(false);
    expect(verifyHeadSignature({ ...config.domain, verifyingContract: keys[0]!.address }, signed)).toBe(false);
    expect(HEAD_TYPES.Head.map((f) => f.name)).toEqual(["channelId", "author", "seq", "head"]);
    expect(bytesToHex(multipartyDomainSeparator(config.domain))).toBe(
      hashStruct({
        types: {
          EIP712Domain: [
            { name: "name", type: "string" },
            { name: "version", type: "string" },
            { name: "chainId", type: "uint256" },
            { name: "verifyingContract", type: "address" },
          ],
        },
        primaryType: "EIP712Domain",
        data: { ...multipartyTypedDataDomain(config.domain), chainId: BigInt(config.domain.chainId) },
      }),
    );
  });
});

import { describe, expect, it } from "vitest";
import { codePointToIndex, indexToCodePoint } from "../../../jupyter-ext/kernel/src/codePoints";
import { endpoint, parseConnectionInfo } from "../../../jupyter-ext/kernel/src/connection";
import { createMessage } from "../../../jupyter-ext/kernel/src/jupyterMessage";
import { DELIMITER, MessageSigner, SignatureError, decodeFrames, encodeFrames } from "../../../jupyter-ext/kernel/src/signing";

const header = '{"msg_id":"m1","msg_type":"kernel_info_request"}';

describe("MessageSigner", () => {
  it("signs header, parent, metadata and content with HMAC-SHA256 as jupyter_client does", () => {
    // Reference value from Python: hmac.new(b"secret", digestmod=hashlib.sha256) over the four parts.
    const parts = [header, "{}", "{}", "{}"].map((p) => Buffer.from(p));
    const signer = new MessageSigner("secret", "hmac-sha256");
    expect(signer.sign(parts)).toBe("d44bed8108c357c6d71e4562eda22889e9132035c8efbc7ab4727a448258541b");
    expect(signer.verify("d44bed8108c357c6d71e4562eda22889e9132035c8efbc7ab4727a448258541b", parts)).toBe(true);
    expect(signer.verify("d44bed8108c357c6d71e4562eda22889e9132035c8efbc7ab4727a448258541c", parts)).toBe(false);
    expect(signer.verify("short", parts)).toBe(false);
  });

  it("does not sign with an empty key, and rejects unknown digests at construction", () => {
    expect(new MessageSigner("").sign([Buffer.from("x")])).toBe("");
    expect(new MessageSigner("").verify("anything", [])).toBe(true);
    expect(() => new MessageSigner("k", "hmac-nonsense")).toThrow();
  });
});

describe("frames", () => {
  const signer = new MessageSigner("secret");

  it("round-trips identities, the four parts and binary buffers", () => {
    const message = createMessage("comm_msg", "s1", { comm_id: "c", data: { x: 1 } }, undefined, { m: true }, [new Uint8Array([9, 8, 7])]);
    const frames = encodeFrames(message, signer, [Buffer.from("client-id")]);
    expect(frames[0].toString()).toBe("client-id");
    expect(frames[1].toString()).toBe(DELIMITER);
    expect(frames).toHaveLength(8);
    const { identities, message: back } = decodeFrames(frames, signer);
    expect(identities.map((i) => i.toString())).toEqual(["client-id"]);
    expect(back.header).toEqual(message.header);
    expect(back.content).toEqual({ comm_id: "c", data: { x: 1 } });
    expect(back.metadata).toEqual({ m: true });
    expect([...back.buffers[0]]).toEqual([9, 8, 7]);
  });

  it("rejects a tampered content frame and a message signed with another key", () => {
    const frames = encodeFrames(createMessage("execute_request", "s", { code: "%runs" }), signer);
    const tampered = [...frames];
    tampered[5] = Buffer.from(JSON.stringify({ code: "%delete all" }));
    expect(() => decodeFrames(tampered, signer)).toThrow(SignatureError);
    expect(() => decodeFrames(frames, new MessageSigner("other"))).toThrow(SignatureError);
  });

  it("rejects malformed frame lists", () => {
    expect(() => decodeFrames([Buffer.from("no delimiter")], signer)).toThrow(/malformed/);
  });
});

describe("connection file", () => {
  it("parses ports and builds tcp and ipc endpoints", () => {
    const info = parseConnectionInfo(JSON.stringify({ shell_port: 5, iopub_port: 6, stdin_port: 7, control_port: 8, hb_port: 9, ip: "127.0.0.1", key: "k", transport: "tcp", signature_scheme: "hmac-sha256" }));
    expect(endpoint(info, "iopub")).toBe("tcp://127.0.0.1:6");
    expect(endpoint({ ...info, transport: "ipc", ip: "/tmp/kernel" }, "hb")).toBe("ipc:///tmp/kernel-9");
  });
  it("says what is wrong with a bad file", () => {
    expect(() => parseConnectionInfo("{", "conn.json")).toThrow(/conn.json is not valid JSON/);
    expect(() => parseConnectionInfo(JSON.stringify({ shell_port: "x" }), "conn.json")).toThrow(/shell_port must be a port number/);
  });
});

describe("code points", () => {
  it("converts between Jupyter cursor positions and string indices", () => {
    const text = "a🙂b";
    expect(codePointToIndex(text, 2)).toBe(3);
    expect(indexToCodePoint(text, 3)).toBe(2);
    expect(codePointToIndex(text, 99)).toBe(text.length);
    expect(indexToCodePoint("abc", 2)).toBe(2);
  });
});

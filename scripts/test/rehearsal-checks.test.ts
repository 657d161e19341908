import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { manifestProblems, readTarEntry, sasProblem, workspaceLeftovers } from "../rehearsal-checks.mjs";

describe("workspaceLeftovers", () => {
  it("finds nothing in a manifest pnpm pack rewrote", () => {
    expect(
      workspaceLeftovers({
        name: "@nhub/platform-apns",
        dependencies: { undici: "^7.30.2", "@nhub/sas": "^0.0.0" },
        peerDependencies: { "@nhub/core": "^0" },
        devDependencies: { "@nhub/testkit": "0.0.0" },
        files: ["dist", "README.md"],
      }),
    ).toEqual([]);
  });

  it("names every field that still holds a workspace-only range, in any dependency map", () => {
    expect(
      workspaceLeftovers({
        dependencies: { "@nhub/sas": "workspace:^", undici: "^7.30.2" },
        peerDependencies: { "@nhub/core": "workspace:^0" },
        devDependencies: { "@nhub/testkit": "workspace:*", vitest: "catalog:", local: "link:../local" },
        optionalDependencies: { "@nhub/xml": "npm:@nhub/xml@workspace:*" },
      }),
    ).toEqual([
      "dependencies.@nhub/sas: workspace:^",
      "peerDependencies.@nhub/core: workspace:^0",
      "devDependencies.@nhub/testkit: workspace:*",
      "devDependencies.vitest: catalog:",
      "devDependencies.local: link:../local",
      "optionalDependencies.@nhub/xml: npm:@nhub/xml@workspace:*",
    ]);
  });

  it("looks inside arrays and at keys", () => {
    expect(
      workspaceLeftovers({ bundleDependencies: ["a", "workspace:b"], overrides: { "workspace:x": "1" } }),
    ).toEqual(["bundleDependencies[1]: workspace:b", "overrides.workspace:x (a key)"]);
  });
});

describe("manifestProblems", () => {
  const good = { name: "@nhub/sas", version: "1.2.3", engines: { node: ">=20.18.1" } };

  it("accepts a publishable manifest, prerelease versions included", () => {
    expect(manifestProblems(good)).toEqual([]);
    expect(manifestProblems({ ...good, version: "2.0.0-next.1" })).toEqual([]);
  });

  it("refuses a missing engines range, a non-release version, a private package and workspace ranges", () => {
    expect(
      manifestProblems({
        name: "@nhub/x",
        version: "workspace:*",
        private: true,
        dependencies: { "@nhub/core": "workspace:^" },
      }),
    ).toEqual([
      "version: workspace:*",
      "dependencies.@nhub/core: workspace:^",
      'version: not a release version ("workspace:*")',
      "engines.node: missing",
      "private: a private package was packed for publishing",
    ]);
    expect(manifestProblems({ version: "1.0.0", engines: {} })).toEqual([
      "name: missing",
      "engines.node: missing",
    ]);
  });
});

/** One ustar entry: a 512-byte header (checksum included) and the content padded to 512 bytes. */
function tarEntry(path: string, content: string, type = "0"): Buffer {
  const header = Buffer.alloc(512);
  let name = path;
  let prefix = "";
  if (Buffer.byteLength(path) > 100) {
    const cut = path.lastIndexOf("/", 155);
    prefix = path.slice(0, cut);
    name = path.slice(cut + 1);
  }
  const body = Buffer.from(content, "utf8");
  header.write(name, 0, 100, "utf8");
  header.write("0000644\0", 100, "latin1");
  header.write(`${body.length.toString(8).padStart(11, "0")}\0`, 124, "latin1");
  header.write("00000000000\0", 136, "latin1");
  header.write("        ", 148, "latin1");
  header.write(type, 156, "latin1");
  header.write("ustar\0" + "00", 257, "latin1");
  header.write(prefix, 345, 155, "utf8");
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.write(`${checksum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return Buffer.concat([header, body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}

describe("readTarEntry", () => {
  const longPath = `package/${"d".repeat(60)}/${"e".repeat(60)}/file.txt`;
  const big = "x".repeat(1300);
  const tgz = gzipSync(
    Buffer.concat([
      tarEntry("package/", "", "5"),
      tarEntry("package/dist/big.js", big),
      tarEntry(longPath, "deep"),
      tarEntry("package/package.json", '{"name":"@nhub/sas"}'),
      Buffer.alloc(1024),
    ]),
  );

  it("returns the file's bytes, past entries whose size is not a multiple of 512", () => {
    expect(readTarEntry(tgz, "package/package.json")?.toString("utf8")).toBe('{"name":"@nhub/sas"}');
    expect(readTarEntry(tgz, "package/dist/big.js")?.toString("utf8")).toBe(big);
  });

  it("joins the ustar prefix to the name", () => {
    expect(readTarEntry(tgz, longPath)?.toString("utf8")).toBe("deep");
  });

  it("returns undefined for a missing file or a directory", () => {
    expect(readTarEntry(tgz, "package/README.md")).toBeUndefined();
    expect(readTarEntry(tgz, "package/")).toBeUndefined();
  });
});

describe("sasProblem", () => {
  // The SAS test vector the @nhub/sas tests also use, signed for the namespace root.
  const token =
    "SharedAccessSignature sr=https%3A%2F%2Fmyns.servicebus.windows.net%2F&sig=wdMlB7ER3TWzph%2FhJ8MFsWsReLXABFf9hBzO9q5wyaM%3D&se=1700000000&skn=DefaultFullSharedAccessSignature";
  const expected = {
    url: "https://myns.servicebus.windows.net/myhub/messages/?api-version=2020-06",
    keyName: "DefaultFullSharedAccessSignature",
    key: "abc123=",
    nowSeconds: 1_699_999_000,
  };

  it("accepts a token signed with the key for a prefix of the URL", () => {
    expect(sasProblem(token, expected)).toBeUndefined();
  });

  it("refuses a missing or foreign header and a token missing a field", () => {
    expect(sasProblem(undefined, expected)).toBe("no SharedAccessSignature Authorization header");
    expect(sasProblem("Bearer abc", expected)).toBe("no SharedAccessSignature Authorization header");
    expect(sasProblem(token.replace(/&skn=.*/, ""), expected)).toBe(
      "the token lacks one of sr, sig, se, skn",
    );
  });

  it("refuses another key, another key name, an expired token and another resource", () => {
    expect(sasProblem(token, { ...expected, key: "abc124=" })).toBe("the signature does not match");
    expect(sasProblem(token, { ...expected, keyName: "Listen" })).toBe("the token names another key");
    expect(sasProblem(token.replace("se=1700000000", "se=1700000001"), expected)).toBe(
      "the signature does not match",
    );
    expect(sasProblem(token, { ...expected, nowSeconds: 1_700_000_000 })).toBe("the token has expired");
    expect(
      sasProblem(token, { ...expected, url: "https://other.servicebus.windows.net/myhub/messages/" }),
    ).toBe("the token's resource is not a prefix of the request URL");
  });
});

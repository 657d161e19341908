import { describe, expect, it } from "vitest";
import { initialChunks } from "../src/static-figures.mjs";

describe("initialChunks", () => {
  it("starts from the user's entry, not from a lazy chunk that esbuild lists first", () => {
    // An esbuild metafile's outputs: chunks made for import() carry an entryPoint too.
    const outputs = {
      "out/lazy-AAAA.js": {
        entryPoint: "src/lazy.ts",
        imports: [{ path: "out/chunk-S.js", kind: "import-statement" }],
      },
      "out/entry.js": {
        entryPoint: "entry.mjs",
        imports: [
          { path: "out/chunk-S.js", kind: "import-statement" },
          { path: "out/lazy-AAAA.js", kind: "dynamic-import" },
          { path: "undici", kind: "import-statement", external: true },
        ],
      },
      "out/chunk-S.js": { imports: [] },
    };
    expect([...initialChunks(outputs)].sort()).toEqual(["out/chunk-S.js", "out/entry.js"]);
  });
});

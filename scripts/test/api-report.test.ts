/** The committed public API report matches the sources: an API change is always a visible change to it. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { publicPackages, renderApiReport } from "../api-report.mjs";

describe("the public API report", () => {
  it("lists every published package's entry points", () => {
    const names = (publicPackages() as { name: string }[]).map((p) => p.name);
    expect(names).toContain("@nhub/core");
    expect(names).not.toContain("@nhub/bench");
  });

  it("is current: run `node scripts/api-report.mjs --write` after changing an export", () => {
    const committed = readFileSync(resolve(__dirname, "../../docs/api-report.md"), "utf8");
    expect(renderApiReport()).toBe(committed);
  }, 60_000);
});

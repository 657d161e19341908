/**
 * The platform table in docs/platforms.md is the descriptors, written out: each row is read from a platform
 * package's exports (its descriptor, the `create…`/`send…` functions the descriptor points at, the names the
 * CLI accepts). A platform added, renamed or given an alias without the table following fails here.
 *
 * To rewrite the table after such a change: `NHUB_WRITE_PLATFORM_TABLE=1 pnpm vitest run --project testkit
 * test/platform-table.test.ts`, then `pnpm format`.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { expect, it } from "vitest";
import type { PlatformUnderTest } from "../src/index";
import { importSibling } from "./sibling";

const packagesDir = new URL("../../", import.meta.url);
const docUrl = new URL("../../../docs/platforms.md", import.meta.url);
const START = "<!-- platform-table:start -->";
const END = "<!-- platform-table:end -->";
const HEADER = [
  "package",
  "descriptor",
  "`nhub send` name",
  "also accepted",
  "format",
  "create",
  "send",
  "max bytes",
];

const platformDirs = [
  ...readdirSync(packagesDir)
    .filter((name) => name.startsWith("platform-"))
    .sort(),
  "template",
];

type Descriptor = PlatformUnderTest<unknown, unknown> & { readonly aliases?: readonly string[] };

function isDescriptor(value: unknown): value is Descriptor {
  return typeof value === "object" && value !== null && "specificationVersion" in value && "format" in value;
}

const code = (s: string) => `\`${s}\``;

async function expectedRows(): Promise<string[][]> {
  const rows: string[][] = [];
  for (const dir of platformDirs) {
    const exports = await importSibling<Record<string, unknown>>(dir);
    const named = (fn: unknown) =>
      Object.keys(exports)
        .filter((name) => exports[name] === fn)
        .sort()
        .map(code)
        .join(", ");
    for (const [descriptorName, d] of Object.entries(exports)) {
      if (!isDescriptor(d)) continue;
      const others = [...(d.aliases ?? []), ...(d.format === d.name ? [] : [d.format])];
      rows.push([
        code(`@nhub/${dir}`),
        code(descriptorName),
        code(d.name),
        others.map(code).join(", "),
        code(d.format),
        named(d.create),
        named(d.send),
        String(d.maxBytes),
      ]);
    }
  }
  return rows;
}

/** The cells of each row of a Markdown table, without the separator row: padding does not matter. */
function cells(table: string): string[][] {
  return table
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("|") && !/^\|[\s:|-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split("|")
        .map((cell) => cell.trim()),
    );
}

it("docs/platforms.md lists every platform descriptor with its names, as the packages export them", async () => {
  const rows = await expectedRows();
  expect(rows.length).toBeGreaterThanOrEqual(platformDirs.length);
  const doc = readFileSync(docUrl, "utf8");
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  expect(start, `docs/platforms.md has ${START}`).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  if (process.env.NHUB_WRITE_PLATFORM_TABLE === "1") {
    const line = (r: string[]) => `| ${r.join(" | ")} |`;
    const table = [line(HEADER), line(HEADER.map(() => "---")), ...rows.map(line)].join("\n");
    writeFileSync(docUrl, `${doc.slice(0, start + START.length)}\n\n${table}\n\n${doc.slice(end)}`);
    return;
  }
  expect(cells(doc.slice(start + START.length, end))).toEqual([HEADER, ...rows]);
});

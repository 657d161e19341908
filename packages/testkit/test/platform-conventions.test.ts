/**
 * Every platform package in the repository follows the conventions CONTRIBUTING.md describes, so a new one
 * cannot quietly skip them: the peer range on core, a README with an install line and an example, the
 * `create…Notification` / `send…Notification` pair, a descriptor built with `definePlatform`, and a test that
 * runs the shared conformance suite.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { PlatformUnderTest } from "../src/index";
import { importSibling } from "./sibling";

const packagesDir = new URL("../../", import.meta.url);

// The template package is a platform in all but name: it sends format `template` and runs the same suite.
const platformDirs = [
  ...readdirSync(packagesDir)
    .filter((name) => name.startsWith("platform-"))
    .sort(),
  "template",
];

interface PackageJson {
  readonly name?: string;
  readonly sideEffects?: boolean;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly dependencies?: Readonly<Record<string, string>>;
}

const read = (dir: string, file: string) => readFileSync(new URL(`${dir}/${file}`, packagesDir), "utf8");

function isDescriptor(value: unknown): value is PlatformUnderTest<unknown, unknown> {
  return typeof value === "object" && value !== null && "specificationVersion" in value && "format" in value;
}

it("finds the platform packages", () => {
  // A floor, not the list: a new platform package joins the checks below by existing.
  expect(platformDirs).toEqual(
    expect.arrayContaining([
      "platform-adm",
      "platform-apns",
      "platform-baidu",
      "platform-browser",
      "platform-fcm",
      "platform-mpns",
      "platform-wns",
      "platform-xiaomi",
      "template",
    ]),
  );
});

describe.each(platformDirs)("%s", (dir) => {
  it("peer-depends on @nhub/core ^0 and tests with @nhub/testkit", () => {
    const pkg = JSON.parse(read(dir, "package.json")) as PackageJson;
    expect(pkg.name).toBe(`@nhub/${dir}`);
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.peerDependencies?.["@nhub/core"]).toBe("workspace:^0");
    expect(pkg.dependencies?.["@nhub/core"]).toBeUndefined();
    expect(pkg.devDependencies?.["@nhub/core"]).toBe("workspace:*");
    expect(pkg.devDependencies?.["@nhub/testkit"]).toBe("workspace:*");
  });

  it("has a README with an install line and a TypeScript example that uses the package", () => {
    expect(existsSync(new URL(`${dir}/README.md`, packagesDir))).toBe(true);
    const readme = read(dir, "README.md");
    expect(readme).toContain(`npm i @nhub/core @nhub/${dir}`);
    const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples.some((code) => code.includes(`from "@nhub/${dir}"`))).toBe(true);
  });

  it("exports create…Notification, send…Notification and a descriptor of version 1 pointing at them", async () => {
    const exports = await importSibling<Record<string, unknown>>(dir);
    const creates = Object.keys(exports).filter((n) => /^create\w+Notification$/.test(n));
    const sends = Object.keys(exports).filter((n) => /^send\w+Notification$/.test(n));
    expect(creates.length).toBeGreaterThan(0);
    expect(sends.length).toBeGreaterThan(0);
    for (const name of [...creates, ...sends]) expect(typeof exports[name], name).toBe("function");
    const descriptors = Object.entries(exports).filter(([, value]) => isDescriptor(value));
    expect(descriptors.length).toBeGreaterThan(0);
    for (const [name, descriptor] of descriptors) {
      if (!isDescriptor(descriptor)) continue;
      expect(name).toMatch(/^[a-z][A-Za-z0-9]*Platform$/);
      expect(descriptor.specificationVersion).toBe(1);
      expect(Object.isFrozen(descriptor), `${name} is built with definePlatform`).toBe(true);
      expect(creates.map((n) => exports[n])).toContain(descriptor.create);
      expect(sends.map((n) => exports[n])).toContain(descriptor.send);
    }
  });

  it("runs the shared conformance suite on every descriptor it exports", async () => {
    const exports = await importSibling<Record<string, unknown>>(dir);
    const names = Object.keys(exports).filter((n) => isDescriptor(exports[n]));
    const testDir = new URL(`${dir}/test/`, packagesDir);
    const sources = readdirSync(testDir)
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => readFileSync(new URL(f, testDir), "utf8"));
    for (const name of names) {
      const runs = sources.some((text) => new RegExp(`testPlatform\\(\\s*${name}\\b`).test(text));
      expect(runs, `a test in ${dir}/test calls testPlatform(${name}, ...)`).toBe(true);
    }
  });
});

/** The root README's package table names every published package, so a new one cannot be left out of it. */
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect, it } from "vitest";

const root = resolve(__dirname, "../..");

it("lists every published package in the root README's package table", () => {
  const readme = readFileSync(resolve(root, "README.md"), "utf8");
  const table = readme.slice(
    readme.indexOf("## Packages"),
    readme.indexOf("Each package has its own README"),
  );
  const published = readdirSync(resolve(root, "packages"))
    .map((dir) => JSON.parse(readFileSync(resolve(root, "packages", dir, "package.json"), "utf8")))
    .filter((pkg) => !pkg.private)
    .map((pkg) => pkg.name as string);
  expect(published.length).toBeGreaterThan(10);
  const missing = published.filter((name) => !table.includes(`[\`${name}\`]`));
  expect(missing).toEqual([]);
});

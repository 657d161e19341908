import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

const packages = readdirSync("packages");
const examples = readdirSync("examples");

// Tests import sibling packages from source so a root run needs no prior build.
const alias = Object.fromEntries([
  // Before "@nhub/core", which would otherwise take "@nhub/core/edge" as a path under core's index.
  ["@nhub/core/edge", resolve("packages/core/src/edge.ts")],
  ...packages.map((name) => [`@nhub/${name}`, resolve(`packages/${name}/src/index.ts`)]),
]);

export default defineConfig({
  test: {
    // CI reads the counts from the JSON report; people read the default reporter.
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".vitest-report.json" }]] : ["default"],
    projects: [
      ...packages.map((name) => ({
        resolve: { alias },
        test: {
          name,
          root: `packages/${name}`,
          include: ["test/**/*.test.ts", "src/**/*.test.ts"],
          testTimeout: 20_000,
          // Vitest turns every CSS import into "" unless told otherwise; a `?raw` import is text that a
          // package inlines (the emulator's live page), as its build does.
          css: { include: [/\.css\?raw$/] },
        },
      })),
      ...examples.map((name) => ({
        resolve: { alias },
        test: {
          name: `example-${name}`,
          root: `examples/${name}`,
          include: ["test/**/*.test.ts"],
          testTimeout: 20_000,
        },
      })),
      // The release rehearsal's pure helpers (the rehearsal itself is a CI check: `pnpm rehearse`).
      // and every README example, run against the emulator (scripts/test/readme-examples.test.ts).
      {
        resolve: { alias },
        test: { name: "scripts", root: "scripts", include: ["test/**/*.test.ts"], testTimeout: 20_000 },
      },
    ],
  },
});

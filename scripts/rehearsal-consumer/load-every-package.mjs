// Loads each package named on the command line with both require() and import(), as the release rehearsal's
// last project installs them, and checks both builds export the same names.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const problems = [];
for (const name of process.argv.slice(2)) {
  try {
    const cjs = Object.keys(require(name)).sort();
    const esm = Object.keys(await import(name))
      .filter((key) => key !== "default")
      .sort();
    if (esm.length === 0) problems.push(`${name}: exports nothing`);
    const onlyCjs = cjs.filter((key) => !esm.includes(key));
    const onlyEsm = esm.filter((key) => !cjs.includes(key));
    if (onlyCjs.length > 0 || onlyEsm.length > 0) {
      problems.push(`${name}: require() alone has [${onlyCjs}], import() alone has [${onlyEsm}]`);
    }
  } catch (error) {
    problems.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`${process.argv.length - 2} packages load with require() and import(), with the same exports`);

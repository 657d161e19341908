// Pure helpers of the release rehearsal (scripts/release-rehearsal.mjs), kept apart so they can be unit-tested.
import { createHmac, timingSafeEqual } from "node:crypto";
import { gunzipSync } from "node:zlib";

/** Dependency protocols only the workspace understands; `pnpm pack` must have rewritten each of them. */
const WORKSPACE_ONLY = /^(workspace|catalog|link):/;

/**
 * Every place in a packed manifest where a workspace-only range survived, as `path: value` lines.
 * `npm i` refuses `workspace:` anywhere in a dependency map, so any of these makes the tarball uninstallable.
 * @param {unknown} manifest the parsed package.json of a tarball
 * @returns {string[]}
 */
export function workspaceLeftovers(manifest) {
  /** @type {string[]} */
  const found = [];
  const visit = (/** @type {unknown} */ value, /** @type {string} */ path) => {
    if (typeof value === "string") {
      if (WORKSPACE_ONLY.test(value) || value.includes("workspace:")) found.push(`${path}: ${value}`);
    } else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, `${path}[${index}]`);
    } else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        if (key.startsWith("workspace:")) found.push(`${path ? `${path}.` : ""}${key} (a key)`);
        visit(item, path ? `${path}.${key}` : key);
      }
    }
  };
  visit(manifest, "");
  return found;
}

/**
 * What a published manifest must say beyond publint's checks: a real version, a Node engines range, and
 * dependencies npm can resolve (no workspace-only ranges).
 * @param {{ name?: unknown, version?: unknown, engines?: { node?: unknown }, private?: unknown }} manifest
 * @returns {string[]} one line per problem; empty when the manifest is publishable
 */
export function manifestProblems(manifest) {
  const problems = workspaceLeftovers(manifest);
  if (typeof manifest.name !== "string" || manifest.name === "") problems.push("name: missing");
  if (typeof manifest.version !== "string" || !/^\d+\.\d+\.\d+(?:-[\w.-]+)?$/.test(manifest.version)) {
    problems.push(`version: not a release version (${JSON.stringify(manifest.version)})`);
  }
  if (typeof manifest.engines?.node !== "string") problems.push("engines.node: missing");
  if (manifest.private === true) problems.push("private: a private package was packed for publishing");
  return problems;
}

/**
 * One file of a gzipped tar archive (what `npm pack`/`pnpm pack` write), or `undefined` when absent.
 * Reads ustar headers only (name plus prefix), which is all pack tools emit for paths under 255 characters.
 * @param {Uint8Array} tgz
 * @param {string} path e.g. `package/package.json`
 * @returns {Buffer | undefined}
 */
export function readTarEntry(tgz, path) {
  const tar = gunzipSync(tgz);
  const field = (/** @type {number} */ start, /** @type {number} */ length) => {
    const raw = tar.subarray(start, start + length);
    const end = raw.indexOf(0);
    return raw.subarray(0, end === -1 ? length : end).toString("utf8");
  };
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const name = field(offset, 100);
    if (name === "") return undefined; // the two zero blocks that end an archive
    const prefix =
      tar.subarray(offset + 257, offset + 262).toString("latin1") === "ustar" ? field(offset + 345, 155) : "";
    const size = Number.parseInt(field(offset + 124, 12).trim() || "0", 8);
    const type = field(offset + 156, 1);
    const fullName = prefix ? `${prefix}/${name}` : name;
    const start = offset + 512;
    if ((type === "" || type === "0") && fullName === path) return tar.subarray(start, start + size);
    offset = start + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

/**
 * Checks an `Authorization` header the way the service does: a SAS token signed with `key`, not expired, for a
 * resource that prefixes `url`.
 * @param {string | undefined} authorization
 * @param {{ url: string, keyName: string, key: string, nowSeconds: number }} expected
 * @returns {string | undefined} why the token is refused, or `undefined` when it is valid
 */
export function sasProblem(authorization, { url, keyName, key, nowSeconds }) {
  const scheme = "SharedAccessSignature ";
  if (typeof authorization !== "string" || !authorization.startsWith(scheme)) {
    return "no SharedAccessSignature Authorization header";
  }
  const fields = new Map();
  for (const part of authorization.slice(scheme.length).split("&")) {
    const at = part.indexOf("=");
    if (at > 0) fields.set(part.slice(0, at), part.slice(at + 1));
  }
  const sr = fields.get("sr");
  const sig = fields.get("sig");
  const se = fields.get("se");
  const skn = fields.get("skn");
  if (!sr || !sig || !se || !skn) return "the token lacks one of sr, sig, se, skn";
  if (decodeURIComponent(skn) !== keyName) return "the token names another key";
  const expected = createHmac("sha256", key).update(`${sr}\n${se}`, "utf8").digest();
  const given = Buffer.from(decodeURIComponent(sig), "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return "the signature does not match";
  if (!(Number(se) > nowSeconds)) return "the token has expired";
  if (!url.toLowerCase().startsWith(decodeURIComponent(sr).toLowerCase())) {
    return "the token's resource is not a prefix of the request URL";
  }
  return undefined;
}

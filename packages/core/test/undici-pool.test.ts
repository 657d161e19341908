import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Pool as UndiciPool } from "undici";
import { describe, expect, it } from "vitest";
import { Pool } from "../src/undici-pool";

const run = promisify(execFile);
const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// core loads undici's pool from its file (see src/undici-pool.ts); an undici update that moves or replaces that
// file must fail here, not in a user's first send.
describe("undici's Pool, loaded from its own file", () => {
  it("is the class undici exports, in ESM and in CommonJS", () => {
    expect(Pool).toBe(UndiciPool);
    const require = createRequire(import.meta.url);
    expect(require("undici/lib/dispatcher/pool.js")).toBe(require("undici").Pool);
  });

  it("sends on its own, without undici's index loaded", async () => {
    // A fresh process, as a user's cold start is: the pool's file alone must carry a request and its response.
    const child = `
      const http = require("node:http");
      const Pool = require("undici/lib/dispatcher/pool.js");
      const indexLoaded = () => Object.keys(require.cache).some((f) => /undici[\\\\/]index\\.js$/.test(f));
      const server = http.createServer((req, res) => { req.resume(); res.writeHead(201); res.end("sent"); });
      server.listen(0, "127.0.0.1", () => {
        const pool = new Pool("http://127.0.0.1:" + server.address().port);
        let status = 0;
        let body = "";
        pool.dispatch({ path: "/hub/messages", method: "POST", body: "{}" }, {
          onRequestStart() {},
          onResponseStart(_c, s) { status = s; },
          onResponseData(_c, chunk) { body += chunk; },
          onResponseEnd() {
            console.log(JSON.stringify({ status, body, indexLoaded: indexLoaded() }));
            pool.close().then(() => server.close());
          },
          onResponseError(_c, error) { console.error(error); process.exit(1); },
        });
      });`;
    const { stdout } = await run(process.execPath, ["-e", child], { cwd: packageDir });
    expect(JSON.parse(stdout)).toEqual({ status: 201, body: "sent", indexLoaded: false });
  });
});

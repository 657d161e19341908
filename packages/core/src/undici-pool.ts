/**
 * undici's `Pool`, loaded alone. `import { Pool } from "undici"` runs undici's whole index (fetch, WebSocket,
 * EventSource, the mock and cache layers), which took about three times as long as the pool's own modules at a
 * cold start on the bench machine; a send needs only the pool and the dispatch API it already has.
 *
 * undici publishes no `exports` map, so the file path is reachable; `test/undici-pool.test.ts` fails if an undici
 * update moves it or makes it a class other than the one undici exports.
 */
import type { Pool as UndiciPool } from "undici";
import PoolFromFile from "undici/lib/dispatcher/pool.js";

/** undici's `Pool` class, the same one `import { Pool } from "undici"` gives. */
export const Pool: typeof UndiciPool = PoolFromFile;

// undici ships types for its index only; this is the one internal file core loads (see undici-pool.ts).
declare module "undici/lib/dispatcher/pool.js" {
  import type { Pool } from "undici";

  const PoolFromFile: typeof Pool;
  export default PoolFromFile;
}

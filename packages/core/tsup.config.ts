import { defineConfig } from "tsup";
import { preset } from "../../tsup.preset";

// Two entries: `@nhub/core` (Node: undici, Node's crypto, diagnostics_channel) and `@nhub/core/edge` (fetch and
// WebCrypto, no Node built-in). Splitting puts what they share in common chunks, so each loads only its own.
export default defineConfig({ ...preset, entry: ["src/index.ts", "src/edge.ts"] });

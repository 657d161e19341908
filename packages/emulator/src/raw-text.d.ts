// A file imported with `?raw` is its text (Vite in tests, the raw-text esbuild plugin of tsup.config.ts in the build).
declare module "*?raw" {
  const text: string;
  export default text;
}

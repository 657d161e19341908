/**
 * A progress bar for long runs. On a terminal it redraws one line in place (`\r`), at most every 50 ms; when the
 * stream is a file or a pipe (CI logs) it prints a plain line at every 10 %, so logs stay readable.
 */

const WIDTH = 30;
const REDRAW_MS = 50;

/**
 * @param {object} options
 * @param {string} options.label what is being counted, e.g. "sending"
 * @param {number} options.total how many items there are (at least 1)
 * @param {NodeJS.WriteStream | import("node:stream").Writable} [options.stream] default `process.stderr`
 * @returns {{ update(progress: { done: number, failed: number }): void }}
 */
export function createProgressBar({ label, total, stream = process.stderr }) {
  const tty = "isTTY" in stream && stream.isTTY === true;
  let lastDraw = 0;
  let lastTenth = -1;
  return {
    update({ done, failed }) {
      const finished = done >= total;
      if (tty) {
        const now = Date.now();
        if (!finished && now - lastDraw < REDRAW_MS) return;
        lastDraw = now;
        stream.write(`\r${line(label, done, total, failed)}${finished ? "\n" : ""}`);
        return;
      }
      const tenth = Math.floor((done / total) * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      stream.write(`${line(label, done, total, failed)}\n`);
    },
  };
}

function line(label, done, total, failed) {
  const filled = Math.round((done / total) * WIDTH);
  const percent = String(Math.floor((done / total) * 100)).padStart(3);
  const count = `${String(done).padStart(String(total).length)}/${total}`;
  return `${label} [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${percent}% ${count}${failed ? `  ${failed} failed` : ""}`;
}

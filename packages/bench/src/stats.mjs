// Small statistics over rounds: medians with their spread, and paired ratios.

/** The numbers that are finite, sorted ascending. */
function finiteSorted(values) {
  return values.filter((v) => typeof v === "number" && Number.isFinite(v)).sort((a, b) => a - b);
}

/** The median (mean of the two middle values for an even count), or NaN for no values. */
export function median(values) {
  const s = finiteSorted(values);
  if (s.length === 0) return Number.NaN;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Median, minimum and maximum of per-round values, and the spread as a fraction of the median:
 * (max - min) / median.
 *
 * @param {number[]} values
 * @returns {{ median: number, min: number, max: number, spread: number, n: number }}
 */
export function summarize(values) {
  const s = finiteSorted(values);
  const m = median(s);
  const min = s.length ? s[0] : Number.NaN;
  const max = s.length ? s[s.length - 1] : Number.NaN;
  return { median: m, min, max, spread: m ? (max - min) / m : Number.NaN, n: s.length };
}

/**
 * Per-round ratios a[i] / b[i] of two paired series (same round, adjacent windows), summarised. Pairing cancels
 * the drift between rounds that comparing two medians would keep.
 */
export function pairedRatio(a, b) {
  const ratios = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (Number.isFinite(a[i]) && Number.isFinite(b[i]) && b[i] !== 0) ratios.push(a[i] / b[i]);
  }
  return summarize(ratios);
}

/** The p-quantile (nearest rank) of unsorted values. */
export function percentile(values, p) {
  const s = finiteSorted(values);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}

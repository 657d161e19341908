import { describe, expect, it } from "vitest";
import { fmtSummary } from "../src/report.mjs";
import { median, pairedRatio, percentile, summarize } from "../src/stats.mjs";

describe("stats", () => {
  it("takes the median of odd and even counts and ignores non-finite values", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, Number.NaN, Number.POSITIVE_INFINITY, 1])).toBe(3);
    expect(median([])).toBeNaN();
  });

  it("summarises rounds as median, range and relative spread", () => {
    expect(summarize([90, 100, 110])).toEqual({ median: 100, min: 90, max: 110, spread: 0.2, n: 3 });
  });

  it("pairs ratios round by round, so drift shared by both series cancels", () => {
    // The machine slows down by half between rounds; each round's ratio is still exactly 0.9.
    const floor = [1000, 500, 250];
    const nhub = [900, 450, 225];
    const r = pairedRatio(nhub, floor);
    expect(r.median).toBeCloseTo(0.9, 12);
    expect(r.max - r.min).toBeCloseTo(0, 12);
  });

  it("skips rounds where the denominator is zero or missing", () => {
    expect(pairedRatio([1, 2, 3], [0, 1]).n).toBe(1);
  });

  it("reads percentiles by nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile(values, 1)).toBe(100);
  });

  it("prints a single round without a range and several with one", () => {
    expect(fmtSummary([6512.4])).toBe("6,512");
    expect(fmtSummary([6300, 6512, 6700])).toBe("6,512 (6,300-6,700)");
    expect(fmtSummary([])).toBe("n/a");
  });
});

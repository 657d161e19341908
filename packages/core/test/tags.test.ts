import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  matchesTagExpression,
  parseTagExpression,
  printTagExpression,
  type TagExpression,
  toTagExpression,
  ValidationError,
} from "../src/index";

const tagName = fc.constantFrom("a", "b", "c", "sports", "user_1", "lang:en", "$UserId:{ann}", "x.y-z@#");

/** Canonical trees: no and/or node directly holds a node of its own kind, at most 6 tags. */
const tree: fc.Arbitrary<TagExpression> = fc
  .letrec<{ e: TagExpression }>((tie) => ({
    e: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      tagName.map((name) => ({ type: "tag", name }) as const),
      tie("e").map((operand) => ({ type: "not", operand }) as const),
      fc.array(tie("e"), { minLength: 2, maxLength: 3 }).map((ops) => flatten("and", ops)),
      fc.array(tie("e"), { minLength: 2, maxLength: 3 }).map((ops) => flatten("or", ops)),
    ),
  }))
  .e.filter((e) => countTags(e) <= 6);

function flatten(type: "and" | "or", ops: TagExpression[]): TagExpression {
  return { type, operands: ops.flatMap((o) => (o.type === type ? o.operands : [o])) };
}
function countTags(e: TagExpression): number {
  if (e.type === "tag") return 1;
  if (e.type === "not") return countTags(e.operand);
  return e.operands.reduce((n, o) => n + countTags(o), 0);
}

/** Reference semantics written independently of the library: evaluate the printed text with JS operators. */
function referenceEval(source: string, tags: ReadonlySet<string>): boolean {
  const js = source.replace(/[^\s()!&|]+/g, (t) => (tags.has(t) ? "true" : "false"));
  return Function(`"use strict"; return (${js});`)() as boolean;
}

describe("tag expressions", () => {
  it("print then parse is the identity", () => {
    fc.assert(
      fc.property(tree, (e) => {
        expect(parseTagExpression(printTagExpression(e))).toEqual(e);
      }),
    );
  });

  it("the evaluator agrees with a reference evaluator", () => {
    fc.assert(
      fc.property(
        tree,
        fc.subarray(["a", "b", "c", "sports", "user_1", "lang:en", "$UserId:{ann}", "x.y-z@#"]),
        (e, has) => {
          const source = printTagExpression(e);
          const set = new Set(has);
          expect(matchesTagExpression(parseTagExpression(source), set)).toBe(referenceEval(source, set));
        },
      ),
    );
  });

  it("binds ! tighter than && tighter than ||", () => {
    expect(parseTagExpression("a || b && !c")).toEqual({
      type: "or",
      operands: [
        { type: "tag", name: "a" },
        {
          type: "and",
          operands: [
            { type: "tag", name: "b" },
            { type: "not", operand: { type: "tag", name: "c" } },
          ],
        },
      ],
    });
    expect(printTagExpression(parseTagExpression("(a || b) && c"))).toBe("(a || b) && c");
    expect(printTagExpression(parseTagExpression("!(a&&b)"))).toBe("!(a && b)");
  });

  it("accepts 20 OR-ed tags but only 6 once && or ! appears", () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);
    expect(() => parseTagExpression(tags(20).join(" || "))).not.toThrow();
    expect(() => parseTagExpression(`(${tags(20).join(" || ")})`)).not.toThrow();
    expect(() => parseTagExpression(tags(21).join(" || "))).toThrow(/21 tags.*20/);
    expect(() => parseTagExpression(tags(6).join(" && "))).not.toThrow();
    expect(() => parseTagExpression(`${tags(6).join(" || ")} && x`)).toThrow(/7 tags.*6/);
    expect(() => parseTagExpression(`!${tags(7).join(" || ")}`)).toThrow(ValidationError);
  });

  it.each([
    ["", "required"],
    ["a &", "syntax"],
    ["a || || b", "syntax"],
    ["(a", "syntax"],
    ["a)", "syntax"],
    ["a b", "syntax"],
    ["!", "syntax"],
    ["a,b", "characters"],
    ["$Other:{x}", "characters"],
    ["x".repeat(121), "max-length"],
  ])("rejects %j (%s)", (source, rule) => {
    try {
      parseTagExpression(source);
      expect.unreachable();
    } catch (e) {
      expect(ValidationError.isInstance(e)).toBe(true);
      expect((e as ValidationError).rule).toBe(rule);
      expect((e as ValidationError).field).toBe("tags");
    }
  });

  it("allows the system tags and the full tag alphabet", () => {
    expect(toTagExpression("$InstallationId:{abc-123} || $UserId:{ann@example.com}")).toBe(
      "$InstallationId:{abc-123} || $UserId:{ann@example.com}",
    );
    expect(toTagExpression("Az09_@#.:-")).toBe("Az09_@#.:-");
  });

  it("refuses an iterable that holds an expression rather than a tag, and more than 20 tags", () => {
    expect(() => toTagExpression(["a || b"])).toThrow(ValidationError);
    expect(() => toTagExpression(Array.from({ length: 21 }, (_, i) => `t${i}`))).toThrow(/21 tags/);
    expect(toTagExpression(undefined)).toBeUndefined();
  });
});

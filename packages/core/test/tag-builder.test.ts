import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  and,
  matchesTagExpression,
  not,
  or,
  parseTagExpression,
  printTagExpression,
  type TagExpression,
  tag,
  toTagExpression,
  ValidationError,
} from "../src/index";
import { apple, expectValidation, useRecordingHub } from "./recording-hub";

const setup = useRecordingHub();
const t = (name: string): TagExpression => ({ type: "tag", name });
const names = (n: number, prefix = "t") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe("tag builder", () => {
  it("builds flattened trees", () => {
    expect(and("a", or("b", "c"), not("d"))).toEqual({
      type: "and",
      operands: [t("a"), { type: "or", operands: [t("b"), t("c")] }, { type: "not", operand: t("d") }],
    });
    expect(and(and("a", "b"), "c", and(tag("d")))).toEqual({
      type: "and",
      operands: [t("a"), t("b"), t("c"), t("d")],
    });
    expect(or(or("a", "b"), or("c", "d"))).toEqual({
      type: "or",
      operands: [t("a"), t("b"), t("c"), t("d")],
    });
    expect(or("a")).toEqual(t("a"));
    const inner = and("a", "b");
    expect(or(inner)).toBe(inner);
    expect(not(not("a"))).toEqual({ type: "not", operand: { type: "not", operand: t("a") } });
  });

  it("returns frozen nodes and never freezes the caller's own", () => {
    const built = and("a", or("b", "c"));
    expect(Object.isFrozen(built)).toBe(true);
    expect(Object.isFrozen(built.type === "and" && built.operands)).toBe(true);
    expect(Object.isFrozen(tag("x"))).toBe(true);
    const mine: TagExpression = { type: "or", operands: [t("a"), t("b")] };
    expect(and(mine)).toBe(mine);
    expect(Object.isFrozen(mine)).toBe(false);
  });

  it("parenthesises every compound operand when asked, and minimally by default", () => {
    const e = and("a", or("b", "c"), not("d"), not(and("e", "f")));
    expect(printTagExpression(e, { parenthesize: "always" })).toBe("a && (b || c) && (!d) && (!(e && f))");
    expect(printTagExpression(e)).toBe("a && (b || c) && !d && !(e && f)");
    expect(printTagExpression(or(and("a", "b"), "c"), { parenthesize: "always" })).toBe("(a && b) || c");
    expect(printTagExpression(or(and("a", "b"), "c"))).toBe("a && b || c");
    expect(printTagExpression(not(not("a")), { parenthesize: "always" })).toBe("!(!a)");
    expect(printTagExpression(tag("a"), { parenthesize: "always" })).toBe("a");
    expect(printTagExpression(not("a"), { parenthesize: "always" })).toBe("!a");
  });

  it("checks the 20/6 limits as soon as an expression is built", () => {
    expect(() => or(...names(20))).not.toThrow();
    expect(() => or(or(...names(10)), or(...names(10, "u")))).not.toThrow();
    expect(() => or(...names(21))).toThrow(/21 tags.*20/);
    expect(() => and(...names(6))).not.toThrow();
    expect(() => and(...names(7))).toThrow(/7 tags.*6/);
    expect(() => and(or(...names(5)), "x")).not.toThrow();
    const twenty = or(...names(20));
    expect(() => and(twenty, "x")).toThrow(ValidationError);
    expect(() => not(twenty)).toThrow(/20 tags.*6/);
    try {
      or(...names(21));
    } catch (e) {
      expect(e).toMatchObject({ field: "tags", rule: "max-tags" });
    }
  });

  it("refuses no operands, bad tags and operands that are not expressions", async () => {
    await expectValidation(() => and(), "tags", "required");
    await expectValidation(() => or(), "tags", "required");
    await expectValidation(() => tag("a b"), "tags", "characters");
    await expectValidation(() => and("a", "b||c"), "tags", "characters");
    await expectValidation(() => tag(""), "tags", "required");
    await expectValidation(() => not("x".repeat(121)), "tags", "max-length");
    await expectValidation(() => and("a", 5 as never), "tags", "type");
    await expectValidation(() => or(null as never), "tags", "type");
  });

  it("takes system tags", () => {
    expect(
      printTagExpression(and("$InstallationId:{abc-1}", not("$UserId:{ann}")), { parenthesize: "always" }),
    ).toBe("$InstallationId:{abc-1} && (!$UserId:{ann})");
  });
});

describe("TagExpression objects as the tags option", () => {
  it("sends a built expression fully parenthesised", async () => {
    const { server, hub } = await setup();
    await hub.send(apple, { tags: or(and("sports", not("politics")), "breaking") });
    await hub.send(apple, { tags: tag("solo") });
    expect(server.requests.map((r) => r.headers["servicebusnotification-tags"])).toEqual([
      "(sports && (!politics)) || breaking",
      "solo",
    ]);
  });

  it("checks hand-made trees before sending", async () => {
    const { server, hub } = await setup();
    await expectValidation(() => hub.send(apple, { tags: t("a b") }), "tags", "characters");
    await expectValidation(() => hub.send(apple, { tags: { type: "or", operands: [] } }), "tags", "type");
    await expectValidation(() => hub.send(apple, { tags: { type: "xor" } as never }), "tags", "type");
    await expectValidation(() => hub.send(apple, { tags: { type: "not" } as never }), "tags", "type");
    await expectValidation(
      () => hub.send(apple, { tags: { type: "and", operands: names(7).map(t) } }),
      "tags",
      "max-tags",
    );
    await expectValidation(() => hub.send(apple, { tags: 42 as never }), "tags", "type");
    expect(server.requests).toHaveLength(0);
    expect(
      toTagExpression({ type: "and", operands: [{ type: "and", operands: [t("a"), t("b")] }, t("c")] }),
    ).toBe("(a && b) && c");
  });
});

/** A builder call, generated: the builder is run on it and its result compared with an independent model. */
type Program =
  | { readonly op: "tag"; readonly name: string }
  | { readonly op: "name"; readonly name: string }
  | { readonly op: "not"; readonly operand: Program }
  | { readonly op: "and" | "or"; readonly operands: readonly Program[] };

const TAGS = ["a", "b", "c", "sports", "user_1", "lang:en", "$UserId:{ann}", "x.y-z@#"];
const program: fc.Arbitrary<Program> = fc.letrec<{ p: Program }>((tie) => ({
  p: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    {
      arbitrary: fc.record({
        op: fc.constantFrom("tag" as const, "name" as const),
        name: fc.constantFrom(...TAGS),
      }),
      weight: 2,
    },
    { arbitrary: tie("p").map((operand) => ({ op: "not" as const, operand })), weight: 1 },
    {
      arbitrary: fc.record({
        op: fc.constantFrom("and" as const, "or" as const),
        operands: fc.array(tie("p"), { minLength: 1, maxLength: 4 }),
      }),
      weight: 3,
    },
  ),
})).p;

function run(p: Program): string | TagExpression {
  if (p.op === "name" || p.op === "tag") return p.op === "name" ? p.name : tag(p.name);
  if (p.op === "not") return not(run(p.operand));
  return p.op === "and" ? and(...p.operands.map(run)) : or(...p.operands.map(run));
}

function model(p: Program): TagExpression {
  if (p.op === "name" || p.op === "tag") return t(p.name);
  if (p.op === "not") return { type: "not", operand: model(p.operand) };
  const ops = p.operands.map(model);
  if (ops.length === 1) return ops[0]!;
  return { type: p.op, operands: ops.flatMap((o) => (o.type === p.op ? o.operands : [o])) };
}

function count(e: TagExpression): number {
  if (e.type === "tag") return 1;
  if (e.type === "not") return count(e.operand);
  return e.operands.reduce((n, o) => n + count(o), 0);
}
const orOnly = (e: TagExpression): boolean =>
  e.type === "tag" || (e.type === "or" && e.operands.every(orOnly));

/** Evaluates printed text with JavaScript's own operators, which share the grammar's precedence. */
function referenceEval(source: string, tags: ReadonlySet<string>): boolean {
  const js = source.replace(/[^\s()!&|]+/g, (x) => (tags.has(x) ? "true" : "false"));
  return Function(`"use strict"; return (${js});`)() as boolean;
}

describe("tag builder properties", () => {
  it("builds the modelled tree, throws exactly beyond the limits, and its printed text parses back to it", () => {
    fc.assert(
      fc.property(program, fc.subarray(TAGS), (p, has) => {
        const expected = model(p);
        const limit = orOnly(expected) ? 20 : 6;
        const top = (): TagExpression => {
          const r = run(p);
          return typeof r === "string" ? tag(r) : r;
        };
        if (count(expected) > limit) {
          expect(top).toThrow(/the service allows/);
          return;
        }
        const built = top();
        expect(built).toEqual(expected);
        const text = printTagExpression(built, { parenthesize: "always" });
        const parsed = parseTagExpression(text);
        expect(parsed).toEqual(built);
        const set = new Set(has);
        const truth = matchesTagExpression(built, set);
        expect(matchesTagExpression(parsed, set)).toBe(truth);
        expect(referenceEval(text, set)).toBe(truth);
        expect(referenceEval(printTagExpression(built), set)).toBe(truth);
      }),
      { numRuns: 500 },
    );
  });
});

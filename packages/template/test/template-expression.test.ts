import { ValidationError } from "@nhub/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  encodeUriComponentStrict,
  evaluateTemplateExpression,
  isTemplateExpression,
  parseTemplateExpression,
  TemplateSyntaxError,
} from "../src/index";

// The properties of the vectors in protocol.md, "Template expressions".
const VECTOR_PROPERTIES = {
  message: "Hello",
  Name: "Ann",
  title: "This is the title line",
  badge: "40",
  neg: "-1",
  url: "a b&c",
};

const str = (value: string) => ({ kind: "string", value });
const num = (value: string) => ({ kind: "number", value });

function syntaxError(source: string): TemplateSyntaxError {
  try {
    parseTemplateExpression(source);
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    return error as TemplateSyntaxError;
  }
  throw new Error(`${source} parsed`);
}

describe("protocol.md vectors", () => {
  it.each([
    ["$(name)", str("Ann")],
    ["$(missing)", str("")],
    ["$(title,4)", str("This")],
    [".(title,20)", str("This is the title...")],
    ["%(url)", str("a%20b%26c")],
    ["#(badge)", num("40")],
    ["#(neg)", str("-1")],
    ["{'It''s ' + $(name)}", str("It's Ann")],
  ])("%s", (source, expected) => {
    expect(evaluateTemplateExpression(source, VECTOR_PROPERTIES)).toEqual(expected);
    expect(evaluateTemplateExpression(parseTemplateExpression(source), VECTOR_PROPERTIES)).toEqual(expected);
  });

  it("{#(badge)+'x'} is a syntax error: no # inside {}", () => {
    const error = syntaxError("{#(badge)+'x'}");
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe("template");
    expect(error.rule).toBe("template-syntax");
    expect(error.message).toContain("#(...) cannot be used inside {...}");
    expect(error.message).toContain("position 2");
    expect(() => evaluateTemplateExpression("{#(badge)+'x'}", VECTOR_PROPERTIES)).toThrow(
      TemplateSyntaxError,
    );
  });

  it(".(title) is a syntax error: missing length", () => {
    const error = syntaxError(".(title)");
    expect(error.rule).toBe("template-syntax");
    expect(error.message).toContain(".(title) needs a length");
    expect(error.message).toContain("position 1");
  });

  it('"Hello $(x)" is not an expression', () => {
    expect(isTemplateExpression("Hello $(x)")).toBe(false);
  });
});

describe("isTemplateExpression", () => {
  it("is true exactly when the first character is $ # . % or {", () => {
    for (const s of ["$(a)", "#(a)", ".(a,5)", "%(a)", "{'a'}", "$", "{"])
      expect(isTemplateExpression(s)).toBe(true);
    for (const s of ["", " $(a)", "a$(a)", "'lit'", '"lit"', "(a)", "Hello $(x)"]) {
      expect(isTemplateExpression(s)).toBe(false);
    }
  });
});

describe("parseTemplateExpression", () => {
  it("builds the tree", () => {
    expect(parseTemplateExpression("$(a)")).toEqual({ type: "value", name: "a" });
    expect(parseTemplateExpression("$(a,7)")).toEqual({ type: "value", name: "a", maxLength: 7 });
    expect(parseTemplateExpression(".(a,7)")).toEqual({ type: "ellipsis", name: "a", maxLength: 7 });
    expect(parseTemplateExpression("%(a)")).toEqual({ type: "uri", name: "a" });
    expect(parseTemplateExpression("#(a)")).toEqual({ type: "number", name: "a" });
    expect(parseTemplateExpression(`{ 'x' + "y" + $(a) + .(b,5) + %(c) }`)).toEqual({
      type: "concat",
      parts: [
        { type: "literal", value: "x" },
        { type: "literal", value: "y" },
        { type: "value", name: "a" },
        { type: "ellipsis", name: "b", maxLength: 5 },
        { type: "uri", name: "c" },
      ],
    });
  });

  it("allows whitespace around names, commas and numbers", () => {
    expect(parseTemplateExpression("$( a , 3 )")).toEqual({ type: "value", name: "a", maxLength: 3 });
    expect(parseTemplateExpression("{\t$(a)\n+\r'b' }")).toEqual({
      type: "concat",
      parts: [
        { type: "value", name: "a" },
        { type: "literal", value: "b" },
      ],
    });
  });

  it("reads doubled quotes in literals", () => {
    expect(parseTemplateExpression(`{'a''b' + "c""d" + '"' + "'" + ''}`)).toEqual({
      type: "concat",
      parts: [
        { type: "literal", value: "a'b" },
        { type: "literal", value: 'c"d' },
        { type: "literal", value: '"' },
        { type: "literal", value: "'" },
        { type: "literal", value: "" },
      ],
    });
  });

  it.each([
    ["", "expected an expression to start with"],
    ["Hello", "expected an expression to start with"],
    ["'lit'", "expected an expression to start with"],
    ["$", 'expected "(" but found the end at position 2'],
    ["$a", 'expected "(" but found "a"'],
    ["$ (a)", 'expected "(" but found " "'],
    ["$()", "expected a property name"],
    ["$(a-b)", 'expected ")" but found "-"'],
    ["$(a", 'expected ")" but found the end'],
    ["$(a,)", "expected a length"],
    ["$(a,-1)", "expected a length"],
    ["$(a,1.5)", 'expected ")" but found "."'],
    ["$(a) ", "expected the end of the expression"],
    ["$(a)$(b)", "expected the end of the expression"],
    ["%(a,3)", "%(name) takes no length"],
    ["#(a,3)", "#(name) takes no length"],
    [".(a,2)", "at least 3"],
    [".(a,99999999999999999999)", "too large"],
    ["{}", "expected a property reference"],
    ["{$(a)", 'expected "+" or "}" but found the end'],
    ["{$(a) $(b)}", 'expected "+" or "}"'],
    ["{$(a)+}", "expected a property reference"],
    ["{{$(a)}}", "cannot be nested"],
    ["{'abc}", "missing its closing '"],
    ["{'a' + #(b)}", "#(...) cannot be used inside {...}"],
    ["{$(a)} x", "expected the end of the expression"],
  ])("refuses %j", (source, message) => {
    const error = syntaxError(source);
    expect(error.message).toContain(message);
    expect(error.message).toContain(JSON.stringify(source));
  });

  it("names the template-syntax error in a way that works across package copies", () => {
    const error = syntaxError("$(");
    expect(TemplateSyntaxError.isInstance(error)).toBe(true);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(TemplateSyntaxError.isInstance(new ValidationError("template", "x", "y"))).toBe(false);
    expect(error.name).toBe("TemplateSyntaxError");
  });
});

describe("evaluateTemplateExpression", () => {
  it("matches names case-insensitively, preferring the exact spelling", () => {
    expect(evaluateTemplateExpression("$(NAME)", { name: "a" })).toEqual(str("a"));
    expect(evaluateTemplateExpression("$(Name)", { name: "a", Name: "b" })).toEqual(str("b"));
    expect(evaluateTemplateExpression("$(NAME)", { name: "a", Name: "b" })).toEqual(str("a"));
  });

  it("#() is a number only for the JSON-number-without-sign shape", () => {
    for (const n of [
      "0",
      "7",
      "40",
      "1.5",
      "0.25",
      "1e5",
      "1E+5",
      "2.5e-3",
      "123456789012345678901234567890",
    ]) {
      expect(evaluateTemplateExpression("#(n)", { n })).toEqual(num(n));
    }
    for (const s of [
      "",
      "-1",
      "+1",
      "01",
      "1.",
      ".5",
      "1e",
      "1e+",
      "0x10",
      " 1",
      "1 ",
      "NaN",
      "Infinity",
      "1_000",
      "١",
    ]) {
      expect(evaluateTemplateExpression("#(n)", { n: s })).toEqual(str(s));
    }
  });

  it("$(p,n) takes the first n code units and never splits a surrogate pair", () => {
    expect(evaluateTemplateExpression("$(a,0)", { a: "abc" })).toEqual(str(""));
    expect(evaluateTemplateExpression("$(a,3)", { a: "abc" })).toEqual(str("abc"));
    expect(evaluateTemplateExpression("$(a,9)", { a: "abc" })).toEqual(str("abc"));
    // "a😀b": the emoji is two code units, so 2 units would split it.
    expect(evaluateTemplateExpression("$(a,2)", { a: "a😀b" })).toEqual(str("a"));
    expect(evaluateTemplateExpression("$(a,3)", { a: "a😀b" })).toEqual(str("a😀"));
  });

  it(".(p,n) adds ... only when the value is longer than n", () => {
    expect(evaluateTemplateExpression(".(a,5)", { a: "12345" })).toEqual(str("12345"));
    expect(evaluateTemplateExpression(".(a,5)", { a: "123456" })).toEqual(str("12..."));
    expect(evaluateTemplateExpression(".(a,3)", { a: "1234" })).toEqual(str("..."));
    expect(evaluateTemplateExpression(".(a,4)", { a: "😀😀😀" })).toEqual(str("..."));
    expect(evaluateTemplateExpression(".(a,5)", { a: "😀😀😀" })).toEqual(str("😀..."));
  });

  it("%() encodes RFC 3986 strictly, including ! ' ( ) *", () => {
    expect(evaluateTemplateExpression("%(u)", { u: "A-Z_a.z~0 9!'()*/?#[]@$&+,;=:%é😀" })).toEqual(
      str("A-Z_a.z~0%209%21%27%28%29%2A%2F%3F%23%5B%5D%40%24%26%2B%2C%3B%3D%3A%25%C3%A9%F0%9F%98%80"),
    );
    expect(encodeUriComponentStrict("\ud800x")).toBe("%EF%BF%BDx");
  });

  it("concatenates terms with lengths and encodings applied", () => {
    expect(
      evaluateTemplateExpression("{$(a,2) + '-' + .(b,4) + '-' + %(c) + '-' + $(missing)}", {
        a: "abc",
        b: "defgh",
        c: "x y",
      }),
    ).toEqual(str("ab-d...-x%20y-"));
  });

  it("refuses non-string property values and non-objects", () => {
    const bad = { n: 40 } as unknown as Record<string, string>;
    expect(() => evaluateTemplateExpression("$(n)", bad)).toThrow(
      expect.objectContaining({ field: "properties.n", rule: "string-value" }),
    );
    expect(() => evaluateTemplateExpression("$(n)", null as unknown as Record<string, string>)).toThrow(
      expect.objectContaining({ field: "properties", rule: "type" }),
    );
  });

  it("does not read inherited properties", () => {
    expect(evaluateTemplateExpression("$(constructor)", {})).toEqual(str(""));
    expect(evaluateTemplateExpression("$(toString)", {})).toEqual(str(""));
  });
});

describe("properties", () => {
  const value = fc.string({ unit: "binary", maxLength: 40 });
  const anyUnits = fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    maxLength: 40,
  });

  it("$(p,n) never exceeds n code units and is a prefix of the value", () => {
    fc.assert(
      fc.property(fc.oneof(value, anyUnits), fc.nat(50), (v, n) => {
        const out = evaluateTemplateExpression(`$(p,${n})`, { p: v }).value;
        expect(out.length).toBeLessThanOrEqual(n);
        expect(v.startsWith(out)).toBe(true);
        expect(out.length).toBeGreaterThanOrEqual(Math.min(n, v.length) - 1);
      }),
    );
  });

  it(".(p,n) never exceeds n code units", () => {
    fc.assert(
      fc.property(fc.oneof(value, anyUnits), fc.integer({ min: 3, max: 50 }), (v, n) => {
        const out = evaluateTemplateExpression(`.(p,${n})`, { p: v }).value;
        expect(out.length).toBeLessThanOrEqual(n);
        if (v.length <= n) expect(out).toBe(v);
        else expect(out.endsWith("...") && v.startsWith(out.slice(0, -3))).toBe(true);
      }),
    );
  });

  it("%(p) decodes back to the value for well-formed text", () => {
    fc.assert(
      fc.property(value, (v) => {
        const out = evaluateTemplateExpression("%(p)", { p: v }).value;
        expect(out).toMatch(/^[A-Za-z0-9\-._~%]*$/);
        expect(decodeURIComponent(out)).toBe(v);
      }),
    );
  });

  it("literals round-trip through doubling quotes", () => {
    fc.assert(
      fc.property(anyUnits, fc.constantFrom("'", '"'), (text, q) => {
        const source = `{${q}${text.replaceAll(q, q + q)}${q}}`;
        expect(evaluateTemplateExpression(source, {})).toEqual(str(text));
      }),
    );
  });
});

describe("error messages quote an excerpt, not the whole input", () => {
  it("a 1 MB expression with a fault at the end gives a short message around the fault", () => {
    const source = `{${"$(a) + ".repeat(150_000)}$(b) +}`;
    const error = syntaxError(source);
    expect(error.message.length).toBeLessThan(300);
    expect(error.message).toContain(`at position ${source.length} of "…`);
    expect(error.message).toContain(`of ${source.length})`);
  });
});

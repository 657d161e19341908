import { ValidationError } from "./errors";
import { quoteExcerpt } from "./excerpt";

/** A parsed tag expression. `and`/`or` nodes are flattened: an operand is never a node of the same kind. */
export type TagExpression =
  | { readonly type: "tag"; readonly name: string }
  | { readonly type: "not"; readonly operand: TagExpression }
  | { readonly type: "and"; readonly operands: readonly TagExpression[] }
  | { readonly type: "or"; readonly operands: readonly TagExpression[] };

/** The service's limits on one tag and on a whole expression. */
export const TAG_LIMITS = {
  /** Longest tag, in characters. */
  maxTagLength: 120,
  /** Most tags in an expression that uses only `||`. */
  maxTagsOrOnly: 20,
  /** Most tags in any other expression. */
  maxTagsMixed: 6,
  /** Deepest nesting of `!`/`(` in text or of nodes in a tree: nhub's bound (the service documents none). */
  maxDepth: 100,
} as const;

const TAG_PATTERN = /^[A-Za-z0-9_@#.:-]+$/;
// System tags the service sets: `$InstallationId:{id}` and `$UserId:{id}`. The id is sent in a header, so it is
// visible ASCII (0x21-0x7E) without the expression's own ! & ( ) { | }.
const SYSTEM_TAG_PATTERN = /^\$(InstallationId|UserId):\{["#-%'*-z~]+\}$/;

/** The reason `tag` is not a valid tag, or `undefined` when it is. */
export function tagProblem(tag: string): { rule: string; message: string } | undefined {
  if (typeof tag !== "string" || tag.length === 0)
    return { rule: "required", message: "a tag cannot be empty" };
  if (tag.length > TAG_LIMITS.maxTagLength) {
    return {
      rule: "max-length",
      message: `tag ${quoteExcerpt(tag)} is ${tag.length} characters; the limit is ${TAG_LIMITS.maxTagLength}`,
    };
  }
  if (TAG_PATTERN.test(tag) || SYSTEM_TAG_PATTERN.test(tag)) return undefined;
  return {
    rule: "characters",
    message: `tag ${quoteExcerpt(tag)} may contain only letters, digits and _ @ # . : - (or be $InstallationId:{id} / $UserId:{id} with a visible-ASCII id)`,
  };
}

/** Throws a {@link ValidationError} unless `tag` is a valid single tag. */
export function assertTag(tag: string, field = "tags"): void {
  const problem = tagProblem(tag);
  if (problem) throw new ValidationError(field, problem.rule, problem.message);
}

/** A token of a tag expression: its text, its 0-based position, and whether it is a tag (else an operator). */
type Token = readonly [text: string, at: number, isTag: boolean];

// An operator, a lone "&" or "|" (an error), or a tag. Spaces and tabs match nothing, so matchAll skips them.
const TOKEN_PATTERN = /(&&|\|\||[()!])|([&|])|([^ \t()!&|]+)/g;

/** Splits an expression into tokens, checking every tag first: a bad tag is reported before a syntax error. */
function tokenize(source: string, field: string): Token[] {
  const tokens: Token[] = [];
  for (const match of source.matchAll(TOKEN_PATTERN)) {
    const [text, , lone, tag] = match;
    if (lone !== undefined) {
      throw new ValidationError(
        field,
        "syntax",
        `expected "${lone}${lone}" at position ${match.index + 1} of ${quoteExcerpt(source, match.index)}`,
      );
    }
    if (tag !== undefined) assertTag(tag, field);
    tokens.push([text, match.index, tag !== undefined]);
  }
  return tokens;
}

/**
 * Parses a tag expression with the service's grammar:
 * `or := and ("||" and)*; and := not ("&&" not)*; not := "!" not | primary; primary := TAG | "(" or ")"`.
 * Checks every tag and the limits (20 tags when only `||` is used, 6 otherwise; `!` and `(` nested at most
 * {@link TAG_LIMITS}.maxDepth deep).
 *
 * @throws {ValidationError} with `field` (default `tags`) and a rule: `syntax`, `characters`, `max-length`,
 * `max-tags`, `max-depth`, `required`.
 */
export function parseTagExpression(source: string, field = "tags"): TagExpression {
  if (typeof source !== "string" || source.trim() === "") {
    throw new ValidationError(field, "required", "a tag expression cannot be empty");
  }
  const tokens = tokenize(source, field);
  let pos = 0;
  const fail = (expected: string): never => {
    const t = tokens[pos];
    throw new ValidationError(
      field,
      "syntax",
      `expected ${expected} but found ${t ? `${quoteExcerpt(t[0])} at position ${t[1] + 1}` : "the end"} in ${quoteExcerpt(source, t ? t[1] : source.length)}`,
    );
  };
  // No tag can read "(", ")", "!", "&&" or "||", so comparing the text is enough.
  const isOp = (text: string) => tokens[pos]?.[0] === text;
  // How many "!" and "(" enclose the current token: the recursion depth of parseNot, bounded here.
  let depth = 0;
  // or := and ("||" and)*; and := not ("&&" not)*
  const binary = (type: "or" | "and"): TagExpression => {
    const operand = type === "or" ? () => binary("and") : parseNot;
    const operands = [operand()];
    while (isOp(type === "or" ? "||" : "&&")) {
      pos++;
      operands.push(operand());
    }
    return join(type, operands);
  };
  const parseNot = (): TagExpression => {
    const t = tokens[pos];
    if (isOp("!")) {
      if (++depth > TAG_LIMITS.maxDepth) throw depthError(field);
      pos++;
      const operand = parseNot();
      depth--;
      return { type: "not", operand };
    }
    if (t?.[2]) {
      pos++;
      return { type: "tag", name: t[0] };
    }
    if (isOp("(")) {
      if (++depth > TAG_LIMITS.maxDepth) throw depthError(field);
      pos++;
      const inner = binary("or");
      if (!isOp(")")) fail('")"');
      pos++;
      depth--;
      return inner;
    }
    return fail('a tag, "!" or "("');
  };

  const tree = binary("or");
  if (pos < tokens.length) fail(isOp(")") ? 'no unmatched ")"' : '"&&", "||" or the end');
  assertTagLimits(tree, field);
  return tree;
}

/** Joins operands with `and`/`or`, flattening same-kind operands; a single operand is returned as is. */
export function join(type: "and" | "or", operands: readonly TagExpression[]): TagExpression {
  if (operands.length === 1) return operands[0]!;
  const flat: TagExpression[] = [];
  for (const o of operands) {
    if (o.type === type) flat.push(...o.operands);
    else flat.push(o);
  }
  return { type, operands: flat };
}

function depthError(field: string, what = 'levels of "!" and "("'): ValidationError {
  return new ValidationError(
    field,
    "max-depth",
    `the expression nests deeper than ${TAG_LIMITS.maxDepth} ${what} (nhub's limit, TAG_LIMITS.maxDepth)`,
  );
}

/** The tags an expression mentions, in order, repeats included. */
export function tagsOf(expression: TagExpression): string[] {
  const out: string[] = [];
  // A stack rather than recursion: a hand-made tree may be deeper than the call stack.
  const stack: TagExpression[] = [expression];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.type === "tag") out.push(e.name);
    else if (e.type === "not") stack.push(e.operand);
    else for (let i = e.operands.length - 1; i >= 0; i--) stack.push(e.operands[i]!);
  }
  return out;
}

/** Checks a tree's depth without recursing past the limit (a hand-made tree may be deeper than the stack). */
function assertTagDepth(tree: TagExpression, field: string): void {
  const walk = (e: unknown, depth: number): void => {
    const n = e as { type?: unknown; operand?: unknown; operands?: unknown } | null;
    if (n === null || typeof n !== "object" || n.type === "tag") return;
    if (depth >= TAG_LIMITS.maxDepth) throw depthError(field, "not/and/or nodes");
    if (n.type === "not") walk(n.operand, depth + 1);
    else if (Array.isArray(n.operands)) for (const o of n.operands) walk(o, depth + 1);
  };
  walk(tree, 0);
}

function onlyOr(e: TagExpression): boolean {
  if (e.type === "tag") return true;
  if (e.type === "or") return e.operands.every(onlyOr);
  return false;
}

/**
 * Checks the limits on a whole expression: at most 20 tags when the only operator is `||`, otherwise 6 (the
 * service's), and nodes nested at most {@link TAG_LIMITS}.maxDepth deep (nhub's).
 *
 * @throws {ValidationError} with rule `max-tags` or `max-depth`.
 */
export function assertTagLimits(tree: TagExpression, field = "tags"): void {
  assertTagDepth(tree, field);
  const count = tagsOf(tree).length;
  const max = onlyOr(tree) ? TAG_LIMITS.maxTagsOrOnly : TAG_LIMITS.maxTagsMixed;
  if (count > max) {
    throw new ValidationError(
      field,
      "max-tags",
      `the expression has ${count} tags; the service allows ${max} ${max === TAG_LIMITS.maxTagsOrOnly ? "when only || is used" : "when && or ! is used"}`,
    );
  }
}

const PRECEDENCE = { or: 1, and: 2, not: 3, tag: 4 } as const;

/** Options of {@link printTagExpression}. */
export interface PrintTagExpressionOptions {
  /**
   * `"minimal"` (default): only the parentheses the grammar's precedence needs. `"always"`: every operand that is
   * not a single tag is parenthesised, so the text means the same under any precedence the service may use.
   */
  readonly parenthesize?: "minimal" | "always";
}

/**
 * Prints an expression. By default with the fewest parentheses that keep its meaning under the grammar's
 * precedence (`!` over `&&` over `||`); with `{ parenthesize: "always" }` every compound operand is wrapped.
 * Either way `parseTagExpression(printTagExpression(e))` returns an equal tree.
 *
 * @throws {ValidationError} with rule `max-depth` for a tree nested deeper than {@link TAG_LIMITS}.maxDepth.
 */
export function printTagExpression(expression: TagExpression, options?: PrintTagExpressionOptions): string {
  assertTagDepth(expression, "tags");
  const always = options?.parenthesize === "always";
  const print = (e: TagExpression, parent: number): string => {
    let text: string;
    if (e.type === "tag") return e.name;
    if (e.type === "not") text = `!${print(e.operand, PRECEDENCE.not)}`;
    else text = e.operands.map((o) => print(o, PRECEDENCE[e.type])).join(e.type === "and" ? " && " : " || ");
    // Same-kind children never occur (trees are flat), so "<=" only wraps lower-precedence children.
    return (always ? parent > 0 : PRECEDENCE[e.type] < parent) ? `(${text})` : text;
  };
  return print(expression, 0);
}

/** Checks a tree that may be hand-made: known node types, valid tags, non-empty operand lists, the limits. */
function assertTagTree(tree: TagExpression, field: string): void {
  // First, so the walk below recurses at most maxDepth deep.
  assertTagDepth(tree, field);
  const walk = (e: unknown): void => {
    const n = (e ?? {}) as { type?: unknown; name?: unknown; operand?: unknown; operands?: unknown };
    if (n.type === "tag") {
      const problem = tagProblem(n.name as string);
      if (problem) throw new ValidationError(field, problem.rule, problem.message);
    } else if (n.type === "not") {
      walk(n.operand);
    } else if ((n.type === "and" || n.type === "or") && Array.isArray(n.operands) && n.operands.length > 0) {
      for (const o of n.operands) walk(o);
    } else {
      throw new ValidationError(field, "type", "not a TagExpression node (tag, not, and, or)");
    }
  };
  walk(tree);
  assertTagLimits(tree, field);
}

const ALWAYS: PrintTagExpressionOptions = { parenthesize: "always" };
const validated = new Map<string, string>();
const VALIDATED_CACHE_SIZE = 512;

/**
 * Turns the `tags` send option into the `ServiceBusNotification-Tags` header value: a string is a tag
 * expression, parsed and checked; a {@link TagExpression} tree is checked and printed with every compound
 * operand parenthesised; any other iterable is a set of tags, each checked, joined with ` || `. An iterable is
 * read no further than its 21st item (repeats included), which is refused, so an endless generator cannot hang
 * a send. Returns `undefined` for `undefined` (a broadcast).
 *
 * @throws {ValidationError} naming `tags` and the broken rule; an empty set is refused rather than sent as a
 * broadcast by accident.
 */
export function toTagExpression(
  tags: string | Iterable<string> | TagExpression | undefined,
  field = "tags",
): string | undefined {
  if (tags === undefined) return undefined;
  if (typeof tags === "string") {
    const hit = validated.get(tags);
    if (hit !== undefined) return hit;
    parseTagExpression(tags, field);
    const text = tags.trim();
    // A small bounded memo: back ends send the same few expressions over and over.
    if (validated.size >= VALIDATED_CACHE_SIZE) validated.clear();
    validated.set(tags, text);
    return text;
  }
  if (tags === null || typeof tags !== "object") {
    throw new ValidationError(
      field,
      "type",
      "tags must be a tag expression, a TagExpression or a set of tags",
    );
  }
  if (!(Symbol.iterator in tags)) {
    // The service's precedence is unverified, so a tree is sent fully parenthesised.
    assertTagTree(tags, field);
    return printTagExpression(tags, ALWAYS);
  }
  const list: string[] = [];
  const seen = new Set<string>();
  let read = 0;
  for (const tag of tags) {
    // Reading stops at the first item over the limit, so an endless or huge iterable is refused at once. Repeats
    // count: otherwise a generator repeating one tag would never reach the limit.
    if (++read > TAG_LIMITS.maxTagsOrOnly) {
      throw new ValidationError(
        field,
        "max-tags",
        `${read} tags were given (reading stopped there); the service allows ${TAG_LIMITS.maxTagsOrOnly} OR-ed tags per send`,
      );
    }
    assertTag(tag, field);
    if (!seen.has(tag)) {
      seen.add(tag);
      list.push(tag);
    }
  }
  if (list.length === 0) {
    throw new ValidationError(
      field,
      "required",
      "the set of tags is empty; omit tags to broadcast to every device",
    );
  }
  return list.join(" || ");
}

/** Whether a device with `deviceTags` matches `expression`, tags compared exactly: the emulator's reference. */
export function matchesTagExpression(expression: TagExpression, deviceTags: ReadonlySet<string>): boolean {
  switch (expression.type) {
    case "tag":
      return deviceTags.has(expression.name);
    case "not":
      return !matchesTagExpression(expression.operand, deviceTags);
    case "and":
      return expression.operands.every((o) => matchesTagExpression(o, deviceTags));
    case "or":
      return expression.operands.some((o) => matchesTagExpression(o, deviceTags));
  }
}

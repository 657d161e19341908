/**
 * Builders for tag expressions, so targeting is composed from values rather than concatenated strings:
 * `and("sports", not("politics"))`. Each result is a frozen, flattened {@link TagExpression}, already checked
 * against the service's limits; pass it as `tags` and it is sent with every compound operand parenthesised.
 */
import { ValidationError } from "./errors";
import { assertTag, assertTagLimits, join, type TagExpression } from "./tags";

/** An operand of {@link and}, {@link or} and {@link not}: a single tag name or a built expression. */
export type TagOperand = string | TagExpression;

function operand(o: TagOperand): TagExpression {
  if (typeof o === "string") return tag(o);
  if (o === null || typeof o !== "object" || typeof o.type !== "string") {
    throw new ValidationError("tags", "type", "an operand must be a tag name or a TagExpression");
  }
  return o;
}

function compound(type: "and" | "or", operands: readonly TagOperand[]): TagExpression {
  if (operands.length === 0) {
    throw new ValidationError("tags", "required", `${type}() needs at least one operand`);
  }
  const e = join(type, operands.map(operand));
  assertTagLimits(e);
  // Only a node join() made is frozen: a lone operand may be the caller's own object.
  if (operands.length > 1 && e.type === type) {
    Object.freeze(e.operands);
    Object.freeze(e);
  }
  return e;
}

/**
 * One tag.
 *
 * @throws {ValidationError} (field `tags`) unless `name` is 1-120 letters, digits and `_ @ # . : -`, or a system tag.
 */
export function tag(name: string): TagExpression {
  assertTag(name);
  return Object.freeze({ type: "tag", name });
}

/**
 * All of the operands (`a && b`). Operands that are themselves `and` are flattened into this one; a single
 * operand is returned as is.
 *
 * @throws {ValidationError} for no operand, a bad tag or more than 6 tags in the result.
 */
export function and(...operands: TagOperand[]): TagExpression {
  return compound("and", operands);
}

/**
 * Any of the operands (`a || b`). Operands that are themselves `or` are flattened into this one; a single
 * operand is returned as is.
 *
 * @throws {ValidationError} for no operand, a bad tag or more tags than the service allows (20 when only `||`
 * is used, otherwise 6).
 */
export function or(...operands: TagOperand[]): TagExpression {
  return compound("or", operands);
}

/**
 * The negation of the operand (`!a`).
 *
 * @throws {ValidationError} for a bad tag or more than 6 tags in the result.
 */
export function not(o: TagOperand): TagExpression {
  const e: TagExpression = Object.freeze({ type: "not", operand: operand(o) });
  assertTagLimits(e);
  return e;
}

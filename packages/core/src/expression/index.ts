/**
 * The Conflux expression language: conditions (`payload.temp > 8`) and templates
 * (`Temperature: ${payload.temp}`), compatible with SORACOM Flux. Pure TypeScript, no I/O; runs in
 * Node and in the browser. User documentation: docs/expressions.md.
 *
 * Where to start reading: compile.ts (conditions and expressions) and template.ts (templates) are
 * the entry points; they use parser.ts (syntax tree, built from lexer.ts tokens) and evaluator.ts
 * (which applies operators.ts and calls the catalogue in functions.ts). values.ts holds the JSON
 * value rules, including the own-property-only reads that keep prototypes out of reach;
 * limits.ts the size and depth limits.
 */

export type { BudgetLimits } from "./budget.ts";
export {
  type CompiledCondition,
  type CompiledExpression,
  checkCondition,
  compileCondition,
  compileExpression,
} from "./compile.ts";
export { ExpressionError, type ExpressionErrorCode } from "./errors.ts";
export type { EvaluationOptions } from "./evaluator.ts";
export { expressionFunctions } from "./functions.ts";
export { type CompiledTemplate, checkTemplate, compileTemplate, type TemplateMode } from "./template.ts";
export type { JsonValue, Scope } from "./values.ts";

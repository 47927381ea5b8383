export type ExpressionErrorCode =
  | "expression_syntax"
  | "expression_type"
  | "expression_limit"
  | "condition_not_boolean";

/**
 * The one error type of the expression language. Messages are written for the person who wrote the
 * expression and end with "at column N" when a column is known, so a caller can append context
 * such as "in condition of action 'notify'".
 */
export class ExpressionError extends Error {
  readonly code: ExpressionErrorCode;
  /** 1-based position in the source text that was compiled (for templates: the whole template). */
  readonly column?: number;

  constructor(code: ExpressionErrorCode, message: string, column?: number) {
    super(column === undefined ? message : `${message} at column ${column}`);
    this.name = "ExpressionError";
    this.code = code;
    if (column !== undefined) this.column = column;
  }
}

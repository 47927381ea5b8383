// Limits keep a hostile or mistaken expression from costing more than a few milliseconds or
// megabytes. They are checked before the work they guard (length before lexing, depth before
// recursing, result size before concatenating), so a huge input fails fast with a clear error.

/** Characters in a condition or a standalone expression. */
export const MAX_EXPRESSION_LENGTH = 16_384;
/** Characters in a template (a prompt, a body, a transform). */
export const MAX_TEMPLATE_LENGTH = 65_536;
/** Nested brackets, parentheses, unary operators and `? :` branches in one expression. */
export const MAX_NESTING_DEPTH = 64;
/** UTF-16 code units in any string an expression or template produces (1 MiB). */
export const MAX_STRING_LENGTH = 1_048_576;

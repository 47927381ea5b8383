// Limits keep a hostile or mistaken expression from costing more than a few milliseconds or
// megabytes. They are checked before the work they guard (length before lexing, depth before
// recursing, result size before concatenating), so a huge input fails fast with a clear error.

/** Characters in a condition or a standalone expression. */
export const MAX_EXPRESSION_LENGTH = 16_384;
/** Characters in a template (a prompt, a body, a transform). */
export const MAX_TEMPLATE_LENGTH = 65_536;
/** Nested brackets, parentheses, unary operators and `? :` branches in one expression. */
export const MAX_NESTING_DEPTH = 64;
/**
 * Levels of arrays and objects in a value read from JSON text (jsonParse, a rendered JSON template):
 * comparing or serialising a deeper one would overflow the stack.
 */
export const MAX_VALUE_DEPTH = 1_000;
/** UTF-16 code units in any string an expression or template produces (1 MiB). */
export const MAX_STRING_LENGTH = 1_048_576;
/**
 * Work one evaluation may do, in steps: one per node evaluated, one per character a function or
 * operator reads or writes, four per array element or object key (each is an allocation). Eight
 * times the largest string: ordinary expressions use a few hundred steps; one that builds many
 * megabyte strings stops here, after some tens of milliseconds.
 */
export const MAX_EVALUATION_STEPS = 8_000_000;
/**
 * Wall-clock time of one evaluation, which runs on the server's event loop: a backstop for work
 * the step count does not see (comparing two large values deeply). Not lower: the first use of a
 * time zone loads its data, which took 73 ms on a busy machine.
 */
export const MAX_EVALUATION_MS = 250;

// A permission as users write it (SORACOM's SAM policy format), checked and compiled once:
//   {"statements":[{"effect":"allow","api":["App:list*"],"condition":"currentDate >= date(2027, 1, 1)"}]}
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { isApiPattern } from "./api-pattern.ts";
import { type Condition, MAX_CONDITION_LENGTH, parseCondition } from "./condition-parser.ts";
import { findJsonSyntaxProblem } from "./json-syntax.ts";

export interface Statement {
  readonly effect: "allow" | "deny";
  /** API name patterns, `*` matching any run of characters. */
  readonly apiPatterns: readonly string[];
  readonly condition?: Condition;
}

export interface Permission {
  readonly statements: readonly Statement[];
}

/** Far above any hand-written policy; a bound on what one stored permission costs to evaluate. */
export const MAX_PERMISSION_LENGTH = 65_536;
const MAX_STATEMENTS = 200;
const MAX_API_PATTERNS = 100;

const API_PATTERN_HINT = 'an API name or pattern such as "App:list*"';

const permissionShape = z.strictObject({
  statements: z
    .array(
      z.strictObject({
        effect: z.enum(["allow", "deny"], { error: 'expected "allow" or "deny"' }),
        api: z.union([z.string(), z.array(z.string()).min(1).max(MAX_API_PATTERNS)], {
          error: `expected ${API_PATTERN_HINT}, or a list of them`,
        }),
        condition: z.string().max(MAX_CONDITION_LENGTH).optional(),
      }),
      { error: "expected a list of statements" },
    )
    .max(MAX_STATEMENTS),
});

/**
 * Parses a permission document. Every problem is a UserError("bad_request") whose message says
 * where: line and column for JSON syntax, the JSON path (`statements[1].effect`) for a wrong shape,
 * the column inside the condition for a condition.
 */
export function parsePermission(text: string): Permission {
  if (text.length > MAX_PERMISSION_LENGTH)
    throw new UserError("bad_request", `Permission is longer than ${MAX_PERMISSION_LENGTH} characters`);
  const shaped = permissionShape.safeParse(parseJson(text));
  if (!shaped.success) {
    const issue = shaped.error.issues[0];
    const path = formatPath(issue?.path ?? []);
    throw new UserError(
      "bad_request",
      `Permission is not valid at ${path}: ${issue?.message ?? "wrong shape"}`,
    );
  }
  return {
    statements: shaped.data.statements.map((statement, index) => {
      const where = `statements[${index}]`;
      const apiPatterns = typeof statement.api === "string" ? [statement.api] : statement.api;
      apiPatterns.forEach((pattern, position) => {
        if (!isApiPattern(pattern)) {
          const path = typeof statement.api === "string" ? `${where}.api` : `${where}.api[${position}]`;
          throw new UserError(
            "bad_request",
            `Permission is not valid at ${path}: expected ${API_PATTERN_HINT}`,
          );
        }
      });
      if (statement.condition === undefined) return { effect: statement.effect, apiPatterns };
      return {
        effect: statement.effect,
        apiPatterns,
        condition: parseCondition(statement.condition, `${where}.condition`),
      };
    }),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const problem = findJsonSyntaxProblem(text);
    const where = problem === undefined ? "" : ` at line ${problem.line}, column ${problem.column}`;
    throw new UserError(
      "bad_request",
      `Permission is not valid JSON${where}: ${problem?.message ?? "cannot be read"}`,
    );
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "the top level";
  return path
    .map((step, index) =>
      typeof step === "number" ? `[${step}]` : `${index === 0 ? "" : "."}${String(step)}`,
    )
    .join("");
}

import type { FastifyRequest } from "fastify";

/** One thing wrong with a request: where (`body`, `querystring`…), the field's path, and what. */
export interface ValidationProblem {
  in: string;
  path: string;
  message: string;
}

interface ZodIssueLike {
  path: PropertyKey[];
  message: string;
}
interface ZodSchemaLike {
  safeParse(value: unknown): { success: boolean; error?: { issues: ZodIssueLike[] } };
}

/** Fastify validates the parts in this order and stops at the first that fails. */
const partsInOrder = [
  { part: "params", value: (request: FastifyRequest) => request.params },
  { part: "body", value: (request: FastifyRequest) => request.body },
  { part: "querystring", value: (request: FastifyRequest) => request.query },
  { part: "headers", value: (request: FastifyRequest) => request.headers },
] as const;

const isZodSchema = (schema: unknown): schema is ZodSchemaLike =>
  typeof (schema as ZodSchemaLike | undefined)?.safeParse === "function";

/**
 * The problems of the parts Fastify did not get to check after `failed` (they still hold what the
 * client sent), so one answer names everything wrong: a bad query and a bad body together, say.
 * Parts before `failed` passed already.
 */
export function problemsAfter(request: FastifyRequest, failed: string | undefined): ValidationProblem[] {
  const start = partsInOrder.findIndex(({ part }) => part === failed);
  if (start < 0) return [];
  const schemas = (request.routeOptions.schema ?? {}) as Record<string, unknown>;
  return partsInOrder.slice(start + 1).flatMap(({ part, value }) => {
    const schema = schemas[part];
    if (!isZodSchema(schema)) return [];
    const outcome = schema.safeParse(value(request));
    return (outcome.error?.issues ?? []).map((issue) => ({
      in: part,
      path: issue.path.map(String).join("."),
      message: issue.message,
    }));
  });
}

/** Most problems named in the one-line message; `details` lists them all. */
const namedInMessage = 5;

/** "body name: Required; querystring limit: Too big (and 2 more problems)". */
export function describeProblems(problems: ValidationProblem[]): string {
  const named = problems
    .slice(0, namedInMessage)
    .map((problem) => `${problem.in}${problem.path ? ` ${problem.path}` : ""}: ${problem.message}`);
  const more = problems.length - named.length;
  return `${named.join("; ") || "request: invalid"}${more > 0 ? ` (and ${more} more problems)` : ""}`;
}

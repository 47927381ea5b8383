/**
 * Live checks of a permission document as a person types it (shared/spec/accounts.md): the JSON, the
 * shape `{"statements": [{"effect", "api", "condition"?}]}` and the syntax of each condition. The
 * studio may not import the server, so this is a small check of its own; the server's parser has the
 * last word when the document is saved, and its message is shown where this one would be.
 */

export interface PermissionProblem {
  message: string;
  /** Where in the text, 1-based, when known. */
  line?: number;
  column?: number;
}

/** The example a new role or user starts from: read-only access to apps. */
export const readOnlyAppsPermission = JSON.stringify(
  { statements: [{ effect: "allow", api: ["App:list*", "App:get*"] }] },
  null,
  2,
);

function positionIn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/** Where the text of a JSON value starts, found by its path: for pointing at a wrong field. */
function offsetOfStatement(text: string, index: number): number {
  const start = text.indexOf("[", text.indexOf('"statements"'));
  let depth = 0;
  let seen = -1;
  let inString = false;
  for (let at = start + 1; start >= 0 && at < text.length; at++) {
    const char = text[at];
    if (inString) {
      if (char === "\\") at++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{" || char === "[") {
      if (depth === 0 && char === "{" && ++seen === index) return at;
      depth++;
    } else if (char === "}" || char === "]") depth--;
  }
  return 0;
}

const conditionToken =
  /\s*(?:(?<number>\d+)|(?<string>"[^"\\]*"|'[^'\\]*')|(?<word>[A-Za-z_][A-Za-z0-9_]*)|(?<op>==|!=|>=|<=|>|<)|(?<logic>&&|\|\||!)|(?<punct>[(),]))/y;

const conditionNames = new Set(["currentDate", "currentDateTime", "samUserName"]);
const conditionFunctions = new Set(["date", "dateTime", "ipAddress", "pathVariable"]);

/** Checks a condition's syntax; a problem names the column it is at (1-based, in the condition). */
export function checkConditionSyntax(condition: string): PermissionProblem | undefined {
  const tokens: { kind: string; text: string; column: number }[] = [];
  conditionToken.lastIndex = 0;
  while (conditionToken.lastIndex < condition.length) {
    const start = conditionToken.lastIndex;
    const match = conditionToken.exec(condition);
    if (!match?.groups) {
      if (condition.slice(start).trim() === "") break;
      const column = start + condition.slice(start).search(/\S/) + 1;
      return {
        message: `unexpected '${condition[column - 1]}' at column ${column} of the condition`,
        column,
      };
    }
    const [kind, text] = Object.entries(match.groups).find(([, value]) => value !== undefined) as [
      string,
      string,
    ];
    tokens.push({ kind, text, column: match.index + match[0].length - text.length + 1 });
  }
  let at = 0;
  const end = condition.length + 1;
  const fail = (expected: string): PermissionProblem => {
    const token = tokens[at];
    const column = token?.column ?? end;
    return {
      message: token
        ? `expected ${expected} but found '${token.text}' at column ${column} of the condition`
        : `expected ${expected} at the end of the condition (column ${column})`,
      column,
    };
  };
  const peek = (text: string) => tokens[at]?.text === text;

  function operand(): PermissionProblem | undefined {
    const token = tokens[at];
    if (!token) return fail("a value");
    if (token.text === "not" || token.text === "!") {
      at++;
      return operand();
    }
    if (token.text === "(") {
      at++;
      const inner = disjunction();
      if (inner) return inner;
      if (!peek(")")) return fail("')'");
      at++;
      return undefined;
    }
    if (token.kind === "string" || token.kind === "number") {
      at++;
      return undefined;
    }
    if (token.kind !== "word") return fail("a value");
    if (conditionFunctions.has(token.text)) {
      at++;
      if (!peek("(")) return fail(`'(' after ${token.text}`);
      at++;
      if (!peek(")"))
        for (;;) {
          const argument = tokens[at];
          if (argument?.kind !== "string" && argument?.kind !== "number") return fail("a string or a number");
          at++;
          if (!peek(",")) break;
          at++;
        }
      if (!peek(")")) return fail("')'");
      at++;
      return undefined;
    }
    if (conditionNames.has(token.text)) {
      at++;
      return undefined;
    }
    return {
      message: `unknown name '${token.text}' at column ${token.column} of the condition (known: currentDate, currentDateTime, samUserName, date(), dateTime(), ipAddress(), pathVariable())`,
      column: token.column,
    };
  }
  function comparison(): PermissionProblem | undefined {
    const left = operand();
    if (left) return left;
    if (tokens[at]?.kind !== "op") return undefined;
    at++;
    return operand();
  }
  function conjunction(): PermissionProblem | undefined {
    let problem = comparison();
    while (!problem && (peek("and") || peek("&&"))) {
      at++;
      problem = comparison();
    }
    return problem;
  }
  function disjunction(): PermissionProblem | undefined {
    let problem = conjunction();
    while (!problem && (peek("or") || peek("||"))) {
      at++;
      problem = conjunction();
    }
    return problem;
  }
  const problem = disjunction();
  if (problem) return problem;
  return at < tokens.length ? fail("'and', 'or' or the end") : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first problem of a permission document, or undefined when it reads well. */
export function checkPermissionDocument(text: string): PermissionProblem | undefined {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = /position (\d+)/.exec(message)?.[1];
    const where = offset === undefined ? undefined : positionIn(text, Number(offset));
    return {
      message: `not JSON${where ? ` at line ${where.line}, column ${where.column}` : ""}: ${message.replace(/ in JSON at position.*$/, "")}`,
      ...where,
    };
  }
  if (!isRecord(document)) return { message: 'a permission document is an object: {"statements": [...]}' };
  const extra = Object.keys(document).find((key) => key !== "statements");
  if (extra) return { message: `unknown field '${extra}': a permission document has only "statements"` };
  if (!Array.isArray(document.statements)) return { message: "statements: a list of statements is needed" };
  for (const [index, statement] of document.statements.entries()) {
    const path = `statements[${index}]`;
    const where = positionIn(text, offsetOfStatement(text, index));
    const problem = (message: string): PermissionProblem => ({ message: `${path}${message}`, ...where });
    if (!isRecord(statement)) return problem(": a statement is an object");
    const unknown = Object.keys(statement).find((key) => !["effect", "api", "condition"].includes(key));
    if (unknown) return problem(`: unknown field '${unknown}' (a statement has effect, api and condition)`);
    if (statement.effect !== "allow" && statement.effect !== "deny")
      return problem('.effect: "allow" or "deny"');
    const apis = typeof statement.api === "string" ? [statement.api] : statement.api;
    if (
      !Array.isArray(apis) ||
      apis.length === 0 ||
      apis.some((api) => typeof api !== "string" || api === "")
    )
      return problem('.api: an API name or a list of them, such as "App:list*" or "*"');
    const badName = (apis as string[]).find((api) => !/^[A-Za-z0-9:_*-]{1,200}$/.test(api));
    if (badName)
      return problem(`.api: '${badName}' is not an API name (<Group>:<operation>, '*' matches any run)`);
    if (statement.condition !== undefined) {
      if (typeof statement.condition !== "string") return problem(".condition: a condition is a string");
      const conditionProblem = checkConditionSyntax(statement.condition);
      if (conditionProblem) return problem(`.condition: ${conditionProblem.message}`);
    }
  }
  return undefined;
}

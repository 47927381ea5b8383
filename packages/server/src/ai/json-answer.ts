import { Ajv, type ValidateFunction } from "ajv";
import { ActionError } from "../runtime/actions/action.ts";

/**
 * Checks a model's JSON answer against the operator's JSON Schema. Compiled validators are kept
 * by schema text (a few hundred at most), since every run of an action uses the same schema.
 */
const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ValidateFunction>();

export function compileAnswerSchema(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      throw new ActionError(
        "ai_json_schema",
        `the JSON schema of the answer is not valid: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (validators.size >= 500) validators.clear();
    validators.set(key, validate);
  }
  return validate;
}

/** Why the answer does not fit the schema, for the history and for the model's repair try; undefined when it fits. */
export function answerProblems(validate: ValidateFunction | undefined, answer: unknown): string | undefined {
  if (!validate || validate(answer)) return undefined;
  return (validate.errors ?? [])
    .slice(0, 10)
    .map((error) => `${error.instancePath || "(the answer)"} ${error.message ?? "is invalid"}`)
    .join("; ");
}

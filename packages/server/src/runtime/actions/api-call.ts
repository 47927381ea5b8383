import { type JsonValue, maxApiResponseBytes } from "@conflux/core";
import { compileTemplateOnce } from "../../expressions/compiled-expressions.ts";
import { type ActionDefinition, ActionError } from "./action.ts";
import { renderText } from "./render.ts";

/** Signing in, out and issuing tokens stay with people and programs holding keys, never an app. */
const refusedApiNames = /^Auth:/;

function isTransient(statusCode: number): boolean {
  return statusCode === 429 || statusCode >= 500;
}

/** The API's own `{code, message}` when its answer has them. */
function errorOf(body: string): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(body) as { code?: unknown; message?: unknown };
    return {
      ...(typeof parsed.code === "string" ? { code: parsed.code } : {}),
      ...(typeof parsed.message === "string" ? { message: parsed.message } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * Calls Conflux's own API as a user of the operator (SORACOM Flux's "SORACOM API" action): method,
 * templated path and JSON body; the output is the answer's body (JSON parsed, text as a string). A
 * refused call (403 and every other non-2xx) fails the step with the API's code and message.
 */
export const apiAction: ActionDefinition<"api"> = {
  type: "api",
  async run(config, { scope, apiCalls }) {
    const path = renderText(config.path, scope);
    if (!path.startsWith("/v1/") || /[\s#]/.test(path))
      throw new ActionError("bad_path", `'${path}' is not a path of the API (/v1/…, no spaces)`);
    const apiName = await apiCalls.apiNameOf(config.method, path);
    if (!apiName) throw new ActionError("api_not_found", `no API takes ${config.method} ${path}`);
    if (refusedApiNames.test(apiName))
      throw new ActionError(
        "api_not_allowed",
        `${apiName} cannot be called from an app (Auth:* APIs are refused)`,
      );
    const body: JsonValue | undefined =
      config.body === undefined ? undefined : compileTemplateOnce(config.body, "json").render(scope);
    const answer = await apiCalls.callAs(config.userName, {
      method: config.method,
      path,
      ...(body === undefined ? {} : { body }),
    });
    if (!answer)
      throw new ActionError(
        "user_not_found",
        `no user '${config.userName}' in this operator to call ${apiName} as`,
      );
    const bytes = Buffer.byteLength(answer.body);
    if (bytes > maxApiResponseBytes)
      throw new ActionError(
        "response_too_large",
        `${apiName} answered ${bytes} bytes; the api action takes at most ${maxApiResponseBytes} (ask for less, e.g. with limit=)`,
      );
    if (answer.statusCode < 200 || answer.statusCode >= 300) {
      const error = errorOf(answer.body);
      throw new ActionError(
        error.code ?? `http_${answer.statusCode}`,
        `${apiName} as ${config.userName} answered ${answer.statusCode}: ${error.message ?? answer.body.slice(0, 200)}`,
        isTransient(answer.statusCode),
      );
    }
    // The output is the answer's body, as Flux's; an empty one (204) is null.
    if (!answer.body) return { result: null };
    const json = answer.contentType?.includes("json");
    return { result: json ? (JSON.parse(answer.body) as JsonValue) : answer.body };
  },
};

/** The same action under the name SORACOM Flux is guessed to export it with (docs/flux-compatibility.md). */
export const soracomApiAction: ActionDefinition<"soracom-api"> = {
  type: "soracom-api",
  run: (config, context) => apiAction.run(config, context),
};

import { ApiError, describeError } from "../api/client.ts";
import type { ApiUserOutcome } from "../editor/contract.ts";
import type { AccountsApi } from "./accounts-api.ts";
import { apiNameIn, apiUserNameFor } from "./api-names.ts";

/**
 * Makes the `api` action's least-privilege user: a user of the operator (no password, no keys) whose
 * permission allows exactly the one API the action calls. Run again, it narrows the same user to the
 * action's API as it is now.
 */
export async function createApiUser(
  api: AccountsApi,
  appId: string,
  request: { actionId: string; method: string; path: string },
): Promise<ApiUserOutcome> {
  try {
    const apiName = apiNameIn(await api.openApiDocument(), request.method, request.path);
    if (!apiName) return { ok: false, message: `No API takes ${request.method} ${request.path}.` };
    if (apiName.startsWith("Auth:"))
      return { ok: false, message: `${apiName} cannot be called from an app.` };
    const userName = apiUserNameFor(appId, request.actionId);
    try {
      await api.createUser(userName, `Calls ${apiName} for action ${request.actionId} of app ${appId}`);
    } catch (error) {
      // The action's user exists already (made before): its permission is set again below.
      if (!(error instanceof ApiError && (error.status === 409 || error.code === "conflict"))) throw error;
    }
    await api.setUserPermission(
      userName,
      JSON.stringify({ statements: [{ effect: "allow", api: apiName }] }),
      `Only ${apiName}, for an api action`,
    );
    return { ok: true, userName, apiName };
  } catch (error) {
    return { ok: false, message: describeError(error) };
  }
}

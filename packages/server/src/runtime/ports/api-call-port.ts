import type { JsonValue } from "@conflux/core";

/** One call of Conflux's own API, as an action makes it. */
export interface ApiCallRequest {
  method: string;
  /** The path under `/v1/`, with its query. */
  path: string;
  body?: JsonValue;
}

/** The API's answer: its status, its content type and its body as text, whole. */
export interface ApiCallAnswer {
  statusCode: number;
  contentType: string | undefined;
  body: string;
}

/**
 * Conflux's own API for the `api` action, as one user of one operator: the accounts feature implements
 * it with a token of that user that lives for the one call, so the user's permissions decide.
 */
export interface OperatorApiCalls {
  /** `<Group>:<operationId>` of the route that takes the call; undefined when none does. */
  apiNameOf(method: string, path: string): Promise<string | undefined>;
  /** Calls as the user; undefined when the operator has no user of that name. */
  callAs(userName: string, request: ApiCallRequest): Promise<ApiCallAnswer | undefined>;
}

export interface ApiCallPort {
  forOperator(operatorId: string): OperatorApiCalls;
}

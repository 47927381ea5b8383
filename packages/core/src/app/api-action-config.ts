import { z } from "zod";
import { templateField } from "./fields.ts";

/**
 * The `api` action (SORACOM Flux's "SORACOM API" action): calls Conflux's own API as a user of the
 * operator, never as root, and never an `Auth:*` API; its output is the API's answer.
 */

/** The largest answer the action takes, as Flux's (a larger one fails the step). */
export const maxApiResponseBytes = 32_768;

export const apiCallConfigSchema = z.looseObject({
  /** The user of the operator the call runs as, with that user's permissions (a least-privilege user). */
  userName: z
    .string()
    .min(1, "the api action runs as a user of the operator: name one")
    .max(100)
    .regex(/^[A-Za-z0-9@+=\-_.,]+$/, "a user name has letters, digits and @+=-_.,"),
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("GET"),
  /** A path of the API (`/v1/…`, a query allowed), templated: `/v1/apps/${payload.appId}`. */
  path: templateField("text").refine((path) => path.startsWith("/v1/"), "a path of the API starts with /v1/"),
  /** The JSON body, templated; none when absent. */
  body: templateField("json").optional(),
});

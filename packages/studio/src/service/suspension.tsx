import { createContext, useContext } from "react";
import { ApiError, type HttpClient, type RequestOptions } from "../api/client.ts";

/** Why the provider may suspend an account (service.md, [5.1.3]), in the API's codes and in words. */
export const suspensionReasons = {
  unpaid_debt: "unpaid debt",
  false_information: "false information given at sign-up",
  prohibited_use: "prohibited use of the service",
  unusable_card: "the payment card cannot be used",
  other: "another reason given by the provider",
} as const;

export type SuspensionReason = keyof typeof suspensionReasons;

/** The reason in words; a code the console does not know yet shows as it is. */
export function describeSuspensionReason(reason: string | undefined): string {
  if (!reason) return "no reason given";
  return reason in suspensionReasons ? suspensionReasons[reason as SuspensionReason] : reason;
}

/**
 * Passes every call through, and tells `onSuspended` the message of any 403 `operator_suspended`, so the
 * console can say why a button did nothing wherever the refusal came from.
 */
export function reportingSuspension(http: HttpClient, onSuspended: (message: string) => void): HttpClient {
  const report = (error: unknown): never => {
    if (error instanceof ApiError && error.code === "operator_suspended") onSuspended(error.message);
    throw error;
  };
  return {
    json: <T,>(method: string, path: string, options?: RequestOptions) =>
      http.json<T>(method, path, options).catch(report),
    raw: (method, path, options) => http.raw(method, path, options).catch(report),
  };
}

/** The message of the last `operator_suspended` refusal in this session, if any. */
export const SuspensionRefusalContext = createContext<string | undefined>(undefined);

export function useSuspensionRefusal(): string | undefined {
  return useContext(SuspensionRefusalContext);
}

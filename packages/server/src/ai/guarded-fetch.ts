import type { OutboundClient } from "../outbound/guarded-client.ts";
import { ActionError } from "../runtime/actions/action.ts";

/**
 * A `fetch` for the AI SDK providers that sends through the guarded outbound client, so provider
 * calls get the same private-address block, time limit and size limit as every other outbound
 * request. The SDK only needs status, headers and a body it can read as text.
 */
export function createGuardedFetch(
  outbound: OutboundClient,
  limits: { timeoutMs: number; maxResponseBytes: number },
): typeof fetch {
  const guardedFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const response = await outbound.send({
      method: init?.method ?? "GET",
      url,
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      ...(init?.body == null ? {} : { body: toBody(init.body) }),
      timeoutMs: limits.timeoutMs,
      maxResponseBytes: limits.maxResponseBytes,
    });
    if (response.truncated)
      throw new ActionError(
        "ai_response_too_large",
        `the provider's answer is larger than ${limits.maxResponseBytes} bytes`,
      );
    // A Response refuses a body for 204 and 304.
    const bodyless = response.status === 204 || response.status === 304;
    return new Response(bodyless ? null : new Uint8Array(response.body), {
      status: response.status,
      headers: response.headers,
    });
  };
  return guardedFetch as typeof fetch;
}

function toBody(body: NonNullable<RequestInit["body"]>): string | Uint8Array {
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  // The providers send JSON strings; anything else would be a change in the SDK worth failing loudly on.
  throw new Error(`unsupported request body for an AI provider: ${Object.prototype.toString.call(body)}`);
}

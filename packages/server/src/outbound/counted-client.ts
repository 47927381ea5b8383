import { type OutboundClient, OutboundError } from "./guarded-client.ts";

/**
 * The client, reporting each failed request by code: the guarded client's error code when there was no
 * answer (`outbound_timeout`, `outbound_network`, …), `http_<status>` for a 4xx or 5xx answer.
 */
export function countingErrors(client: OutboundClient, count: (code: string) => void): OutboundClient {
  return {
    async send(request) {
      try {
        const response = await client.send(request);
        if (response.status >= 400) count(`http_${response.status}`);
        return response;
      } catch (error) {
        count(error instanceof OutboundError ? error.code : "outbound_error");
        throw error;
      }
    },
    close: () => client.close(),
  };
}

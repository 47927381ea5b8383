import type { IncomingMessage, ServerResponse } from "node:http";
import pino, { type DestinationStream, type Logger } from "pino";
import type { ServerConfig } from "../config/config.ts";

/** Incoming-webhook URLs carry their secret in the path; a log line keeps only the webhook id. */
export function redactUrl(url: string): string {
  return url.replace(
    /(\/incoming_webhooks\/)([^/?]+)(\/[^/?]+)?/,
    (_match, prefix: string, first: string, second?: string) =>
      second ? `${prefix}${first}/[redacted]` : `${prefix}[redacted]`,
  );
}

/**
 * Secrets never reach a log line: request lines carry no headers or bodies, webhook secrets are cut
 * from URLs, and fields named like secrets are censored wherever they appear.
 */
export function createLogger(
  config: Pick<ServerConfig, "logLevel">,
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: config.logLevel,
      serializers: {
        req: (request: IncomingMessage) => ({ method: request.method, url: redactUrl(request.url ?? "") }),
        res: (response: ServerResponse) => ({ statusCode: response.statusCode }),
        err: pino.stdSerializers.err,
      },
      redact: {
        paths: [
          "password",
          "token",
          "apiKey",
          "secret",
          "*.password",
          "*.token",
          "*.apiKey",
          "*.secret",
          "credentials",
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}

import type { ActionConfig } from "@conflux/core";
import { z } from "zod";
import { googleServiceAccountKeySchema } from "../ports/google-token-port.ts";
import type { ActionContext } from "./action.ts";
import { ActionError } from "./action.ts";

type WebhookAuth = ActionConfig<"webhook">["auth"];

/** The request as it will be sent, so a signature covers exactly what goes out. */
export interface RequestToAuthorize {
  method: string;
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body?: string;
}

/** `aws` credentials: an access key (with a session token when temporary) and where it signs for. */
export const awsCredentialsSchema = z.object({
  accessKeyId: z.string().min(1).max(128),
  secretAccessKey: z.string().min(1).max(1_024),
  sessionToken: z.string().min(1).max(8_192).optional(),
  region: z.string().regex(/^[a-z0-9-]{1,32}$/, "a region is like ap-northeast-1"),
  service: z.string().regex(/^[a-z0-9-]{1,64}$/, "a service is like execute-api or s3"),
});

function parseSecret<T>(schema: z.ZodType<T>, secret: unknown, credentialsId: string, kind: string): T {
  const parsed = schema.safeParse(secret);
  if (!parsed.success)
    throw new ActionError("credentials_type", `credentials '${credentialsId}' are not ${kind} credentials`);
  return parsed.data;
}

async function signAwsV4(request: RequestToAuthorize, secret: z.infer<typeof awsCredentialsSchema>) {
  const url = new URL(request.url);
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(name);
    query[name] = values.length === 1 ? (values[0] as string) : values;
  }
  // Loaded on first use: every `conflux` command loads the server, and most never sign a request.
  const [{ SignatureV4 }, { Sha256 }] = await Promise.all([
    import("@smithy/signature-v4"),
    import("@aws-crypto/sha256-js"),
  ]);
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: secret.accessKeyId,
      secretAccessKey: secret.secretAccessKey,
      ...(secret.sessionToken ? { sessionToken: secret.sessionToken } : {}),
    },
    region: secret.region,
    service: secret.service,
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query,
    // The signature covers the Host header; undici sends this same value.
    headers: { ...request.headers, host: url.host },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  return signed.headers;
}

/** The headers a webhook's auth adds to its request (all of them, for a signature); none for no auth. */
export async function authorizeRequest(
  auth: WebhookAuth,
  request: RequestToAuthorize,
  context: ActionContext,
): Promise<Record<string, string>> {
  if (auth.type === "none") return {};
  const secret: unknown = await context.openCredential(auth.credentialsId);
  switch (auth.type) {
    case "basic": {
      const { username, password } = parseSecret(
        z.object({ username: z.string(), password: z.string() }),
        secret,
        auth.credentialsId,
        "username-password",
      );
      return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` };
    }
    case "bearer": {
      const { token } = parseSecret(z.object({ token: z.string() }), secret, auth.credentialsId, "api-token");
      return { authorization: `Bearer ${token}` };
    }
    case "aws-sigv4":
      return signAwsV4(request, parseSecret(awsCredentialsSchema, secret, auth.credentialsId, "aws"));
    case "google-service-account": {
      const key = parseSecret(
        googleServiceAccountKeySchema,
        secret,
        auth.credentialsId,
        "google-service-account-json",
      );
      return { authorization: `Bearer ${await context.googleTokens.tokenFor(key, auth.scopes)}` };
    }
  }
}

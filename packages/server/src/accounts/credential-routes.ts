import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { operatorOf } from "../api/authenticate.ts";
import { UserError } from "../errors.ts";
import { awsCredentialsSchema } from "../runtime/actions/webhook-auth.ts";
import { providerAccessSchema } from "../runtime/ports/ai-port.ts";
import { googleServiceAccountKeySchema } from "../runtime/ports/google-token-port.ts";
import type { Cipher } from "../secrets/cipher.ts";
import type { StoredCredential } from "../store/store.ts";

/** Write-only secrets referenced by id from actions (webhook auth, LINE, AI keys); values are never returned. */
const credentialBody = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("api-token"),
    description: z.string().max(1_024).default(""),
    credentials: z.object({ token: z.string().min(1).max(8_192) }),
  }),
  z.object({
    type: z.literal("username-password"),
    description: z.string().max(1_024).default(""),
    credentials: z.object({ username: z.string().min(1).max(1_024), password: z.string().max(1_024) }),
  }),
  z.object({
    /** An operator's own key for one AI provider (bring-your-own): its requests cost no credits. */
    type: z.literal("ai-provider-key"),
    description: z.string().max(1_024).default(""),
    credentials: providerAccessSchema,
  }),
  z.object({
    /** An AWS access key, with the region and service a webhook signs its requests for (SigV4). */
    type: z.literal("aws"),
    description: z.string().max(1_024).default(""),
    credentials: awsCredentialsSchema,
  }),
  z.object({
    /** A Google service account's JSON key file: a webhook exchanges it for access tokens. */
    type: z.literal("google-service-account-json"),
    description: z.string().max(1_024).default(""),
    credentials: googleServiceAccountKeySchema,
  }),
]);

const credentialParams = z.object({
  credentialsId: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, "ids use letters, digits, '.', '-' and '_'"),
});

function publicView({ sealed: _sealed, ...credential }: StoredCredential) {
  return credential;
}

/**
 * The provider an `ai-provider-key` is for is not secret, and lets the studio offer an AI action only
 * the keys for its model's provider. It is kept only in the sealed value; a value that no longer opens
 * or parses (a changed key) leaves it null rather than failing the whole listing.
 */
function listedView(credential: StoredCredential, cipher: Cipher) {
  if (credential.type !== "ai-provider-key") return publicView(credential);
  let provider: string | null = null;
  try {
    const access = providerAccessSchema.safeParse(JSON.parse(cipher.open(credential.sealed)));
    if (access.success) provider = access.data.provider;
  } catch {}
  return { ...publicView(credential), provider };
}

export async function credentialRoutes(api: FastifyInstance, { cipher }: { cipher: Cipher }): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();

  routes.get(
    "/v1/credentials",
    {
      schema: {
        summary: "List credentials (without their values)",
        tags: ["Credential"],
        operationId: "listCredentials",
      },
    },
    async (request) =>
      (await operatorOf(request).listCredentials()).map((credential) => listedView(credential, cipher)),
  );

  routes.put(
    "/v1/credentials/:credentialsId",
    {
      schema: {
        summary: "Create or replace credentials; the values are encrypted and never shown again",
        tags: ["Credential"],
        operationId: "putCredential",
        params: credentialParams,
        body: credentialBody,
      },
    },
    async (request) => {
      const { type, description, credentials } = request.body;
      const stored = await operatorOf(request).putCredential({
        credentialsId: request.params.credentialsId,
        type,
        description,
        sealed: cipher.seal(JSON.stringify(credentials)),
      });
      return publicView(stored);
    },
  );

  routes.delete(
    "/v1/credentials/:credentialsId",
    {
      schema: {
        summary: "Delete credentials",
        tags: ["Credential"],
        operationId: "deleteCredential",
        params: credentialParams,
      },
    },
    async (request, reply) => {
      if (!(await operatorOf(request).deleteCredential(request.params.credentialsId)))
        throw new UserError("not_found", `no credentials '${request.params.credentialsId}'`);
      return reply.status(204).send();
    },
  );
}

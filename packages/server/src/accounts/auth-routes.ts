import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { readCredentials } from "../api/authenticate.ts";
import { hashPassword, verifyPassword } from "../auth/passwords.ts";
import {
  defaultTokenLifetimeSeconds,
  hashSecret,
  maxTokenLifetimeSeconds,
  newApiKey,
  newOperatorId,
  newToken,
} from "../auth/tokens.ts";
import type { ServerConfig } from "../config/config.ts";
import { UserError } from "../errors.ts";
import type { Store } from "../store/store.ts";

const email = z
  .email("not an e-mail address")
  .max(254)
  .transform((value) => value.toLowerCase());
const password = z.string().min(8, "a password has at least 8 characters").max(256);

// Spends the same argon2 time for an unknown e-mail as for a wrong password, so timing reveals no accounts.
const decoyHash = hashPassword("decoy password that matches nothing");

/** Sign-up (one account per e-mail), log-in and log-out. */
export async function authRoutes(
  api: FastifyInstance,
  { store, config }: { store: Store; config: ServerConfig },
): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  await api.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new UserError("rate_limited", `too many attempts from this address; try again in ${context.after}`),
  });
  const perClientIp = { rateLimit: { max: config.limits.authAttemptsPerMinute, timeWindow: 60_000 } };

  routes.post(
    "/v1/operators",
    {
      config: perClientIp,
      schema: {
        summary: "Sign up: create an operator (account) with its root user",
        tags: ["Operator"],
        operationId: "createOperator",
        body: z.object({ email, password }),
      },
    },
    async (request, reply) => {
      const passwordHash = await hashPassword(request.body.password);
      for (let attempt = 0; attempt < 5; attempt++) {
        const operator = {
          operatorId: newOperatorId(),
          email: request.body.email,
          passwordHash,
          createdAt: Date.now(),
        };
        const outcome = await store.createOperator(operator);
        if (outcome === "created")
          return reply
            .status(201)
            .send({ operatorId: operator.operatorId, email: operator.email, createdAt: operator.createdAt });
        if (outcome === "email_taken")
          throw new UserError("conflict", "an account with this e-mail address exists");
      }
      throw new Error("no free operator id after 5 tries");
    },
  );

  routes.post(
    "/v1/auth",
    {
      config: perClientIp,
      schema: {
        summary: "Log in: returns an API key and token for the X-Conflux-API-Key / X-Conflux-Token headers",
        tags: ["Auth"],
        operationId: "auth",
        body: z.object({
          email,
          password: z.string().max(256),
          tokenTimeoutSeconds: z.number().int().min(180).max(maxTokenLifetimeSeconds).optional(),
        }),
      },
    },
    async (request) => {
      const operator = await store.findOperatorByEmail(request.body.email);
      const valid = await verifyPassword(operator?.passwordHash ?? (await decoyHash), request.body.password);
      if (!operator || !valid) throw new UserError("unauthorized", "wrong e-mail address or password");
      const token = newToken();
      const apiKey = newApiKey();
      const lifetime = request.body.tokenTimeoutSeconds ?? defaultTokenLifetimeSeconds;
      await store.saveToken(hashSecret(token), {
        apiKey,
        operatorId: operator.operatorId,
        expiresAt: Date.now() + lifetime * 1000,
      });
      return { apiKey, token, operatorId: operator.operatorId };
    },
  );

  routes.post(
    "/v1/auth/logout",
    {
      schema: { summary: "Log out: the token stops working at once", tags: ["Auth"], operationId: "logout" },
    },
    async (request, reply) => {
      const credentials = readCredentials(request);
      if (credentials) await store.deleteToken(hashSecret(credentials.token), credentials.apiKey);
      return reply.status(204).send();
    },
  );
}

import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { readCredentials } from "../api/authenticate.ts";
import { providerAdminOf } from "../api/authenticate-provider.ts";
import {
  clearSessionCookie,
  providerSessionCookie,
  readSessionCookie,
  requireStudioHeader,
  setSessionCookie,
  studioHeader,
} from "../api/session-cookie.ts";
import { hashPassword, verifyPassword } from "../auth/passwords.ts";
import { defaultTokenLifetimeSeconds, hashSecret, newApiKey, newToken } from "../auth/tokens.ts";
import { UserError } from "../errors.ts";
import type { ProviderStore } from "../store/provider.ts";
import type { SignInFailures } from "../store/sign-in-failures.ts";

export interface ProviderAuthDeps {
  provider: ProviderStore;
  signInFailures: SignInFailures;
}

const signInBody = z.object({
  email: z
    .email("not an e-mail address")
    .max(254)
    .transform((value) => value.toLowerCase()),
  password: z.string().max(256),
});

// A hash to verify against when the address is unknown, so both answers take argon2's time.
let unknownAdminHash: Promise<string> | undefined;
function hashOfNoAdmin(): Promise<string> {
  unknownAdminHash ??= hashPassword(newToken());
  return unknownAdminHash;
}

/** Sign-in of the provider's administrators: failures are throttled like operators' sign-ins. */
export async function providerAuthRoutes(
  api: FastifyInstance,
  { provider, signInFailures }: ProviderAuthDeps,
) {
  /** Checks the password (throttled) and saves a new admin token; answers it once. */
  async function signIn(
    ip: string,
    { email, password }: z.infer<typeof signInBody>,
  ): Promise<{ apiKey: string; token: string; email: string; expiresAt: number }> {
    // Keys of their own kind: an admin's failures never lock an operator of the same address.
    const keys = { account: `provider:${email}`, address: `provider:${ip}` };
    const verdict = await signInFailures.verdict(keys);
    if (!verdict.allowed)
      throw new UserError(
        "rate_limited",
        `too many failed sign-ins; try again in ${Math.ceil(verdict.retryAfterMs / 1000)} seconds`,
      );
    const admin = await provider.findAdmin(email);
    const matches = await verifyPassword(admin?.passwordHash ?? (await hashOfNoAdmin()), password);
    if (!admin || !matches) {
      await signInFailures.recordFailure(keys);
      throw new UserError("unauthorized", "wrong e-mail address or password of a provider administrator");
    }
    await signInFailures.recordSuccess(keys);
    const apiKey = newApiKey();
    const token = newToken();
    const expiresAt = Date.now() + defaultTokenLifetimeSeconds * 1000;
    await provider.saveToken(hashSecret(token), { apiKey, email: admin.email, expiresAt });
    return { apiKey, token, email: admin.email, expiresAt };
  }

  api.withTypeProvider<ZodTypeProvider>().post(
    "/v1/provider/auth",
    {
      schema: {
        summary: "Sign in as a provider administrator: an API key and token for the provider's routes",
        tags: ["Provider"],
        operationId: "providerAuth",
        security: [],
        body: signInBody,
      },
    },
    async (request) => {
      const { apiKey, token } = await signIn(request.ip, request.body);
      return { apiKey, token };
    },
  );

  api.withTypeProvider<ZodTypeProvider>().post(
    "/v1/provider/auth/session",
    {
      schema: {
        summary: `The provider console's sign-in: as POST /v1/provider/auth, but the token goes into an HttpOnly, SameSite=Strict cookie sent only to /v1/provider; calls it authenticates must send ${studioHeader}: 1 unless they are GET`,
        tags: ["Provider"],
        operationId: "createProviderSession",
        security: [],
        body: signInBody,
        response: { 200: z.object({ email: z.string() }) },
      },
    },
    async (request, reply) => {
      requireStudioHeader(request);
      const { token, email, expiresAt } = await signIn(request.ip, request.body);
      const { name, path } = providerSessionCookie;
      setSessionCookie(request, reply, token, expiresAt, name, path);
      return { email };
    },
  );
}

/** Sign-out of an administrator (in the provider's scope: the token is checked first). */
export async function providerLogoutRoute(api: FastifyInstance, { provider }: ProviderAuthDeps) {
  api.post(
    "/v1/provider/auth/logout",
    {
      schema: {
        summary:
          "Sign out a provider administrator: the token stops working at once (and the console's cookie is cleared)",
        tags: ["Provider"],
        operationId: "providerLogout",
      },
    },
    async (request, reply) => {
      const { tokenHash } = providerAdminOf(request);
      if (readCredentials(request)) await provider.deleteToken(tokenHash);
      else if (readSessionCookie(request, providerSessionCookie.name)) {
        await provider.deleteToken(tokenHash);
        clearSessionCookie(request, reply, providerSessionCookie.name, providerSessionCookie.path);
      }
      return reply.status(204).send();
    },
  );
}

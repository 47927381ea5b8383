import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { listSchema, wholeList } from "../api/list-envelope.ts";
import { type ProviderStore, providerSettingsSchema } from "../store/provider.ts";

/** The provider's settings (billing.md): currency, tax, billing time zone, sign-up policy, limits. */
export async function providerSettingsRoutes(
  api: FastifyInstance,
  { provider }: { provider: ProviderStore },
) {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  routes.get(
    "/v1/provider/settings",
    {
      schema: { summary: "The provider's settings", tags: ["Provider"], operationId: "getProviderSettings" },
    },
    async () => provider.settings(),
  );
  routes.put(
    "/v1/provider/settings",
    {
      schema: {
        summary: "Replace the provider's settings (a field left out takes its default)",
        tags: ["Provider"],
        operationId: "putProviderSettings",
        body: providerSettingsSchema,
      },
    },
    async (request) => provider.saveSettings(request.body),
  );
  routes.get(
    "/v1/provider/admins",
    {
      schema: {
        summary: "The provider's administrators",
        tags: ["Provider"],
        operationId: "listProviderAdmins",
        response: { 200: listSchema(z.object({ email: z.string(), createDateTime: z.number().int() })) },
      },
    },
    async () =>
      wholeList(
        (await provider.listAdmins()).map((admin) => ({
          email: admin.email,
          createDateTime: Math.floor(admin.createdAt / 1000),
        })),
      ),
  );
}

import { z } from "zod";
import { definedEntries, type Env } from "../config/environment.ts";

/**
 * The `provider` part of the configuration: the administrator `conflux serve` creates, or whose
 * password it updates, at every start (billing.md "The provider").
 */
export const providerConfigSchema = z
  .object({
    adminEmail: z.email("CONFLUX_PROVIDER_ADMIN_EMAIL is not an e-mail address").optional(),
    adminPassword: z.string().min(8).max(256).optional(),
  })
  .refine((section) => (section.adminEmail === undefined) === (section.adminPassword === undefined), {
    message: "set both CONFLUX_PROVIDER_ADMIN_EMAIL and CONFLUX_PROVIDER_ADMIN_PASSWORD, or neither",
  });

export type ProviderConfigInput = z.input<typeof providerConfigSchema>;

export function providerConfigFromEnvironment(env: Env): ProviderConfigInput | undefined {
  return definedEntries({
    adminEmail: env.CONFLUX_PROVIDER_ADMIN_EMAIL,
    adminPassword: env.CONFLUX_PROVIDER_ADMIN_PASSWORD,
  });
}

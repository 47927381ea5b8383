import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "./schema.ts";

const positiveInteger = z.number().int().positive();

/** Whether a name is a time zone this runtime knows (Intl throws on an unknown one). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The provider's settings (billing.md "The provider"); every field has a default, so `{}` is valid. */
export const providerSettingsSchema = z
  .object({
    /** ISO 4217 code of the currency every amount is in, as integer minor units. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "a three-letter ISO 4217 code such as JPY")
      .default("JPY"),
    taxRatePercent: z.number().int().min(0).max(100).default(10),
    /** The zone whose calendar months are billing months (an IANA name). */
    billingTimeZone: z
      .string()
      .refine(isTimeZone, "an IANA time zone such as UTC or Asia/Tokyo")
      .default("UTC"),
    /** open: a new account signs in at once; review: the provider accepts it first; closed: no sign-up. */
    signUpPolicy: z.enum(["open", "review", "closed"]).default("open"),
    emailVerificationRequired: z.boolean().default(false),
    /** An operator's closing takes effect no sooner than the end of today plus this many days [ToS 6]. */
    closingNoticeDays: z.number().int().min(0).max(365).default(0),
    /** Limits of every operator, unless its plan sets its own; an absent one is off. */
    rateLimits: z
      .object({
        /** API calls per operator and API group per minute. */
        apiCallsPerMinute: positiveInteger.optional(),
        ingestBytesPerSecondPerDevice: positiveInteger.optional(),
        ingestBytesPerSecondPerOperator: positiveInteger.optional(),
        /** Requests to AI providers per operator per minute. */
        aiRequestsPerMinute: positiveInteger.optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export type ProviderSettings = z.infer<typeof providerSettingsSchema>;
export type ProviderSettingsInput = z.input<typeof providerSettingsSchema>;

export interface ProviderToken {
  apiKey: string;
  email: string;
  expiresAt: number;
}

/** The provider's administrators, their tokens and its settings: nothing here belongs to an operator. */
export class ProviderStore {
  /** The settings are read on hot paths (billing months, limits); a change in this process is seen at once. */
  private cached: { settings: ProviderSettings; readAt: number } | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    /** How long another instance's change may take to be seen here. */
    private readonly settingsTtlMs = 1_000,
  ) {}

  async upsertAdmin(email: string, passwordHash: string, now = Date.now()): Promise<void> {
    await this.db
      .insertInto("providerAdmins")
      .values({ email, passwordHash, createdAt: now, updatedAt: now })
      .onConflict((conflict) => conflict.column("email").doUpdateSet({ passwordHash, updatedAt: now }))
      .execute();
  }

  findAdmin(email: string) {
    return this.db
      .selectFrom("providerAdmins")
      .select(["email", "passwordHash"])
      .where("email", "=", email)
      .executeTakeFirst();
  }

  async listAdmins(): Promise<Array<{ email: string; createdAt: number }>> {
    const rows = await this.db
      .selectFrom("providerAdmins")
      .select(["email", "createdAt"])
      .orderBy("email")
      .execute();
    return rows.map((row) => ({ email: row.email, createdAt: Number(row.createdAt) }));
  }

  async saveToken(tokenHash: string, token: ProviderToken, now = Date.now()): Promise<void> {
    await this.db
      .insertInto("providerTokens")
      .values({ tokenHash, ...token, createdAt: now })
      .execute();
  }

  async findToken(tokenHash: string): Promise<ProviderToken | undefined> {
    const row = await this.db
      .selectFrom("providerTokens")
      .select(["apiKey", "email", "expiresAt"])
      .where("tokenHash", "=", tokenHash)
      .executeTakeFirst();
    return row && { apiKey: row.apiKey, email: row.email, expiresAt: Number(row.expiresAt) };
  }

  async deleteToken(tokenHash: string): Promise<void> {
    await this.db.deleteFrom("providerTokens").where("tokenHash", "=", tokenHash).execute();
  }

  /** Whether an operator has this id: the provider's routes answer 404 for one nobody has. */
  async operatorExists(operatorId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom("operators")
      .select("operatorId")
      .where("operatorId", "=", operatorId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async settings(now = Date.now()): Promise<ProviderSettings> {
    if (this.cached && now - this.cached.readAt < this.settingsTtlMs) return this.cached.settings;
    const row = await this.db
      .selectFrom("providerSettings")
      .select("settings")
      .where("id", "=", 1)
      .executeTakeFirst();
    // Defaults fill in fields added after the row was written.
    const settings = providerSettingsSchema.parse(row ? JSON.parse(row.settings) : {});
    this.cached = { settings, readAt: now };
    return settings;
  }

  async saveSettings(input: ProviderSettingsInput, now = Date.now()): Promise<ProviderSettings> {
    const settings = providerSettingsSchema.parse(input);
    const text = JSON.stringify(settings);
    await this.db
      .insertInto("providerSettings")
      .values({ id: 1, settings: text, updatedAt: now })
      .onConflict((conflict) => conflict.column("id").doUpdateSet({ settings: text, updatedAt: now }))
      .execute();
    this.cached = { settings, readAt: now };
    return settings;
  }
}

import { z } from "zod";

/** A Google service account's JSON key file, as Google hands it out; fields we do not use are kept. */
export const googleServiceAccountKeySchema = z.looseObject({
  type: z.literal("service_account").optional(),
  client_email: z.string().min(1).max(1_024),
  private_key: z.string().min(1).max(16_384),
  private_key_id: z.string().max(256).optional(),
  token_uri: z.url().default("https://oauth2.googleapis.com/token"),
});
export type GoogleServiceAccountKey = z.infer<typeof googleServiceAccountKeySchema>;

/** Access tokens of Google service accounts for webhook auth (the runtime keeps one cache per process). */
export interface GoogleTokenPort {
  tokenFor(key: GoogleServiceAccountKey, scopes: readonly string[]): Promise<string>;
}

import { newPasswordSchema } from "../auth/password-policy.ts";
import { hashPassword } from "../auth/passwords.ts";
import { loadConfig, openDatabase } from "../conflux.ts";
import { ProviderStore } from "../store/provider.ts";
import { CliError, exitCodes } from "./errors.ts";

/**
 * `conflux provider add-admin`: writes an administrator straight into the database the server uses
 * (CONFLUX_DATABASE_URL or the data folder), as a person with access to the machine; no server needs
 * to run. An existing administrator's password is replaced.
 */
export async function addProviderAdmin(email: string, password: string, dataDir?: string): Promise<void> {
  const checked = newPasswordSchema.safeParse(password);
  if (!checked.success)
    throw new CliError(checked.error.issues[0]?.message ?? "the password is not accepted", exitCodes.usage);
  const config = loadConfig(process.env, dataDir ? { dataDir } : {});
  const { db } = await openDatabase(config.database, config.dataDir);
  try {
    await new ProviderStore(db).upsertAdmin(email.toLowerCase(), await hashPassword(password));
  } finally {
    await db.destroy();
  }
}

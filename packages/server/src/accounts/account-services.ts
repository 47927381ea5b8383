import type { Kysely } from "kysely";
import type { MailService } from "../mail/smtp.ts";
import type { Cipher } from "../secrets/cipher.ts";
import type { Database } from "../store/schema.ts";
import { SignInFailures } from "../store/sign-in-failures.ts";
import { EmailTokens } from "./email-tokens.ts";
import { MfaStore } from "./mfa-store.ts";
import { OperatorAccounts } from "./operators.ts";
import { accountsDbOf } from "./tables.ts";
import { VerifiedEmails } from "./verified-emails.ts";

/** What sign-in, MFA, password reset and verified addresses keep and send. */
export interface AccountServices {
  failures: SignInFailures;
  mfa: MfaStore;
  emailTokens: EmailTokens;
  verifiedEmails: VerifiedEmails;
  operators: OperatorAccounts;
  mail: MailService | undefined;
  /** Where links in mails point: the configured public URL, else the address the API listens on. */
  baseUrl(): string;
}

export function createAccountServices(
  db: Kysely<Database>,
  cipher: Cipher,
  mail: MailService | undefined,
  baseUrl: () => string,
): AccountServices {
  const accountsDb = accountsDbOf(db);
  return {
    failures: new SignInFailures(db),
    mfa: new MfaStore(accountsDb, cipher),
    emailTokens: new EmailTokens(accountsDb),
    verifiedEmails: new VerifiedEmails(accountsDb),
    operators: new OperatorAccounts(accountsDb),
    mail,
    baseUrl,
  };
}

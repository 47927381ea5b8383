import type { Logger } from "pino";
import type { MailService } from "../mail/smtp.ts";

export interface AccountMail {
  to: string;
  subject: string;
  text: string;
}

/** Mails about the account itself, through the service's SMTP server. */
export function accountMails(baseUrl: string) {
  return {
    /** Sign-up answers alike for a taken address; its owner learns of the attempt here instead. */
    signUpAgain: (to: string): AccountMail => ({
      to,
      subject: "Someone tried to sign up with your address",
      text:
        `Someone tried to create a Conflux account for ${to}, which already has one.\n` +
        `If it was you, sign in at ${baseUrl}/ or reset your password at ${baseUrl}/reset-password\n` +
        "If not, you need do nothing: your account is unchanged.\n",
    }),
    passwordReset: (to: string, token: string, validMinutes: number): AccountMail => ({
      to,
      subject: "Reset your Conflux password",
      text:
        `To choose a new password, open this link within ${validMinutes} minutes:\n` +
        `${baseUrl}/reset-password?token=${encodeURIComponent(token)}\n` +
        "If you did not ask for it, ignore this mail: your password stays as it is.\n",
    }),
    verifySignUp: (to: string, token: string, validMinutes: number): AccountMail => ({
      to,
      subject: "Confirm your address to open your Conflux account",
      text:
        `Your Conflux account for ${to} opens once you confirm this address. Open this link within ${validMinutes} minutes:\n` +
        `${baseUrl}/verify-email?token=${encodeURIComponent(token)}\n` +
        "If you did not sign up, ignore this mail: the account stays closed.\n",
    }),
    verifyAddress: (to: string, token: string, validMinutes: number): AccountMail => ({
      to,
      subject: "Confirm this address for Conflux notifications",
      text:
        `A Conflux account wants to send its app notifications to ${to}. To allow it, open this link within ${validMinutes} minutes:\n` +
        `${baseUrl}/verify-email?token=${encodeURIComponent(token)}\n` +
        "If you do not know why, ignore this mail: nothing will be sent to you.\n",
    }),
  };
}

/**
 * Sends without making the caller wait: an answer that took longer when a mail went out would tell
 * whether an address has an account. Failures are logged (never the mail's text: it carries tokens).
 */
export function sendInBackground(mail: MailService | undefined, message: AccountMail, logger: Logger): void {
  if (!mail) {
    logger.warn({ subject: message.subject }, "no SMTP server is configured; an account mail was not sent");
    return;
  }
  mail
    .send({ to: [message.to], cc: [], bcc: [], subject: message.subject, text: message.text, headers: {} })
    .catch((error: unknown) =>
      logger.error({ err: error, subject: message.subject }, "an account mail could not be sent"),
    );
}

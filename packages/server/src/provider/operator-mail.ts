import type { Logger } from "pino";
import type { MailService } from "../mail/smtp.ts";
import { type RefusalReason, refusalTexts } from "./refusal-reasons.ts";

export interface DecisionMail {
  to: string;
  subject: string;
  text: string;
}

/** Tells an applicant the provider's decision on its application [3.2, 3.3]. */
export const decisionMails = {
  accepted: (to: string): DecisionMail => ({
    to,
    subject: "Your Conflux account is open",
    text: `Your application for ${to} was accepted: you can sign in now.\n`,
  }),
  refused: (to: string, reason: RefusalReason, message: string | undefined): DecisionMail => ({
    to,
    subject: "Your Conflux application was not accepted",
    text:
      `Your application for ${to} was not accepted because ${refusalTexts[reason]}.\n` +
      (message === undefined ? "" : `\n${message}\n`),
  }),
};

/** Sends after the answer; a failure is logged, never the decision undone. */
export function sendDecision(mail: MailService | undefined, message: DecisionMail, logger: Logger): void {
  if (!mail) {
    logger.warn({ subject: message.subject }, "no SMTP server is configured; an applicant was not told");
    return;
  }
  mail
    .send({ to: [message.to], cc: [], bcc: [], subject: message.subject, text: message.text, headers: {} })
    .catch((error: unknown) =>
      logger.error({ err: error, subject: message.subject }, "a decision mail failed"),
    );
}

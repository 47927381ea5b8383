import type { ActionDefinition } from "./action.ts";
import { ActionError } from "./action.ts";
import { renderText } from "./render.ts";

const hourMs = 60 * 60 * 1000;

function addresses(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function startOfUtcMonth(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

function startOfNextUtcMonth(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** Sends mail through the service's SMTP server, within the operator's hourly and monthly limits. */
export const emailAction: ActionDefinition<"email"> = {
  type: "email",
  async run(config, context) {
    if (!context.mail)
      throw new ActionError("email_not_configured", "this Conflux has no SMTP server configured");
    const to = addresses(config.to);
    const cc = addresses(config.cc);
    const bcc = addresses(config.bcc);
    const recipients = to.length + cc.length + bcc.length;
    // Checked on save too; an address removed since then stops receiving at once.
    const [unverified] = await context.verifiedAddresses.unverified(context.operator.operatorId, [
      ...to,
      ...cc,
      ...bcc,
    ]);
    if (unverified)
      throw new ActionError(
        "email_unverified_recipient",
        `${unverified} is not a verified address of this account`,
      );

    const now = Date.now();
    const { perHour, perMonth } = context.mail.limits;
    const windows = [
      { limit: perHour, since: now - hourMs, resetAt: now + hourMs },
      { limit: perMonth, since: startOfUtcMonth(now), resetAt: startOfNextUtcMonth(now) },
    ];
    const usage = [];
    for (const window of windows) {
      const current = await context.operator.countEmailRecipientsSince(window.since);
      if (current + recipients > window.limit)
        throw new ActionError(
          "email_limit_exceeded",
          `e-mail limit reached: ${current} of ${window.limit} sent, ${recipients} more not sent`,
        );
      usage.push({
        curr: current + recipients,
        limit: window.limit,
        resetAt: new Date(window.resetAt).toISOString(),
      });
    }

    await context.mail.send({
      to,
      cc,
      bcc,
      subject: renderText(config.subject, context.scope),
      text: renderText(config.body, context.scope),
      headers: { "Idempotency-Key": context.idempotencyKey },
    });
    await context.operator.recordEmailSend(recipients, now);
    return { result: { sent: { to, cc }, usage } };
  },
};

/** The same action under the name SORACOM Flux is guessed to export it with (docs/flux-compatibility.md). */
export const emailNotificationAction: ActionDefinition<"email-notification"> = {
  type: "email-notification",
  run: (config, context) => emailAction.run(config, context),
};

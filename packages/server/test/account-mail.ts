import { expect } from "vitest";
import type { ApiSession } from "./harness.ts";
import type { ReceivedMail, SmtpStandIn } from "./smtp-stand-in.ts";

/** A mail's text as sent (quoted-printable undone), to read links from. */
export function mailText(mail: ReceivedMail): string {
  return mail.data
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** Waits for the mail to `to` whose text has a `token=` link (mails go out in the background), and answers its token. */
export async function mailedToken(
  smtp: SmtpStandIn,
  to: string,
  after = 0,
  timeoutMs = 5_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = smtp.received
      .slice(after)
      .find((received) => received.to.includes(to) && /token=/.test(mailText(received)));
    const token = mail && /[?&]token=([^\s&]+)/.exec(mailText(mail))?.[1];
    if (token) return decodeURIComponent(token);
    if (Date.now() > deadline) throw new Error(`no mail with a token to ${to}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Adds the addresses to the operator and opens each mailed link, as their owners would. */
export async function verifyAddresses(
  session: ApiSession,
  smtp: SmtpStandIn,
  addresses: string[],
): Promise<void> {
  for (const email of addresses) {
    const before = smtp.received.length;
    const added = await session.call("POST", `/v1/operators/${session.operatorId}/emails`, { email });
    expect(added.status, added.text).toBe(201);
    const token = await mailedToken(smtp, email, before);
    const verified = await session.call("POST", "/v1/operators/add_email_token/verify", { token });
    expect(verified.status, verified.text).toBe(200);
  }
}

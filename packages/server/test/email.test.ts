import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAddresses } from "./account-mail.ts";
import { type ApiSession, signUp, startTestConflux, waitForRun } from "./harness.ts";
import { SmtpStandIn } from "./smtp-stand-in.ts";

const smtp = new SmtpStandIn();
const received = smtp.received;
let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let session: ApiSession;

beforeAll(async () => {
  const port = await smtp.start();
  conflux = await startTestConflux({
    smtp: { host: "127.0.0.1", port, from: "Conflux <alerts@conflux.test>" },
    limits: { emailsPerHour: 3, emailsPerMonth: 100 },
  });
  session = await signUp(conflux.url);
  await verifyAddresses(session, smtp, ["ops@example.com", "boss@example.com"]);
  received.length = 0;
});

afterAll(async () => {
  await conflux?.cleanUp();
  await smtp.stop();
});

describe("the email action", () => {
  it("sends a templated mail through SMTP and stops at the hourly limit, recording why", async () => {
    const created = await session.call("POST", "/v1/apps", {
      name: "mail",
      channels: [{ channelId: "in" }],
      actions: [
        {
          actionId: "mail",
          channelId: "in",
          type: "email",
          config: {
            to: ["ops@example.com"],
            cc: "boss@example.com",
            subject: "Fridge ${payload.sensor} at ${payload.temp} C",
            body: "Reading: ${payload}",
          },
        },
      ],
    });
    expect(created.status, created.text).toBe(201);
    const appId = created.body.appId;
    const send = async (temp: number) =>
      waitForRun(
        session,
        appId,
        (await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { sensor: "f1", temp })).body
          .executionId,
      );

    const first = await send(9);
    expect(first.steps[0]).toMatchObject({
      status: "completed",
      result: {
        sent: { to: ["ops@example.com"], cc: ["boss@example.com"] },
        usage: [
          { curr: 2, limit: 3 },
          { curr: 2, limit: 100 },
        ],
      },
    });
    expect(received).toHaveLength(1);
    expect(received[0]?.from).toBe("alerts@conflux.test");
    expect(received[0]?.to.sort()).toEqual(["boss@example.com", "ops@example.com"]);
    expect(received[0]?.data).toContain("Subject: Fridge f1 at 9 C");
    expect(received[0]?.data).toContain('Reading: {"sensor":"f1","temp":9}');

    const second = await send(10);
    expect(second.steps[0]).toMatchObject({ status: "failed", error: { code: "email_limit_exceeded" } });
    expect(received).toHaveLength(1);
  });

  it("refuses, on save, a recipient the operator has not verified, naming it", async () => {
    const app = (to: string[]) => ({
      name: "unverified",
      channels: [{ channelId: "in" }],
      actions: [
        { actionId: "mail", channelId: "in", type: "email", config: { to, subject: "s", body: "b" } },
      ],
    });
    const refused = await session.call("POST", "/v1/apps", app(["ops@example.com", "stranger@example.com"]));
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain("stranger@example.com");
    const created = await session.call("POST", "/v1/apps", app(["OPS@example.com"]));
    expect(created.status, created.text).toBe(201);
    const updated = await session.call(
      "PUT",
      `/v1/apps/${created.body.appId}`,
      app(["stranger@example.com"]),
    );
    expect(updated.status).toBe(400);
    expect(updated.body.message).toContain("stranger@example.com");

    // An address removed after the save stops receiving at once.
    const addresses = await session.call("GET", `/v1/operators/${session.operatorId}/emails`);
    const ops = addresses.body.find((address: { email: string }) => address.email === "ops@example.com");
    await session.call("DELETE", `/v1/operators/${session.operatorId}/emails/${ops.emailId}`);
    const sent = await session.call("POST", `/v1/apps/${created.body.appId}/channels/in/messages`, {});
    const run = await waitForRun(session, created.body.appId, sent.body.executionId);
    expect(run.steps[0]).toMatchObject({ status: "failed", error: { code: "email_unverified_recipient" } });
    expect(received).toHaveLength(1);
  });

  it("refuses an address that is not one when the app is saved", async () => {
    const created = await session.call("POST", "/v1/apps", {
      name: "bad mail",
      channels: [{ channelId: "in" }],
      actions: [
        {
          actionId: "mail",
          channelId: "in",
          type: "email",
          config: { to: "not-an-address", subject: "s", body: "b" },
        },
      ],
    });
    expect(created.status).toBe(400);
    expect(created.body.message).toContain("config.to of action 'mail'");
  });
});

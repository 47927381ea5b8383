import { useEffect, useState } from "react";
import { useRouter } from "../shell/router.tsx";
import { useStudio } from "../shell/studio-context.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Notice } from "../ui/Notice.tsx";

type Verified = { email: string; verified: boolean };
type Outcome =
  | { state: "checking" }
  | { state: "verified"; email: string }
  | { state: "failed"; error: unknown };

const inFlight = new Map<string, Promise<Verified>>();

/** One request per token while it is pending, however often the effect runs. */
function verifyOnce(token: string, send: () => Promise<Verified>): Promise<Verified> {
  const existing = inFlight.get(token);
  if (existing) return existing;
  const pending = send().finally(() => inFlight.delete(token));
  inFlight.set(token, pending);
  return pending;
}

/**
 * `/verify-email?token=…`, the link mailed to an address added for the `email` action. Whoever reads
 * that mailbox opens it, signed in or not: the token alone confirms the address, once.
 */
export function VerifyEmailPage() {
  const { api } = useStudio();
  const { search } = useRouter();
  const token = new URLSearchParams(search).get("token") ?? "";
  const [outcome, setOutcome] = useState<Outcome>({ state: "checking" });

  useEffect(() => {
    if (!token) {
      setOutcome({
        state: "failed",
        error: new Error("The link has no token; open the link from the mail."),
      });
      return;
    }
    // A token works once: StrictMode's second run must not send it again and show "used" over success.
    let current = true;
    const pending = verifyOnce(token, () => api.verifyEmail(token));
    pending.then(
      (answer) => current && setOutcome({ state: "verified", email: answer.email }),
      (error: unknown) => current && setOutcome({ state: "failed", error }),
    );
    return () => {
      current = false;
    };
  }, [api, token]);

  return (
    <main className="cfx-auth">
      <section className="cfx-card" aria-labelledby="verify-title">
        <h1 id="verify-title">Verify an e-mail address</h1>
        {outcome.state === "checking" ? <p role="status">Checking the link…</p> : null}
        {outcome.state === "verified" ? (
          <Notice>{outcome.email} is verified. Apps of the account can now send mail to it.</Notice>
        ) : null}
        {outcome.state === "failed" ? <ErrorBanner error={outcome.error} /> : null}
      </section>
    </main>
  );
}

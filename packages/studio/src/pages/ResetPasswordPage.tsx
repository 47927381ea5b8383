import { type FormEvent, useState } from "react";
import { ApiError } from "../api/client.ts";
import { Link, useRouter } from "../shell/router.tsx";
import { useStudio } from "../shell/studio-context.tsx";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Notice } from "../ui/Notice.tsx";
import { TextField } from "../ui/TextField.tsx";

/** The server's complaint about the new password (too short, too common), to show under its field. */
function passwordError(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.details.find((detail) => detail.path === "password")?.message;
}

/** Without a token: asks for the address to mail a link to. It cannot tell whether the address has an account. */
function RequestLinkForm() {
  const { api } = useStudio();
  const [email, setEmail] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [sentTo, setSentTo] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.requestPasswordReset(email.trim());
      setSentTo(email.trim());
    } catch (caught) {
      // A 429's message says how long to wait ("try again in 15 minutes").
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  if (sentTo)
    return (
      <Notice>
        If an account has the address {sentTo}, a link to set a new password is on its way. It works once and
        for a limited time.
      </Notice>
    );
  return (
    <form onSubmit={submit} noValidate aria-labelledby="reset-title">
      <p className="cfx-muted">We mail a link to set a new password to the account's root user.</p>
      {error ? <ErrorBanner error={error} /> : null}
      <TextField
        label="E-mail"
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={(event) => setEmail(event.target.value)}
      />
      <Button type="submit" variant="primary" disabled={busy || !email.trim()}>
        Mail me a link
      </Button>
    </form>
  );
}

/** With the mailed token: the new password, twice, so a typo does not lock the owner out again. */
function NewPasswordForm({ token }: { token: string }) {
  const { api } = useStudio();
  const [password, setPassword] = useState("");
  const [repeated, setRepeated] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const mismatch = repeated !== "" && repeated !== password ? "The two passwords differ." : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password !== repeated) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.resetPassword(token, password);
      setDone(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  if (done)
    return (
      <Notice action={<Link to="/login">Log in</Link>}>
        Your new password is set. Every earlier sign-in has ended.
      </Notice>
    );
  const fieldError = passwordError(error);
  return (
    <form onSubmit={submit} noValidate aria-labelledby="reset-title">
      {error && !fieldError ? <ErrorBanner error={error} /> : null}
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        hint="At least 8 characters."
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={fieldError}
      />
      <TextField
        label="New password again"
        type="password"
        autoComplete="new-password"
        required
        value={repeated}
        onChange={(event) => setRepeated(event.target.value)}
        error={mismatch}
      />
      <Button type="submit" variant="primary" disabled={busy || !password || password !== repeated}>
        Set the new password
      </Button>
    </form>
  );
}

/** `/reset-password` (ask for a link) and `/reset-password?token=…` (the mailed link): no session needed. */
export function ResetPasswordPage() {
  const { search } = useRouter();
  const token = new URLSearchParams(search).get("token");
  return (
    <main className="cfx-auth">
      <section className="cfx-card" aria-labelledby="reset-title">
        <h1 id="reset-title">{token ? "Set a new password" : "Reset your password"}</h1>
        {token ? <NewPasswordForm token={token} /> : <RequestLinkForm />}
        <p className="cfx-muted">
          <Link to="/login">Back to log in</Link>
        </p>
      </section>
    </main>
  );
}

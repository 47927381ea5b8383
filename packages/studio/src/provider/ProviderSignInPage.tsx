import { type FormEvent, useState } from "react";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { TextField } from "../ui/TextField.tsx";

/** A provider admin's sign-in (`POST /v1/provider/auth`); operators sign in at /login instead. */
export function ProviderSignInPage({ signIn }: { signIn(email: string, password: string): Promise<void> }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(email, password);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };
  return (
    <main className="cfx-auth">
      <form className="cfx-card" onSubmit={submit} noValidate aria-labelledby="provider-sign-in-title">
        <h1 id="provider-sign-in-title">Provider console</h1>
        <p className="cfx-muted">For the administrators who run this Conflux service.</p>
        {error ? <ErrorBanner error={error} /> : null}
        <TextField
          label="E-mail"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <Button type="submit" variant="primary" disabled={busy}>
          Sign in
        </Button>
      </form>
    </main>
  );
}

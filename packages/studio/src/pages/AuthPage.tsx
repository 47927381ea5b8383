import { type FormEvent, useState } from "react";
import { ApiError } from "../api/client.ts";
import { Link } from "../shell/router.tsx";
import { useStudio } from "../shell/studio-context.tsx";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { TextField } from "../ui/TextField.tsx";

/** The API's validation details name the body field: show each message under its field. */
function fieldErrors(error: unknown): { email?: string; password?: string } {
  if (!(error instanceof ApiError)) return {};
  const errors: { email?: string; password?: string } = {};
  for (const detail of error.details) {
    if (detail.path === "email" || detail.path === "password") errors[detail.path] ??= detail.message;
  }
  return errors;
}

/** Sign-up and log-in: one form, two modes. */
export function AuthPage({ mode }: { mode: "login" | "signup" }) {
  const { api, logIn } = useStudio();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const signingUp = mode === "signup";

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (signingUp) await api.signUp(email, password);
      const answer = await api.logIn(email, password);
      logIn({ ...answer, email: email.trim().toLowerCase() });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const errors = fieldErrors(error);
  const bannerError = error && !errors.email && !errors.password ? error : undefined;
  return (
    <main className="cfx-auth">
      <form className="cfx-card" onSubmit={submit} noValidate aria-labelledby="auth-title">
        <h1 id="auth-title">{signingUp ? "Create your Conflux account" : "Log in to Conflux"}</h1>
        {bannerError ? <ErrorBanner error={bannerError} /> : null}
        <TextField
          label="E-mail"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={errors.email}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete={signingUp ? "new-password" : "current-password"}
          required
          minLength={signingUp ? 8 : undefined}
          hint={signingUp ? "At least 8 characters." : undefined}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={errors.password}
        />
        <Button type="submit" variant="primary" disabled={busy}>
          {signingUp ? "Sign up" : "Log in"}
        </Button>
        <p className="cfx-muted">
          {signingUp ? (
            <>
              Have an account? <Link to="/login">Log in</Link>
            </>
          ) : (
            <>
              New to Conflux? <Link to="/signup">Create an account</Link>
            </>
          )}
        </p>
      </form>
    </main>
  );
}

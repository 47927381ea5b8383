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

/** Sign-up and log-in (as the root user by e-mail, or as a user of an operator): one form, modes. */
export function AuthPage({ mode }: { mode: "login" | "signup" }) {
  const { api, logIn } = useStudio();
  const [asUser, setAsUser] = useState(false);
  const [email, setEmail] = useState("");
  const [operatorId, setOperatorId] = useState("");
  const [userName, setUserName] = useState("");
  const [password, setPassword] = useState("");
  const [mfaOTPCode, setMfaOTPCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const signingUp = mode === "signup";
  const userForm = asUser && !signingUp;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const code = mfaOTPCode.trim() ? { mfaOTPCode: mfaOTPCode.trim() } : {};
    try {
      if (userForm) {
        const answer = await api.logIn({ operatorId: operatorId.trim(), userName, password, ...code });
        logIn({ ...answer, userName: answer.userName ?? userName });
        return;
      }
      if (signingUp) await api.signUp(email, password);
      const { userName: _none, ...answer } = await api.logIn({ email, password, ...code });
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
        {signingUp ? null : (
          <fieldset className="cfx-choice">
            <legend>Log in as</legend>
            <label>
              <input type="radio" name="who" checked={!asUser} onChange={() => setAsUser(false)} /> Root user
            </label>
            <label>
              <input type="radio" name="who" checked={asUser} onChange={() => setAsUser(true)} /> User of an
              operator
            </label>
          </fieldset>
        )}
        {bannerError ? <ErrorBanner error={bannerError} /> : null}
        {userForm ? (
          <>
            <TextField
              label="Operator id"
              autoComplete="organization"
              required
              value={operatorId}
              onChange={(event) => setOperatorId(event.target.value)}
            />
            <TextField
              label="User name"
              autoComplete="username"
              required
              value={userName}
              onChange={(event) => setUserName(event.target.value)}
            />
          </>
        ) : (
          <TextField
            label="E-mail"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            error={errors.email}
          />
        )}
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
        {signingUp ? null : (
          <TextField
            label="MFA code"
            hint="Only when two-factor sign-in is on: the 6 digits of your authenticator app, or a backup code."
            autoComplete="one-time-code"
            inputMode="numeric"
            value={mfaOTPCode}
            onChange={(event) => setMfaOTPCode(event.target.value)}
          />
        )}
        <Button type="submit" variant="primary" disabled={busy}>
          {signingUp ? "Sign up" : "Log in"}
        </Button>
        {signingUp ? null : (
          <p className="cfx-muted">
            <Link to="/reset-password">Forgot your password?</Link>
            {userForm ? " The root user of the operator can set a new one for you." : null}
          </p>
        )}
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

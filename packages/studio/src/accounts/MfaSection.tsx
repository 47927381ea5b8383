import QRCode from "qrcode";
import { useEffect, useState } from "react";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { TextField } from "../ui/TextField.tsx";
import { type Owner, useAccountsApi } from "./accounts-api.ts";
import { SecretOnce } from "./SecretOnce.tsx";

/** The `otpauth://` URI as a QR code an authenticator app scans: an SVG data URL (the CSP allows data: images). */
function useQrCode(text: string | undefined): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    setUrl(undefined);
    if (!text) return;
    let current = true;
    QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 }).then((svg) => {
      if (current) setUrl(`data:image/svg+xml;base64,${btoa(svg)}`);
    });
    return () => {
      current = false;
    };
  }, [text]);
  return url;
}

/** The secret of an `otpauth://totp/…?secret=…` URI, for typing it in when the camera cannot scan. */
function secretOf(totpUri: string): string | undefined {
  try {
    return new URL(totpUri).searchParams.get("secret") ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Two-factor sign-in (TOTP): set up with a QR code, turned on by a first code; the root user's backup
 * codes show once. Turning it off asks root for its password.
 */
export function MfaSection({ owner }: { owner: Owner }) {
  const api = useAccountsApi();
  const status = useLoad(
    () => api.getMfaStatus(owner),
    [api, owner.kind, owner.kind === "user" && owner.userName],
  );
  const [totpUri, setTotpUri] = useState<string>();
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [backupCodes, setBackupCodes] = useState<string[]>();
  const action = useAction();
  const qrCode = useQrCode(totpUri);
  const active = status.data === "ACTIVE";

  const start = () =>
    action.run(async () => {
      setBackupCodes(undefined);
      setTotpUri(await api.startMfa(owner));
    });
  const verify = () =>
    action.run(async () => {
      const codes = await api.verifyMfa(owner, code.trim());
      setTotpUri(undefined);
      setCode("");
      if (codes.length) setBackupCodes(codes);
      status.reload();
    });
  const turnOff = () =>
    action.run(async () => {
      await api.turnOffMfa(owner, password);
      setPassword("");
      status.reload();
    });

  return (
    <section className="cfx-stack" aria-labelledby="mfa-title">
      <h2 id="mfa-title">Two-factor sign-in (MFA)</h2>
      {status.error ? <ErrorBanner error={status.error} onRetry={status.reload} /> : null}
      {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
      <p data-testid="mfa-status">{status.loading ? "Loading…" : active ? "MFA is on." : "MFA is off."}</p>
      {backupCodes ? (
        <SecretOnce label="Backup codes, each usable once." secret={backupCodes.join("\n")} />
      ) : null}
      {!active && !totpUri ? (
        <Button onClick={() => void start()} disabled={action.busy || status.loading}>
          Set up MFA
        </Button>
      ) : null}
      {totpUri ? (
        <form
          className="cfx-stack"
          onSubmit={(event) => {
            event.preventDefault();
            void verify();
          }}
        >
          <p>Scan this code with an authenticator app, then type the 6 digits it shows.</p>
          {qrCode ? (
            <img className="cfx-qr" src={qrCode} alt="QR code of the MFA secret" width={200} height={200} />
          ) : null}
          <p className="cfx-muted">
            Or enter the secret: <span className="cfx-mono">{secretOf(totpUri)}</span>
          </p>
          <TextField
            label="Code from the app"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="\d{6}"
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
          <Button type="submit" variant="primary" disabled={action.busy || !/^\d{6}$/.test(code.trim())}>
            Turn on MFA
          </Button>
        </form>
      ) : null}
      {active ? (
        <form
          className="cfx-stack"
          onSubmit={(event) => {
            event.preventDefault();
            void turnOff();
          }}
        >
          {owner.kind === "root" ? (
            <TextField
              label="Password to turn MFA off"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          ) : null}
          <Button
            type="submit"
            variant="danger"
            disabled={action.busy || (owner.kind === "root" && !password)}
          >
            Turn off MFA
          </Button>
        </form>
      ) : null}
    </section>
  );
}

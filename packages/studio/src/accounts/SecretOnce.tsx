import { useState } from "react";
import { Button } from "../ui/Button.tsx";
import { Notice } from "../ui/Notice.tsx";

/** A secret the server answers once (an auth key, backup codes): shown here with a copy button, never again. */
export function SecretOnce({ label, secret }: { label: string; secret: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Notice
      tone="warning"
      action={
        <Button
          size="small"
          onClick={() =>
            void navigator.clipboard?.writeText(secret).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      }
    >
      <p>{label} It is shown only now: copy it and keep it safe.</p>
      <pre className="cfx-mono cfx-secret" data-testid="secret-once">
        {secret}
      </pre>
    </Notice>
  );
}

import { useState } from "react";
import { useAction } from "../shell/use-action.ts";
import { Button } from "../ui/Button.tsx";
import { ConfirmDialog, Dialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { TextField } from "../ui/TextField.tsx";
import { useConsoleApi } from "./console-api.ts";

/**
 * For a device whose secret was lost: a new one, after a warning that the old one stops working, shown
 * once like the first (the server keeps only its hash).
 */
export function NewSecret({ deviceId }: { deviceId: string }) {
  const api = useConsoleApi();
  const action = useAction();
  const [confirming, setConfirming] = useState(false);
  const [secret, setSecret] = useState<string>();

  const renew = () =>
    action.run(async () => {
      try {
        setSecret((await api.renewSecret(deviceId)).secret);
      } finally {
        setConfirming(false);
      }
    });

  return (
    <>
      <div className="cfx-row">
        <Button size="small" onClick={() => setConfirming(true)}>
          Issue a new secret
        </Button>
      </div>
      {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
      <ConfirmDialog
        open={confirming}
        title="Issue a new secret?"
        confirmLabel="Issue a new secret"
        danger
        busy={action.busy}
        onCancel={() => setConfirming(false)}
        onConfirm={() => void renew()}
      >
        <p>
          The device's current secret stops working within a second: the device cannot send until it has the
          new one.
        </p>
      </ConfirmDialog>
      <Dialog
        open={secret !== undefined}
        title="New secret"
        onClose={() => setSecret(undefined)}
        actions={
          <Button variant="primary" onClick={() => setSecret(undefined)}>
            I have copied the secret
          </Button>
        }
      >
        <p>
          The new secret of <span className="cfx-mono">{deviceId}</span> is shown this once: put it in the
          device now.
        </p>
        <TextField label="Secret" readOnly value={secret ?? ""} onFocus={(event) => event.target.select()} />
      </Dialog>
    </>
  );
}

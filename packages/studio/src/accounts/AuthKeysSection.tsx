import { useState } from "react";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ConfirmDialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Table } from "../ui/Table.tsx";
import { Time } from "../ui/Time.tsx";
import { type AuthKeySummary, type NewAuthKey, type Owner, useAccountsApi } from "./accounts-api.ts";
import { SecretOnce } from "./SecretOnce.tsx";

/** Auth keys of the root user or of one user: for programs, never the console; the secret shows once. */
export function AuthKeysSection({ owner }: { owner: Owner }) {
  const api = useAccountsApi();
  const keys = useLoad(
    () => api.listAuthKeys(owner),
    [api, owner.kind, owner.kind === "user" && owner.userName],
  );
  const [created, setCreated] = useState<NewAuthKey>();
  const [deleting, setDeleting] = useState<AuthKeySummary>();
  const action = useAction();

  const create = () =>
    action.run(async () => {
      setCreated(await api.createAuthKey(owner));
      keys.reload();
    });
  const remove = () =>
    action.run(async () => {
      const key = deleting;
      setDeleting(undefined);
      if (!key) return;
      await api.deleteAuthKey(owner, key.authKeyId);
      if (created?.authKeyId === key.authKeyId) setCreated(undefined);
      keys.reload();
    });

  return (
    <section className="cfx-stack" aria-labelledby="auth-keys-title">
      <div className="cfx-section-header">
        <h2 id="auth-keys-title">Auth keys</h2>
        <Button onClick={() => void create()} disabled={action.busy}>
          New auth key
        </Button>
      </div>
      <p className="cfx-muted">
        Programs sign in with an auth key id and secret (<code>POST /v1/auth</code>) and act with these
        permissions.
      </p>
      {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
      {created ? <SecretOnce label={`The secret of ${created.authKeyId}.`} secret={created.authKey} /> : null}
      {keys.error ? (
        <ErrorBanner error={keys.error} onRetry={keys.reload} />
      ) : (
        <Table
          caption="Auth keys"
          rows={keys.data ?? []}
          rowKey={(key) => key.authKeyId}
          empty={keys.loading ? "Loading…" : "No auth keys."}
          columns={[
            { header: "Id", cell: (key) => <span className="cfx-mono">{key.authKeyId}</span> },
            { header: "Created", cell: (key) => <Time ms={key.createDateTime * 1000} /> },
            {
              header: "Last used",
              cell: (key) => (key.lastUsedDateTime ? <Time ms={key.lastUsedDateTime * 1000} /> : "never"),
            },
            {
              header: "Actions",
              visuallyHiddenHeader: true,
              cell: (key) => (
                <Button
                  size="small"
                  variant="danger"
                  aria-label={`Delete auth key ${key.authKeyId}`}
                  onClick={() => setDeleting(key)}
                >
                  Delete
                </Button>
              ),
            },
          ]}
        />
      )}
      <ConfirmDialog
        open={deleting !== undefined}
        title="Delete auth key?"
        confirmLabel="Delete auth key"
        danger
        busy={action.busy}
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => void remove()}
      >
        <p>Programs using {deleting?.authKeyId} can no longer sign in with it.</p>
      </ConfirmDialog>
    </section>
  );
}

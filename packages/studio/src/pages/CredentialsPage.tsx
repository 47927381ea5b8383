import { useState } from "react";
import type { NewCredential } from "../api/conflux-api.ts";
import type { CredentialSummary } from "../editor/contract.ts";
import { useStudio } from "../shell/studio-context.tsx";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ConfirmDialog, Dialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Select } from "../ui/Select.tsx";
import { Table } from "../ui/Table.tsx";
import { TextField } from "../ui/TextField.tsx";
import { useToast } from "../ui/Toast.tsx";

interface Draft {
  credentialsId: string;
  type: NewCredential["type"];
  description: string;
  token: string;
  username: string;
  password: string;
}

const emptyDraft: Draft = {
  credentialsId: "",
  type: "api-token",
  description: "",
  token: "",
  username: "",
  password: "",
};

function toCredential(draft: Draft): NewCredential {
  return draft.type === "api-token"
    ? { type: "api-token", description: draft.description, credentials: { token: draft.token } }
    : {
        type: "username-password",
        description: draft.description,
        credentials: { username: draft.username, password: draft.password },
      };
}

/** Stored secrets for webhook auth: written once, listed by id, never shown again. */
export function CredentialsPage() {
  const { api } = useStudio();
  const toast = useToast();
  const credentials = useLoad(() => api.listCredentials(), [api]);
  const [draft, setDraft] = useState<Draft>();
  const [deleting, setDeleting] = useState<CredentialSummary>();
  // Saving reports in its dialog; deleting on the page.
  const saving = useAction();
  const action = useAction();
  const busy = saving.busy || action.busy;

  const create = () =>
    saving.run(async () => {
      if (!draft) return;
      await api.putCredential(draft.credentialsId, toCredential(draft));
      // The values leave the page with the dialog: the server never returns them.
      setDraft(undefined);
      toast.show(`Saved credentials "${draft.credentialsId}"`);
      credentials.reload();
    });

  const remove = () =>
    action.run(async () => {
      if (!deleting) return;
      try {
        await api.deleteCredential(deleting.credentialsId);
      } finally {
        // Closed either way: a failure shows on the page, which the modal would cover.
        setDeleting(undefined);
      }
      toast.show(`Deleted credentials "${deleting.credentialsId}"`);
      credentials.reload();
    });

  const set = (fields: Partial<Draft>) =>
    setDraft((current) => (current ? { ...current, ...fields } : current));
  const idTaken = draft && credentials.data?.some((item) => item.credentialsId === draft.credentialsId);
  return (
    <Page
      title="Credentials"
      toolbar={
        <Button
          variant="primary"
          onClick={() => {
            saving.clearError();
            setDraft(emptyDraft);
          }}
        >
          New credentials
        </Button>
      }
    >
      <div className="cfx-stack">
        <p className="cfx-muted">
          Secrets that webhook actions use for Basic or bearer auth. They are encrypted at rest, and their
          values are never shown again after you save them.
        </p>
        {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
        {credentials.error ? (
          <ErrorBanner error={credentials.error} onRetry={credentials.reload} />
        ) : (
          <Table
            caption="Credentials"
            rows={credentials.data ?? []}
            rowKey={(item) => item.credentialsId}
            empty={credentials.loading ? "Loading…" : "No credentials yet."}
            columns={[
              { header: "Id", cell: (item) => <span className="cfx-mono">{item.credentialsId}</span> },
              { header: "Type", cell: (item) => item.type },
              { header: "Description", cell: (item) => item.description },
              {
                header: "Actions",
                visuallyHiddenHeader: true,
                cell: (item) => (
                  <div className="cfx-table__actions">
                    <Button
                      size="small"
                      variant="danger"
                      aria-label={`Delete credentials ${item.credentialsId}`}
                      onClick={() => setDeleting(item)}
                    >
                      Delete
                    </Button>
                  </div>
                ),
              },
            ]}
          />
        )}
      </div>

      <Dialog
        open={draft !== undefined}
        title="New credentials"
        onClose={() => setDraft(undefined)}
        onSubmit={() => void create()}
        actions={
          <>
            <Button onClick={() => setDraft(undefined)}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={busy || !draft?.credentialsId}>
              Save
            </Button>
          </>
        }
      >
        {saving.error ? <ErrorBanner error={saving.error} /> : null}
        {draft ? (
          <>
            <TextField
              label="Id"
              hint={
                idTaken
                  ? "Credentials with this id exist: saving replaces them."
                  : "Letters, digits, '.', '-' and '_'. Actions refer to it."
              }
              value={draft.credentialsId}
              pattern="[A-Za-z0-9_.\-]{1,128}"
              onChange={(event) => set({ credentialsId: event.target.value })}
            />
            <Select
              label="Type"
              value={draft.type}
              onChange={(event) => set({ type: event.target.value as Draft["type"] })}
              options={[
                { value: "api-token", label: "API token (bearer)" },
                { value: "username-password", label: "Username and password (Basic)" },
              ]}
            />
            <TextField
              label="Description"
              value={draft.description}
              onChange={(event) => set({ description: event.target.value })}
            />
            {draft.type === "api-token" ? (
              <TextField
                label="Token"
                type="password"
                autoComplete="off"
                value={draft.token}
                onChange={(event) => set({ token: event.target.value })}
              />
            ) : (
              <>
                <TextField
                  label="Username"
                  autoComplete="off"
                  value={draft.username}
                  onChange={(event) => set({ username: event.target.value })}
                />
                <TextField
                  label="Password"
                  type="password"
                  autoComplete="new-password"
                  value={draft.password}
                  onChange={(event) => set({ password: event.target.value })}
                />
              </>
            )}
          </>
        ) : null}
      </Dialog>

      <ConfirmDialog
        open={deleting !== undefined}
        title="Delete credentials?"
        confirmLabel="Delete credentials"
        danger
        busy={busy}
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => void remove()}
      >
        <p>Webhook actions that use "{deleting?.credentialsId}" will fail until you add them again.</p>
      </ConfirmDialog>
    </Page>
  );
}

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
import { TextAreaField, TextField } from "../ui/TextField.tsx";
import { useToast } from "../ui/Toast.tsx";

interface Draft {
  credentialsId: string;
  type: NewCredential["type"];
  description: string;
  token: string;
  username: string;
  password: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  region: string;
  service: string;
  keyFile: string;
}

const emptyDraft: Draft = {
  credentialsId: "",
  type: "api-token",
  description: "",
  token: "",
  username: "",
  password: "",
  accessKeyId: "",
  secretAccessKey: "",
  sessionToken: "",
  region: "",
  service: "",
  keyFile: "",
};

function parseKeyFile(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new Error(
      "The key file is not JSON: paste the whole file Google gave you for the service account.",
    );
  return parsed as Record<string, unknown>;
}

function toCredential(draft: Draft): NewCredential {
  const { description } = draft;
  switch (draft.type) {
    case "api-token":
      return { type: "api-token", description, credentials: { token: draft.token } };
    case "username-password":
      return {
        type: "username-password",
        description,
        credentials: { username: draft.username, password: draft.password },
      };
    case "aws":
      return {
        type: "aws",
        description,
        credentials: {
          accessKeyId: draft.accessKeyId,
          secretAccessKey: draft.secretAccessKey,
          ...(draft.sessionToken ? { sessionToken: draft.sessionToken } : {}),
          region: draft.region,
          service: draft.service,
        },
      };
    case "google-service-account-json":
      return { type: "google-service-account-json", description, credentials: parseKeyFile(draft.keyFile) };
  }
}

/** The values of the draft's type of credentials. */
function SecretFields({ draft, set }: { draft: Draft; set(fields: Partial<Draft>): void }) {
  switch (draft.type) {
    case "api-token":
      return (
        <TextField
          label="Token"
          type="password"
          autoComplete="off"
          value={draft.token}
          onChange={(event) => set({ token: event.target.value })}
        />
      );
    case "username-password":
      return (
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
      );
    case "aws":
      return (
        <>
          <TextField
            label="Access key id"
            autoComplete="off"
            value={draft.accessKeyId}
            onChange={(event) => set({ accessKeyId: event.target.value })}
          />
          <TextField
            label="Secret access key"
            type="password"
            autoComplete="off"
            value={draft.secretAccessKey}
            onChange={(event) => set({ secretAccessKey: event.target.value })}
          />
          <TextField
            label="Session token"
            hint="Only for temporary keys."
            type="password"
            autoComplete="off"
            value={draft.sessionToken}
            onChange={(event) => set({ sessionToken: event.target.value })}
          />
          <TextField
            label="Region"
            hint="Where requests are signed for, e.g. ap-northeast-1."
            value={draft.region}
            onChange={(event) => set({ region: event.target.value })}
          />
          <TextField
            label="Service"
            hint="The signing name of the service, e.g. execute-api for API Gateway, lambda for function URLs."
            value={draft.service}
            onChange={(event) => set({ service: event.target.value })}
          />
        </>
      );
    case "google-service-account-json":
      return (
        <TextAreaField
          label="Key file"
          hint="Paste the JSON key file of the service account."
          autoComplete="off"
          spellCheck={false}
          rows={6}
          value={draft.keyFile}
          onChange={(event) => set({ keyFile: event.target.value })}
        />
      );
  }
}

/** Stored secrets for webhook auth, LINE and AI keys: written once, listed by id, never shown again. */
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
          Secrets that actions use: webhook auth (Basic, bearer, AWS, Google service account) and LINE channel
          access tokens (API token). They are encrypted at rest, and their values are never shown again after
          you save them.
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
                { value: "aws", label: "AWS access key (Signature Version 4)" },
                { value: "google-service-account-json", label: "Google service account (JSON key file)" },
              ]}
            />
            <TextField
              label="Description"
              value={draft.description}
              onChange={(event) => set({ description: event.target.value })}
            />
            <SecretFields draft={draft} set={set} />
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

import { useEffect, useState } from "react";
import { ApiError } from "../api/client.ts";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ConfirmDialog, Dialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Table } from "../ui/Table.tsx";
import { TextField } from "../ui/TextField.tsx";
import { useToast } from "../ui/Toast.tsx";
import { type Role, useAccountsApi } from "./accounts-api.ts";
import { isSendable, PermissionEditor, serverProblemOf } from "./PermissionEditor.tsx";
import { readOnlyAppsPermission } from "./permission-document.ts";

interface RoleDraft {
  roleId: string;
  description: string;
  permission: string;
  /** Editing a saved role (PUT) rather than creating one (POST). */
  saved: boolean;
}

/** The permissions every user has besides its own and its roles'. */
function DefaultPermissionsSection() {
  const api = useAccountsApi();
  const toast = useToast();
  // No defaults set reads as 404 on some servers: an empty document then.
  const loaded = useLoad(
    () =>
      api
        .getDefaultPermissions()
        .catch((error) => (error instanceof ApiError && error.status === 404 ? "" : Promise.reject(error))),
    [api],
  );
  const [text, setText] = useState("");
  useEffect(() => setText(loaded.data ?? ""), [loaded.data]);
  const action = useAction();
  const save = () =>
    action.run(async () => {
      await api.setDefaultPermissions(text);
      toast.show("Saved the default permissions");
    });
  return (
    <section className="cfx-stack" aria-labelledby="defaults-title">
      <h2 id="defaults-title">Default permissions</h2>
      {loaded.error ? <ErrorBanner error={loaded.error} onRetry={loaded.reload} /> : null}
      <PermissionEditor
        label="Default permissions of every user"
        value={text}
        onChange={(value) => {
          setText(value);
          action.clearError();
        }}
        serverProblem={serverProblemOf(action.error)}
      />
      {action.error && !serverProblemOf(action.error) ? (
        <ErrorBanner error={action.error} onDismiss={action.clearError} />
      ) : null}
      <div>
        <Button onClick={() => void save()} disabled={action.busy || !isSendable(text) || loaded.loading}>
          Save default permissions
        </Button>
      </div>
    </section>
  );
}

/** Roles (named permission documents users share) and the operator's default permissions. */
export function RolesPage() {
  const api = useAccountsApi();
  const toast = useToast();
  const roles = useLoad(() => api.listRoles(), [api]);
  const [draft, setDraft] = useState<RoleDraft>();
  const [deleting, setDeleting] = useState<Role>();
  const saving = useAction();
  const action = useAction();

  const edit = (role: Role) =>
    action.run(async () => {
      // The list may leave the document out: read the role itself.
      const full = await api.getRole(role.roleId);
      saving.clearError();
      setDraft({
        roleId: full.roleId,
        description: full.description,
        permission: full.permission,
        saved: true,
      });
    });
  const save = () =>
    saving.run(async () => {
      if (!draft) return;
      if (draft.saved) await api.updateRole(draft.roleId, draft.permission, draft.description);
      else await api.createRole(draft.roleId, draft.permission, draft.description);
      setDraft(undefined);
      toast.show(`Saved role ${draft.roleId}`);
      roles.reload();
    });
  const remove = () =>
    action.run(async () => {
      const role = deleting;
      setDeleting(undefined);
      if (!role) return;
      await api.deleteRole(role.roleId);
      toast.show(`Deleted role ${role.roleId}`);
      roles.reload();
    });

  return (
    <Page
      title="Roles"
      toolbar={
        <Button
          variant="primary"
          onClick={() => {
            saving.clearError();
            setDraft({ roleId: "", description: "", permission: readOnlyAppsPermission, saved: false });
          }}
        >
          New role
        </Button>
      }
    >
      <div className="cfx-stack">
        {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
        {roles.error ? (
          <ErrorBanner error={roles.error} onRetry={roles.reload} />
        ) : (
          <Table
            caption="Roles"
            rows={roles.data ?? []}
            rowKey={(role) => role.roleId}
            empty={roles.loading ? "Loading…" : "No roles yet."}
            columns={[
              { header: "Role", cell: (role) => <span className="cfx-mono">{role.roleId}</span> },
              { header: "Description", cell: (role) => role.description },
              {
                header: "Actions",
                visuallyHiddenHeader: true,
                cell: (role) => (
                  <div className="cfx-table__actions">
                    <Button
                      size="small"
                      aria-label={`Edit role ${role.roleId}`}
                      onClick={() => void edit(role)}
                    >
                      Edit
                    </Button>
                    <Button
                      size="small"
                      variant="danger"
                      aria-label={`Delete role ${role.roleId}`}
                      onClick={() => setDeleting(role)}
                    >
                      Delete
                    </Button>
                  </div>
                ),
              },
            ]}
          />
        )}
        <DefaultPermissionsSection />
      </div>
      <Dialog
        open={draft !== undefined}
        wide
        title={draft?.saved ? `Role ${draft.roleId}` : "New role"}
        onClose={() => setDraft(undefined)}
        onSubmit={() => void save()}
        actions={
          <>
            <Button onClick={() => setDraft(undefined)}>Cancel</Button>
            <Button
              type="submit"
              variant="primary"
              disabled={saving.busy || !draft?.roleId || !isSendable(draft.permission)}
            >
              Save role
            </Button>
          </>
        }
      >
        {saving.error && !serverProblemOf(saving.error) ? <ErrorBanner error={saving.error} /> : null}
        {draft ? (
          <>
            <TextField
              label="Role id"
              readOnly={draft.saved}
              value={draft.roleId}
              onChange={(event) => setDraft({ ...draft, roleId: event.target.value })}
            />
            <TextField
              label="Description"
              value={draft.description}
              onChange={(event) => setDraft({ ...draft, description: event.target.value })}
            />
            <PermissionEditor
              value={draft.permission}
              onChange={(permission) => {
                setDraft({ ...draft, permission });
                saving.clearError();
              }}
              serverProblem={serverProblemOf(saving.error)}
            />
          </>
        ) : null}
      </Dialog>
      <ConfirmDialog
        open={deleting !== undefined}
        title="Delete role?"
        confirmLabel="Delete role"
        danger
        busy={action.busy}
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => void remove()}
      >
        <p>Users with {deleting?.roleId} lose the permissions it gave them.</p>
      </ConfirmDialog>
    </Page>
  );
}

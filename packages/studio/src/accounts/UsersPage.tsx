import { useState } from "react";
import { usePermissions } from "../shell/permissions.tsx";
import { Link, pathOf, useRouter } from "../shell/router.tsx";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ConfirmDialog, Dialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Table } from "../ui/Table.tsx";
import { TextField } from "../ui/TextField.tsx";
import { useToast } from "../ui/Toast.tsx";
import { type User, useAccountsApi } from "./accounts-api.ts";

/** SORACOM's rule for user names, so a name typed here works in its API paths too. */
const userNamePattern = "[A-Za-z0-9@+=\\-_.,]{1,100}";

/** The operator's users: who they are, whether they can sign in, their roles; create and delete. */
export function UsersPage() {
  const api = useAccountsApi();
  const { can } = usePermissions();
  const { navigate } = useRouter();
  const toast = useToast();
  const users = useLoad(() => api.listUsers(), [api]);
  const [draft, setDraft] = useState<{ userName: string; description: string }>();
  const [deleting, setDeleting] = useState<User>();
  const creating = useAction();
  const action = useAction();

  const create = () =>
    creating.run(async () => {
      if (!draft) return;
      await api.createUser(draft.userName, draft.description);
      setDraft(undefined);
      toast.show(`Created user ${draft.userName}`);
      navigate(pathOf({ page: "user", userName: draft.userName }));
    });
  const remove = () =>
    action.run(async () => {
      const user = deleting;
      setDeleting(undefined);
      if (!user) return;
      await api.deleteUser(user.userName);
      toast.show(`Deleted user ${user.userName}`);
      users.reload();
    });

  return (
    <Page
      title="Users"
      toolbar={
        can("User:createUser") ? (
          <Button variant="primary" onClick={() => setDraft({ userName: "", description: "" })}>
            New user
          </Button>
        ) : null
      }
    >
      <div className="cfx-stack">
        <p className="cfx-muted">
          People and programs that act on this operator with the permissions you give them, directly or by
          roles. A new user has no password, no keys and no permissions.
        </p>
        {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
        {users.error ? (
          <ErrorBanner error={users.error} onRetry={users.reload} />
        ) : (
          <Table
            caption="Users"
            rows={users.data ?? []}
            rowKey={(user) => user.userName}
            empty={users.loading ? "Loading…" : "No users yet."}
            columns={[
              {
                header: "Name",
                cell: (user) => (
                  <Link to={pathOf({ page: "user", userName: user.userName })}>{user.userName}</Link>
                ),
              },
              { header: "Description", cell: (user) => user.description },
              { header: "Password", cell: (user) => (user.hasPassword ? "set" : "none") },
              { header: "Roles", cell: (user) => user.roleList.map((role) => role.roleId).join(", ") },
              { header: "Auth keys", cell: (user) => user.authKeyList.length },
              {
                header: "Actions",
                visuallyHiddenHeader: true,
                cell: (user) =>
                  can("User:deleteUser") ? (
                    <Button
                      size="small"
                      variant="danger"
                      aria-label={`Delete user ${user.userName}`}
                      onClick={() => setDeleting(user)}
                    >
                      Delete
                    </Button>
                  ) : null,
              },
            ]}
          />
        )}
      </div>
      <Dialog
        open={draft !== undefined}
        title="New user"
        onClose={() => setDraft(undefined)}
        onSubmit={() => void create()}
        actions={
          <>
            <Button onClick={() => setDraft(undefined)}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={creating.busy || !draft?.userName}>
              Create user
            </Button>
          </>
        }
      >
        {creating.error ? <ErrorBanner error={creating.error} /> : null}
        {draft ? (
          <>
            <TextField
              label="User name"
              hint="Letters, digits and @+=-_.,; up to 100."
              pattern={userNamePattern}
              value={draft.userName}
              onChange={(event) => setDraft({ ...draft, userName: event.target.value })}
            />
            <TextField
              label="Description"
              value={draft.description}
              onChange={(event) => setDraft({ ...draft, description: event.target.value })}
            />
          </>
        ) : null}
      </Dialog>
      <ConfirmDialog
        open={deleting !== undefined}
        title="Delete user?"
        confirmLabel="Delete user"
        danger
        busy={action.busy}
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => void remove()}
      >
        <p>{deleting?.userName} is removed with its auth keys, and its sessions end.</p>
      </ConfirmDialog>
    </Page>
  );
}

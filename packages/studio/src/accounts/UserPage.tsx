import { useEffect, useState } from "react";
import { usePermissions } from "../shell/permissions.tsx";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Select } from "../ui/Select.tsx";
import { Table } from "../ui/Table.tsx";
import { TextField } from "../ui/TextField.tsx";
import { useToast } from "../ui/Toast.tsx";
import { AuthKeysSection } from "./AuthKeysSection.tsx";
import { useAccountsApi } from "./accounts-api.ts";
import { isSendable, PermissionEditor, serverProblemOf } from "./PermissionEditor.tsx";
import { readOnlyAppsPermission } from "./permission-document.ts";
import { SignOutEverywhere } from "./SignOutEverywhere.tsx";

function PasswordSection({ userName }: { userName: string }) {
  const api = useAccountsApi();
  const toast = useToast();
  const [password, setPassword] = useState("");
  const action = useAction();
  const save = () =>
    action.run(async () => {
      await api.setUserPassword(userName, password);
      setPassword("");
      toast.show(`Set the password of ${userName}`);
    });
  return (
    <form
      className="cfx-stack"
      aria-labelledby="password-title"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <h2 id="password-title">Password</h2>
      {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        minLength={8}
        hint="8 to 256 characters, not a common password. The user signs in with the operator id, its name and this."
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <div>
        <Button type="submit" disabled={action.busy || password.length < 8}>
          Set password
        </Button>
      </div>
    </form>
  );
}

/** A user's two-factor sign-in as root sees it: on or off, and turned off when the user lost its device. */
function UserMfaSection({ userName }: { userName: string }) {
  const api = useAccountsApi();
  const toast = useToast();
  const owner = { kind: "user" as const, userName };
  const status = useLoad(() => api.getMfaStatus(owner), [api, userName]);
  const action = useAction();
  const turnOff = () =>
    action.run(async () => {
      await api.turnOffMfa(owner);
      toast.show(`Turned off two-factor sign-in for ${userName}`);
      status.reload();
    });
  return (
    <section className="cfx-stack" aria-labelledby="user-mfa-title">
      <h2 id="user-mfa-title">Two-factor sign-in</h2>
      {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
      {status.error ? <ErrorBanner error={status.error} /> : null}
      {status.data === "ACTIVE" ? (
        <div className="cfx-stack">
          <p>On: {userName} signs in with a code from its authenticator app.</p>
          <div>
            <Button variant="danger" disabled={action.busy} onClick={() => void turnOff()}>
              Turn off two-factor sign-in
            </Button>
          </div>
        </div>
      ) : status.data === "INACTIVE" ? (
        <p>Off. {userName} turns it on from its own account page.</p>
      ) : null}
    </section>
  );
}

function PermissionSection({
  userName,
  saved,
  onSaved,
}: {
  userName: string;
  saved: string;
  onSaved(): void;
}) {
  const api = useAccountsApi();
  const { can } = usePermissions();
  const toast = useToast();
  const [text, setText] = useState(saved);
  useEffect(() => setText(saved), [saved]);
  const action = useAction();
  const save = () =>
    action.run(async () => {
      await api.setUserPermission(userName, text);
      toast.show(`Saved the permission of ${userName}`);
      onSaved();
    });
  const editable = can("User:updateUserPermission");
  return (
    <section className="cfx-stack" aria-labelledby="permission-title">
      <h2 id="permission-title">Permission</h2>
      <PermissionEditor
        value={text}
        onChange={(value) => {
          setText(value);
          action.clearError();
        }}
        serverProblem={serverProblemOf(action.error)}
        readOnly={!editable}
      />
      {action.error && !serverProblemOf(action.error) ? (
        <ErrorBanner error={action.error} onDismiss={action.clearError} />
      ) : null}
      {editable ? (
        <div className="cfx-row">
          <Button variant="primary" onClick={() => void save()} disabled={action.busy || !isSendable(text)}>
            Save permission
          </Button>
          <Button onClick={() => setText(readOnlyAppsPermission)}>Use the read-only example</Button>
        </div>
      ) : null}
    </section>
  );
}

function RolesSection({
  userName,
  attached,
  onChanged,
}: {
  userName: string;
  attached: string[];
  onChanged(): void;
}) {
  const api = useAccountsApi();
  const roles = useLoad(() => api.listRoles(), [api]);
  const [roleId, setRoleId] = useState("");
  const action = useAction();
  const available = (roles.data ?? []).filter((role) => !attached.includes(role.roleId));
  const attach = () =>
    action.run(async () => {
      await api.attachRole(userName, roleId);
      setRoleId("");
      onChanged();
    });
  const detach = (id: string) =>
    action.run(async () => {
      await api.detachRole(userName, id);
      onChanged();
    });
  return (
    <section className="cfx-stack" aria-labelledby="roles-title">
      <h2 id="roles-title">Roles</h2>
      {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
      <Table
        caption="Attached roles"
        rows={attached}
        rowKey={(id) => id}
        empty="No roles attached."
        columns={[
          { header: "Role", cell: (id) => <span className="cfx-mono">{id}</span> },
          {
            header: "Actions",
            visuallyHiddenHeader: true,
            cell: (id) => (
              <Button size="small" aria-label={`Detach role ${id}`} onClick={() => void detach(id)}>
                Detach
              </Button>
            ),
          },
        ]}
      />
      {available.length ? (
        <div className="cfx-row">
          <Select
            label="Role to attach"
            value={roleId}
            onChange={(event) => setRoleId(event.target.value)}
            options={[
              { value: "", label: "Choose a role" },
              ...available.map((role) => ({ value: role.roleId, label: role.roleId })),
            ]}
          />
          <Button onClick={() => void attach()} disabled={action.busy || !roleId}>
            Attach role
          </Button>
        </div>
      ) : null}
    </section>
  );
}

/** One user: its password, permission, roles, auth keys and sessions. */
export function UserPage({ userName }: { userName: string }) {
  const api = useAccountsApi();
  const user = useLoad(() => api.getUser(userName), [api, userName]);
  return (
    <Page title={`User ${userName}`}>
      {user.error ? (
        <ErrorBanner error={user.error} onRetry={user.reload} />
      ) : !user.data ? (
        <p className="cfx-muted">Loading…</p>
      ) : (
        <div className="cfx-stack">
          {user.data.description ? <p>{user.data.description}</p> : null}
          <p className="cfx-muted">
            {user.data.hasPassword ? "Can sign in with a password." : "No password yet."}
          </p>
          <PasswordSection userName={userName} />
          <PermissionSection userName={userName} saved={user.data.permission} onSaved={user.reload} />
          <RolesSection
            userName={userName}
            attached={user.data.roleList.map((role) => role.roleId)}
            onChanged={user.reload}
          />
          <UserMfaSection userName={userName} />
          <AuthKeysSection owner={{ kind: "user", userName }} />
          <SignOutEverywhere owner={{ kind: "user", userName }} />
        </div>
      )}
    </Page>
  );
}

import { useState } from "react";
import { Link, pathOf } from "../shell/router.tsx";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { TrailingBadge } from "../ui/Badge.tsx";
import { Button } from "../ui/Button.tsx";
import { ConfirmDialog, Dialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Select } from "../ui/Select.tsx";
import { Table } from "../ui/Table.tsx";
import { TextField } from "../ui/TextField.tsx";
import { Time } from "../ui/Time.tsx";
import { useToast } from "../ui/Toast.tsx";
import {
  type BindableApp,
  type Device,
  type DeviceGroup,
  type GroupInput,
  useConsoleApi,
} from "./console-api.ts";
import { deviceChannelsOf, draftOf, GroupDialog, type GroupDraft } from "./GroupDialog.tsx";

/** Device groups and devices (when each last sent, how many messages): register, see the secret once, delete. */
export function DevicesPage() {
  const api = useConsoleApi();
  const toast = useToast();
  const groups = useLoad(() => api.listGroups(), [api]);
  const devices = useLoad(() => api.listDevices(), [api]);
  const apps = useLoad(() => api.listApps(), [api]);
  const [groupDraft, setGroupDraft] = useState<GroupDraft>();
  const [deviceDraft, setDeviceDraft] = useState<{ name: string; groupId: string }>();
  const [created, setCreated] = useState<Device & { secret: string }>();
  const [deleting, setDeleting] = useState<
    { kind: "device"; item: Device } | { kind: "group"; item: DeviceGroup }
  >();
  // Deleting reports on the page; creating in the open dialog, which covers the page.
  const action = useAction();
  const creating = useAction();
  const busy = action.busy || creating.busy;

  const saveGroup = (input: GroupInput) =>
    creating.run(async () => {
      const editing = groupDraft?.group;
      const group = editing ? await api.updateGroup(editing.groupId, input) : await api.createGroup(input);
      setGroupDraft(undefined);
      toast.show(`${editing ? "Saved" : "Created"} group "${group.name}"`);
      groups.reload();
    });

  const createDevice = () =>
    creating.run(async () => {
      if (!deviceDraft) return;
      const device = await api.createDevice({ name: deviceDraft.name, groupId: deviceDraft.groupId || null });
      setDeviceDraft(undefined);
      setCreated(device);
      devices.reload();
    });

  const remove = () =>
    action.run(async () => {
      if (!deleting) return;
      try {
        if (deleting.kind === "device") await api.deleteDevice(deleting.item.deviceId);
        else await api.deleteGroup(deleting.item.groupId);
      } finally {
        // Closed either way: a failure shows on the page, which the modal would cover.
        setDeleting(undefined);
      }
      groups.reload();
      devices.reload();
    });

  const groupName = (groupId: string | null) =>
    groupId ? (groups.data?.find((group) => group.groupId === groupId)?.name ?? groupId) : "—";
  const openGroup = (group?: DeviceGroup) => {
    creating.clearError();
    // The apps may have changed since the page loaded.
    apps.reload();
    setGroupDraft(draftOf(group));
  };

  return (
    <Page
      title="Devices"
      toolbar={
        <>
          <Button onClick={() => openGroup()}>New group</Button>
          <Button
            variant="primary"
            onClick={() => {
              creating.clearError();
              setDeviceDraft({ name: "", groupId: groups.data?.[0]?.groupId ?? "" });
            }}
          >
            New device
          </Button>
        </>
      }
    >
      <div className="cfx-stack">
        {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
        <h2>Groups</h2>
        {groups.error ? (
          <ErrorBanner error={groups.error} onRetry={groups.reload} />
        ) : (
          <Table
            caption="Device groups"
            rows={groups.data ?? []}
            rowKey={(group) => group.groupId}
            empty={groups.loading ? "Loading…" : "No groups yet."}
            columns={[
              { header: "Name", cell: (group) => group.name },
              { header: "Id", cell: (group) => <span className="cfx-mono">{group.groupId}</span> },
              { header: "Sends to", cell: (group) => <BindingCell group={group} apps={apps.data} /> },
              { header: "Keeps data", cell: (group) => (group.config.keepData ? "yes" : "no") },
              {
                header: "Binary parser",
                cell: (group) => <span className="cfx-mono">{group.config.binaryParser ?? "—"}</span>,
              },
              {
                header: "Actions",
                visuallyHiddenHeader: true,
                cell: (group) => (
                  <div className="cfx-table__actions">
                    <Button
                      size="small"
                      aria-label={`Edit group ${group.name}`}
                      onClick={() => openGroup(group)}
                    >
                      Edit
                    </Button>
                    <Button
                      size="small"
                      variant="danger"
                      aria-label={`Delete group ${group.name}`}
                      onClick={() => setDeleting({ kind: "group", item: group })}
                    >
                      Delete
                    </Button>
                  </div>
                ),
              },
            ]}
          />
        )}
        <h2>Devices</h2>
        {devices.error ? (
          <ErrorBanner error={devices.error} onRetry={devices.reload} />
        ) : (
          <Table
            caption="Devices"
            rows={devices.data ?? []}
            rowKey={(device) => device.deviceId}
            empty={devices.loading ? "Loading…" : "No devices yet."}
            columns={[
              {
                header: "Id",
                cell: (device) => (
                  <Link className="cfx-mono" to={pathOf({ page: "device", deviceId: device.deviceId })}>
                    {device.deviceId}
                  </Link>
                ),
              },
              { header: "Name", cell: (device) => device.name },
              { header: "Group", cell: (device) => groupName(device.groupId) },
              {
                header: "Last seen",
                cell: (device) => (device.lastSeenAt === null ? "never" : <Time ms={device.lastSeenAt} />),
              },
              { header: "Messages", cell: (device) => device.messageCount.toLocaleString() },
              {
                header: "Actions",
                visuallyHiddenHeader: true,
                cell: (device) => (
                  <div className="cfx-table__actions">
                    <Button
                      size="small"
                      variant="danger"
                      aria-label={`Delete device ${device.deviceId}`}
                      onClick={() => setDeleting({ kind: "device", item: device })}
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

      <GroupDialog
        draft={groupDraft}
        apps={apps}
        busy={busy}
        error={creating.error}
        onChange={setGroupDraft}
        onSubmit={(input) => void saveGroup(input)}
        onClose={() => setGroupDraft(undefined)}
      />

      <Dialog
        open={deviceDraft !== undefined}
        title="New device"
        onClose={() => setDeviceDraft(undefined)}
        onSubmit={() => void createDevice()}
        actions={
          <>
            <Button onClick={() => setDeviceDraft(undefined)}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={busy}>
              Register device
            </Button>
          </>
        }
      >
        {creating.error ? <ErrorBanner error={creating.error} /> : null}
        {deviceDraft ? (
          <>
            <TextField
              label="Name"
              value={deviceDraft.name}
              onChange={(event) => setDeviceDraft({ ...deviceDraft, name: event.target.value })}
            />
            <Select
              label="Group"
              value={deviceDraft.groupId}
              options={[
                { value: "", label: "No group" },
                ...(groups.data ?? []).map((group) => ({ value: group.groupId, label: group.name })),
              ]}
              onChange={(event) => setDeviceDraft({ ...deviceDraft, groupId: event.target.value })}
            />
          </>
        ) : null}
      </Dialog>

      <Dialog
        open={created !== undefined}
        title="Device registered"
        onClose={() => setCreated(undefined)}
        actions={
          <Button variant="primary" onClick={() => setCreated(undefined)}>
            I have copied the secret
          </Button>
        }
      >
        <p>
          Device <span className="cfx-mono">{created?.deviceId}</span>. Its secret is shown this once: put it
          in the device now.
        </p>
        <TextField
          label="Secret"
          readOnly
          value={created?.secret ?? ""}
          onFocus={(event) => event.target.select()}
        />
      </Dialog>

      <ConfirmDialog
        open={deleting !== undefined}
        title={deleting?.kind === "group" ? "Delete group?" : "Delete device?"}
        confirmLabel={deleting?.kind === "group" ? "Delete group" : "Delete device"}
        danger
        busy={busy}
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => void remove()}
      >
        <p>
          {deleting?.kind === "group"
            ? "Its devices stay, without a group: their messages reach no app until you give them one."
            : "The device can no longer send, and its data is deleted."}
        </p>
      </ConfirmDialog>
    </Page>
  );
}

/** Where a group's messages go: the app and channel by name, and whether that binding still holds. */
function BindingCell({ group, apps }: { group: DeviceGroup; apps: BindableApp[] | undefined }) {
  const { binding } = group.config;
  if (!binding) return <>no app</>;
  const app = apps?.find((candidate) => candidate.appId === binding.appId);
  if (apps && !app)
    return (
      <span className="cfx-row">
        <span className="cfx-mono">
          {binding.appId} / {binding.channelId}
        </span>
        <TrailingBadge tone="warning">app deleted</TrailingBadge>
      </span>
    );
  const channel = app?.channels.find((candidate) => candidate.channelId === binding.channelId);
  const link = (
    <Link to={pathOf({ page: "app", appId: binding.appId })}>
      {app?.name ?? binding.appId} / {channel?.name || binding.channelId}
    </Link>
  );
  // The app was edited since: its channel went, or no longer has a device event source.
  const stillBindable = deviceChannelsOf(app, group.groupId).some(
    (candidate) => candidate.channelId === binding.channelId,
  );
  return app && !stillBindable ? (
    <span className="cfx-row">
      {link}
      <TrailingBadge tone="warning">no device channel</TrailingBadge>
    </span>
  ) : (
    link
  );
}

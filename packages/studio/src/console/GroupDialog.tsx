import type { Channel } from "@conflux/core";
import type { Loaded } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Notice } from "../ui/Notice.tsx";
import { Select } from "../ui/Select.tsx";
import { TextField } from "../ui/TextField.tsx";
import type { BindableApp, DeviceGroup, GroupInput } from "./console-api.ts";

/** The form's fields while the dialog is open; `group` is the group being edited, absent for a new one. */
export interface GroupDraft {
  group?: DeviceGroup | undefined;
  name: string;
  appId: string;
  channelId: string;
  keepData: boolean;
  binaryParser: string;
}

export function draftOf(group?: DeviceGroup): GroupDraft {
  return {
    group,
    name: group?.name ?? "",
    appId: group?.config.binding?.appId ?? "",
    channelId: group?.config.binding?.channelId ?? "",
    keepData: group?.config.keepData ?? true,
    binaryParser: group?.config.binaryParser ?? "",
  };
}

/**
 * The channels of an app a group can send to: those with a `device` event source that names no group,
 * or names this one (the server refuses a channel kept for another group).
 */
export function deviceChannelsOf(app: BindableApp | undefined, groupId: string | undefined): Channel[] {
  return (app?.channels ?? []).filter((channel) => {
    const source = channel.eventSource;
    if (source?.type !== "device") return false;
    const named = source.config.groupId;
    return !named || named === groupId;
  });
}

function channelLabel(channel: Channel): string {
  return channel.name && channel.name !== channel.channelId
    ? `${channel.name} (${channel.channelId})`
    : channel.channelId;
}

export interface GroupDialogProps {
  /** Open while there is a draft. */
  draft: GroupDraft | undefined;
  apps: Loaded<BindableApp[]>;
  busy: boolean;
  error: unknown;
  onChange(draft: GroupDraft): void;
  onSubmit(group: GroupInput): void;
  onClose(): void;
}

/**
 * A device group's name, the app channel it sends to (chosen among the operator's apps and their
 * device channels), whether it keeps data, and its binary parser.
 */
export function GroupDialog(props: GroupDialogProps) {
  const { apps, busy, error, onClose } = props;
  return (
    <Dialog
      open={props.draft !== undefined}
      title={props.draft?.group ? `Edit group ${props.draft.group.name}` : "New device group"}
      onClose={onClose}
      onSubmit={() => props.draft && props.onSubmit(inputOf(props.draft))}
      actions={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={busy || !props.draft || !isComplete(props.draft)}>
            {props.draft?.group ? "Save group" : "Create group"}
          </Button>
        </>
      }
    >
      {error ? <ErrorBanner error={error} /> : null}
      {props.draft ? <GroupFields draft={props.draft} apps={apps} onChange={props.onChange} /> : null}
    </Dialog>
  );
}

/** A named group, bound to an app's channel or to none (an app without a channel chosen is not done). */
function isComplete(draft: GroupDraft): boolean {
  return draft.name !== "" && (draft.appId === "" || draft.channelId !== "");
}

function inputOf(draft: GroupDraft): GroupInput {
  return {
    name: draft.name,
    tags: draft.group?.tags ?? {},
    config: {
      binding: draft.appId && draft.channelId ? { appId: draft.appId, channelId: draft.channelId } : null,
      keepData: draft.keepData,
      binaryParser: draft.binaryParser.trim() || null,
    },
  };
}

function GroupFields({
  draft,
  apps,
  onChange,
}: {
  draft: GroupDraft;
  apps: Loaded<BindableApp[]>;
  onChange(draft: GroupDraft): void;
}) {
  const { group } = draft;
  const set = (fields: Partial<GroupDraft>) => onChange({ ...draft, ...fields });
  const app = apps.data?.find((candidate) => candidate.appId === draft.appId);
  const appDeleted = draft.appId !== "" && apps.data !== undefined && !app;
  const channels = deviceChannelsOf(app, group?.groupId);
  const channelKnown = channels.some((channel) => channel.channelId === draft.channelId);

  const chooseApp = (appId: string) => {
    const chosen = apps.data?.find((candidate) => candidate.appId === appId);
    set({ appId, channelId: deviceChannelsOf(chosen, group?.groupId)[0]?.channelId ?? "" });
  };

  return (
    <>
      <TextField label="Name" value={draft.name} onChange={(event) => set({ name: event.target.value })} />
      {apps.error ? (
        <ErrorBanner error={apps.error} onRetry={apps.reload} />
      ) : (
        <Select
          label="App"
          hint="The app that receives this group's messages, on one of its channels with a device event source."
          value={draft.appId}
          disabled={!apps.data}
          options={[
            { value: "", label: apps.data ? "No app" : "Loading the apps…" },
            ...(apps.data ?? []).map((candidate) => ({
              value: candidate.appId,
              label: `${candidate.name} (${candidate.appId})`,
            })),
            ...(appDeleted ? [{ value: draft.appId, label: `${draft.appId} (deleted app)` }] : []),
          ]}
          onChange={(event) => chooseApp(event.target.value)}
        />
      )}
      {appDeleted ? (
        <Notice tone="warning">
          This group sends to channel <span className="cfx-mono">{draft.channelId}</span> of app{" "}
          <span className="cfx-mono">{draft.appId}</span>, which was deleted: its messages reach no app.
          Choose another app, or none.
        </Notice>
      ) : null}
      {app ? (
        channels.length || draft.channelId ? (
          <Select
            label="Channel"
            hint="Only channels with a device event source are listed."
            value={draft.channelId}
            options={[
              ...(channelKnown
                ? []
                : [{ value: draft.channelId, label: `${draft.channelId} (no longer a device channel)` }]),
              ...channels.map((channel) => ({ value: channel.channelId, label: channelLabel(channel) })),
            ]}
            onChange={(event) => set({ channelId: event.target.value })}
          />
        ) : (
          <Notice tone="warning">
            {app.name} has no channel with a device event source: give one of its channels a device event
            source in the editor, or choose another app.
          </Notice>
        )
      ) : null}
      <Select
        label="Keep data"
        value={draft.keepData ? "yes" : "no"}
        options={[
          { value: "yes", label: "Keep every message in the data store" },
          { value: "no", label: "Do not keep messages" },
        ]}
        onChange={(event) => set({ keepData: event.target.value === "yes" })}
      />
      <TextField
        label="Binary parser"
        hint="For binary payloads, e.g. temp:0:int16:/100 hum:2:uint8 (see docs/devices.md); empty for JSON."
        value={draft.binaryParser}
        onChange={(event) => set({ binaryParser: event.target.value })}
      />
    </>
  );
}

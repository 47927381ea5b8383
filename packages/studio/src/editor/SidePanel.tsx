import type { Channel, EventSourceType } from "@conflux/core";
import { useMemo } from "react";
import { Button } from "../ui/Button.tsx";
import { CheckboxField } from "../ui/CheckboxField.tsx";
import { Select } from "../ui/Select.tsx";
import { TextAreaField, TextField } from "../ui/TextField.tsx";
import { ActionForm } from "./ActionForm.tsx";
import {
  changeEventSourceType,
  eventSourceConfigSchema,
  eventSourceTypes,
  parseNodeId,
  setIn,
  updateChannel,
} from "./app-edits.ts";
import { messagesAt } from "./problems.ts";
import { type FormContext, SchemaForm } from "./SchemaForm.tsx";
import { describeConfig } from "./schema-form.ts";
import type { SidePanelProps } from "./side-panel-props.ts";

/** The form of the selected node; with nothing selected, the app's own name and description. */
export function SidePanel(props: SidePanelProps) {
  const ref = props.selected ? parseNodeId(props.selected) : undefined;
  const channel =
    ref && ref.kind !== "action" ? props.app.channels.find((c) => c.channelId === ref.id) : undefined;
  const action = ref?.kind === "action" ? props.app.actions.find((a) => a.actionId === ref.id) : undefined;
  let body: React.ReactNode;
  if (ref?.kind === "action" && action) body = <ActionForm {...props} action={action} />;
  else if (ref?.kind === "source" && channel?.eventSource) body = <SourceForm {...props} channel={channel} />;
  else if (ref?.kind === "channel" && channel) body = <ChannelForm {...props} channel={channel} />;
  else body = <AppForm {...props} />;
  return (
    <fieldset className="cfx-editor-form" disabled={props.readOnly}>
      {body}
    </fieldset>
  );
}

function AppForm({ app, problems, onEdit }: SidePanelProps) {
  return (
    <>
      <h2 className="cfx-editor-panel__title">App</h2>
      <div data-field="name">
        <TextField
          label="App name"
          value={app.name}
          error={messagesAt(problems, null, "name")}
          onChange={(event) => onEdit((current) => ({ ...current, name: event.target.value }), "app/name")}
        />
      </div>
      <div data-field="description">
        <TextAreaField
          label="App description"
          value={app.description}
          rows={3}
          onChange={(event) =>
            onEdit((current) => ({ ...current, description: event.target.value }), "app/description")
          }
        />
      </div>
      <p className="cfx-muted">Select a node on the canvas to edit it, or add one from the toolbar.</p>
    </>
  );
}

function ChannelForm({ appId, channel, problems, onEdit, onDelete }: SidePanelProps & { channel: Channel }) {
  const nodeId = `channel:${channel.channelId}`;
  const edit = (field: "name" | "description", value: string) =>
    onEdit(
      (app) => updateChannel(app, channel.channelId, (c) => ({ ...c, [field]: value })),
      `${nodeId}/${field}`,
    );
  return (
    <>
      <h2 className="cfx-editor-panel__title">Channel</h2>
      <p className="cfx-muted">
        Id <code>{channel.channelId}</code>: messages sent to this channel go to every enabled action on it.
        The API takes them at{" "}
        <code>
          POST /v1/apps/{appId}/channels/{channel.channelId}/messages
        </code>
        .
      </p>
      <div data-field="name">
        <TextField
          label="Channel name"
          value={channel.name}
          error={messagesAt(problems, nodeId, "name")}
          onChange={(event) => edit("name", event.target.value)}
        />
      </div>
      <div data-field="description">
        <TextAreaField
          label="Channel description"
          value={channel.description}
          rows={2}
          onChange={(event) => edit("description", event.target.value)}
        />
      </div>
      <Button variant="danger" onClick={() => onDelete({ kind: "channel", id: channel.channelId })}>
        Delete channel
      </Button>
    </>
  );
}

function SourceForm(props: SidePanelProps & { channel: Channel }) {
  const { channel, problems, onEdit, onDelete } = props;
  const source = channel.eventSource;
  const nodeId = `source:${channel.channelId}`;
  const schema = source ? eventSourceConfigSchema(source.type) : undefined;
  const fields = useMemo(() => (schema ? describeConfig(schema) : []), [schema]);
  if (!source) return null;
  const context: FormContext = {
    nodeId,
    prefix: "config",
    problems,
    credentials: props.credentials,
    scope: { contextKeys: [] },
    readOnly: props.readOnly,
    root: source.config,
    onChange: (path, value) =>
      onEdit(
        (app) =>
          updateChannel(app, channel.channelId, (c) =>
            c.eventSource ? { ...c, eventSource: setIn(c.eventSource, ["config", ...path], value) } : c,
          ),
        `${nodeId}/config.${path.join(".")}`,
      ),
  };
  return (
    <>
      <h2 className="cfx-editor-panel__title">Event source</h2>
      <p className="cfx-muted">Starts runs in the channel “{channel.name || channel.channelId}”.</p>
      <div data-field="type">
        <Select
          label="Event source type"
          value={source.type}
          options={eventSourceTypes.map((type) => ({ value: type, label: type }))}
          onChange={(event) =>
            onEdit((app) =>
              changeEventSourceType(app, channel.channelId, event.target.value as EventSourceType),
            )
          }
        />
      </div>
      <CheckboxField
        data-field="enabled"
        label="Event source enabled"
        checked={source.enabled}
        onChange={(enabled) =>
          onEdit((app) =>
            updateChannel(app, channel.channelId, (c) =>
              c.eventSource ? { ...c, eventSource: { ...c.eventSource, enabled } } : c,
            ),
          )
        }
      />
      {fields.length === 1 && fields[0]?.kind === "json" && Object.keys(source.config).length === 0 ? (
        <p className="cfx-muted">This event source has no settings.</p>
      ) : (
        <SchemaForm fields={fields} context={context} />
      )}
      <Button variant="danger" onClick={() => onDelete({ kind: "source", id: channel.channelId })}>
        Delete event source
      </Button>
    </>
  );
}

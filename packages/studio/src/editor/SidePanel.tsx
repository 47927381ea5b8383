import type { Channel, EventSourceType } from "@conflux/core";
import { useMemo } from "react";
import { Button } from "../ui/Button.tsx";
import { ActionForm } from "./ActionForm.tsx";
import {
  changeEventSourceType,
  eventSourceConfigSchema,
  eventSourceTypes,
  parseNodeId,
  setIn,
  updateChannel,
} from "./app-edits.ts";
import { InspectorCheckbox, InspectorSelect, InspectorText, InspectorTextArea } from "./InspectorFields.tsx";
import { InspectorTabs } from "./InspectorTabs.tsx";
import { problemsByTab, shownTab, tabsFor } from "./inspector-tabs.ts";
import { messagesAt } from "./problems.ts";
import { type FormContext, SchemaForm } from "./SchemaForm.tsx";
import { describeConfig } from "./schema-form.ts";
import type { SidePanelProps } from "./side-panel-props.ts";

/**
 * The inspector: the selected node's form in tabs; with nothing selected, the app's own name and
 * description. Read-only (a run, a saved version), values are text and nothing can be added or deleted.
 */
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
    <fieldset
      className={props.readOnly ? "cfx-editor-form cfx-editor-form--readonly" : "cfx-editor-form"}
      disabled={props.readOnly}
    >
      {body}
    </fieldset>
  );
}

function AppForm({ app, problems, readOnly, onEdit }: SidePanelProps) {
  return (
    <>
      <h2 className="cfx-editor-panel__title">App</h2>
      <div data-field="name">
        <InspectorText
          readOnly={readOnly}
          label="App name"
          value={app.name}
          error={messagesAt(problems, null, "name")}
          onChange={(event) => onEdit((current) => ({ ...current, name: event.target.value }), "app/name")}
        />
      </div>
      <div data-field="description">
        <InspectorTextArea
          readOnly={readOnly}
          label="App description"
          value={app.description}
          rows={3}
          onChange={(event) =>
            onEdit((current) => ({ ...current, description: event.target.value }), "app/description")
          }
        />
      </div>
      <p className="cfx-muted">
        {readOnly
          ? "Select a node on the canvas to see its settings."
          : "Select a node on the canvas to edit it, or add one from the palette."}
      </p>
    </>
  );
}

/** A channel or event source has settings and a test message into its channel. */
function NodeTabs({
  props,
  nodeId,
  label,
  channelId,
  settings,
}: {
  props: SidePanelProps;
  nodeId: string;
  label: string;
  channelId: string;
  settings: React.ReactNode;
}) {
  const tabs = tabsFor("channel", props.readOnly);
  const active = shownTab(tabs, props.tab);
  return (
    <InspectorTabs
      label={label}
      tabs={tabs}
      active={active}
      problemCounts={problemsByTab(props.problems, nodeId)}
      onChange={props.onTabChange}
    >
      {active === "settings" ? (
        settings
      ) : (
        <>
          <p className="cfx-muted">
            A test run sends the test message into this channel and shows every step in the drawer under the
            canvas (Ctrl+Enter sends it).
          </p>
          <Button onClick={() => props.onOpenTestRun(channelId)}>Test run into this channel</Button>
        </>
      )}
    </InspectorTabs>
  );
}

function ChannelForm(props: SidePanelProps & { channel: Channel }) {
  const { appId, channel, problems, readOnly, onEdit, onDelete } = props;
  const nodeId = `channel:${channel.channelId}`;
  const edit = (field: "name" | "description", value: string) =>
    onEdit(
      (app) => updateChannel(app, channel.channelId, (c) => ({ ...c, [field]: value })),
      `${nodeId}/${field}`,
    );
  const settings = (
    <>
      <p className="cfx-muted">
        Id <code>{channel.channelId}</code>: messages sent to this channel go to every enabled action on it.
        The API takes them at{" "}
        <code>
          POST /v1/apps/{appId}/channels/{channel.channelId}/messages
        </code>
        .
      </p>
      <div data-field="name">
        <InspectorText
          readOnly={readOnly}
          label="Channel name"
          value={channel.name}
          error={messagesAt(problems, nodeId, "name")}
          onChange={(event) => edit("name", event.target.value)}
        />
      </div>
      <div data-field="description">
        <InspectorTextArea
          readOnly={readOnly}
          label="Channel description"
          value={channel.description}
          rows={2}
          onChange={(event) => edit("description", event.target.value)}
        />
      </div>
    </>
  );
  return (
    <>
      <h2 className="cfx-editor-panel__title">Channel</h2>
      <NodeTabs
        props={props}
        nodeId={nodeId}
        label={`Channel ${channel.name || channel.channelId}`}
        channelId={channel.channelId}
        settings={settings}
      />
      {readOnly ? null : (
        <Button variant="danger" onClick={() => onDelete({ kind: "channel", id: channel.channelId })}>
          Delete channel
        </Button>
      )}
    </>
  );
}

function SourceForm(props: SidePanelProps & { channel: Channel }) {
  const { channel, problems, readOnly, onEdit, onDelete } = props;
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
    readOnly,
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
  const settings = (
    <>
      <p className="cfx-muted">Starts runs in the channel “{channel.name || channel.channelId}”.</p>
      <div data-field="type">
        <InspectorSelect
          readOnly={readOnly}
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
      <InspectorCheckbox
        readOnly={readOnly}
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
    </>
  );
  return (
    <>
      <h2 className="cfx-editor-panel__title">Event source</h2>
      <NodeTabs
        props={props}
        nodeId={nodeId}
        label={`Event source of ${channel.name || channel.channelId}`}
        channelId={channel.channelId}
        settings={settings}
      />
      {readOnly ? null : (
        <Button variant="danger" onClick={() => onDelete({ kind: "source", id: channel.channelId })}>
          Delete event source
        </Button>
      )}
    </>
  );
}

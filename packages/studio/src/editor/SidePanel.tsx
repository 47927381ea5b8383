import {
  type Action,
  type ActionType,
  type AppDefinition,
  type Channel,
  type EventSourceType,
  isRunnableActionType,
  outputSchema,
} from "@conflux/core";
import { useMemo } from "react";
import { Button } from "../ui/Button.tsx";
import { Select } from "../ui/Select.tsx";
import { TextAreaField, TextField } from "../ui/TextField.tsx";
import {
  actionConfigSchemaOf,
  actionTypes,
  changeActionType,
  changeEventSourceType,
  eventSourceConfigSchema,
  eventSourceTypes,
  type NodeRef,
  parseNodeId,
  setIn,
  updateAction,
  updateChannel,
} from "./app-edits.ts";
import type { CredentialSummary } from "./contract.ts";
import { ExpressionField } from "./ExpressionField.tsx";
import { type CompletionScope, checkExpression, contextKeysFor } from "./expression-assist.ts";
import { type LocatedProblem, problemsAt } from "./problems.ts";
import type { ActionRunState } from "./run-overlay.ts";
import { type FormContext, SchemaForm } from "./SchemaForm.tsx";
import { StepDetails } from "./StepDetails.tsx";
import { describeConfig, type FormField } from "./schema-form.ts";

type Edit = (change: (app: AppDefinition) => AppDefinition, mergeKey?: string) => void;

export interface SidePanelProps {
  appId: string;
  app: AppDefinition;
  selected: string | null;
  problems: readonly LocatedProblem[];
  credentials: readonly CredentialSummary[];
  readOnly: boolean;
  /** The test message being edited: `payload.` suggests its fields. */
  samplePayload: unknown;
  runStates?: ReadonlyMap<string, ActionRunState>;
  onEdit: Edit;
  onDelete(ref: NodeRef): void;
}

function messageAt(
  problems: readonly LocatedProblem[],
  nodeId: string | null,
  field: string,
): string | undefined {
  const found = problemsAt(problems, nodeId, field);
  return found.length ? found.map((problem) => problem.message).join("; ") : undefined;
}

function channelOptions(channels: readonly Channel[], current: string | undefined, none?: string) {
  return [
    ...(none !== undefined ? [{ value: "", label: none }] : []),
    ...channels.map((channel) => ({
      value: channel.channelId,
      label: `${channel.name || channel.channelId}`,
    })),
    ...(current && !channels.some((channel) => channel.channelId === current)
      ? [{ value: current, label: `${current} (missing)` }]
      : []),
  ];
}

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
          error={messageAt(problems, null, "name")}
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
          error={messageAt(problems, nodeId, "name")}
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
      <div className="cfx-field cfx-field--check" data-field="enabled">
        <label>
          <input
            type="checkbox"
            checked={source.enabled}
            onChange={(event) =>
              onEdit((app) =>
                updateChannel(app, channel.channelId, (c) =>
                  c.eventSource
                    ? { ...c, eventSource: { ...c.eventSource, enabled: event.target.checked } }
                    : c,
                ),
              )
            }
          />{" "}
          Event source enabled
        </label>
      </div>
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

const outputFields = describeConfig(outputSchema);
function outputField(key: string, label: string): FormField[] {
  return outputFields.filter((field) => field.path[0] === key).map((field) => ({ ...field, label }));
}

function ActionForm(props: SidePanelProps & { action: Action }) {
  const { action, app, problems, onEdit, onDelete } = props;
  const nodeId = `action:${action.actionId}`;
  const schema = actionConfigSchemaOf(action.type);
  const fields = useMemo(() => (schema ? describeConfig(schema) : []), [schema]);
  const inputSource = app.channels.find((channel) => channel.channelId === action.channelId)?.eventSource;
  const scope: CompletionScope = {
    samplePayload: props.samplePayload,
    contextKeys: contextKeysFor(inputSource?.type),
  };
  const update = (change: (action: Action) => Action, field?: string) =>
    onEdit(
      (current) => updateAction(current, action.actionId, change),
      field ? `${nodeId}/${field}` : undefined,
    );
  const set = (path: (string | number)[], value: unknown, merge = true) =>
    update((current) => setIn(current, path, value), merge ? path.join(".") : undefined);
  const formContext = (
    prefix: "config" | "output" | "errorOutput",
    extraVariables: string[] = [],
  ): FormContext => ({
    nodeId,
    prefix,
    problems,
    credentials: props.credentials,
    scope: { ...scope, extraVariables },
    readOnly: props.readOnly,
    root: action[prefix],
    onChange: (path, value) => set([prefix, ...path], value),
  });
  const runState = props.runStates?.get(action.actionId);

  return (
    <>
      <h2 className="cfx-editor-panel__title">Action</h2>
      {runState ? <StepDetails state={runState} /> : null}
      <div data-field="name">
        <TextField
          label="Action name"
          value={action.name}
          error={messageAt(problems, nodeId, "name")}
          onChange={(event) => set(["name"], event.target.value)}
        />
      </div>
      <div data-field="type">
        <Select
          label="Action type"
          value={action.type}
          options={actionTypes.map((type) => ({
            value: type,
            label: isRunnableActionType(type) ? type : `${type} (not available yet)`,
          }))}
          onChange={(event) =>
            onEdit((current) => changeActionType(current, action.actionId, event.target.value as ActionType))
          }
        />
      </div>
      <div className="cfx-field cfx-field--check" data-field="enabled">
        <label>
          <input
            type="checkbox"
            checked={action.enabled}
            onChange={(event) => set(["enabled"], event.target.checked, false)}
          />{" "}
          Action enabled
        </label>
      </div>
      <div data-field="channelId">
        <Select
          label="Input channel"
          value={action.channelId}
          options={channelOptions(app.channels, action.channelId)}
          error={messageAt(problems, nodeId, "channelId")}
          onChange={(event) => set(["channelId"], event.target.value, false)}
        />
      </div>
      <ExpressionField
        label="Condition"
        fieldPath="condition"
        value={action.condition}
        kind={{ kind: "condition" }}
        check={(source) => checkExpression(source, { kind: "condition" })}
        problems={problemsAt(problems, nodeId, "condition")}
        scope={scope}
        readOnly={props.readOnly}
        placeholder="always"
        hint="An expression, e.g. payload.temp > 8; empty means always"
        onChange={(value) => set(["condition"], value)}
      />
      <fieldset className="cfx-fieldset" data-field="config">
        <legend>{action.type} settings</legend>
        {isRunnableActionType(action.type) ? null : (
          <p className="cfx-muted">
            This action type is accepted on import but cannot run yet: its config is kept as JSON.
          </p>
        )}
        <SchemaForm fields={fields} context={formContext("config")} />
      </fieldset>
      <fieldset className="cfx-fieldset" data-field="output">
        <legend>Output</legend>
        <div className="cfx-field cfx-field--check" data-field="output.enabled">
          <label>
            <input
              type="checkbox"
              checked={action.output.enabled}
              onChange={(event) => set(["output", "enabled"], event.target.checked, false)}
            />{" "}
            Send the result on
          </label>
        </div>
        <div data-field="output.channelId">
          <Select
            label="Output channel"
            value={action.output.channelId ?? ""}
            options={channelOptions(app.channels, action.output.channelId, "(none)")}
            error={messageAt(problems, nodeId, "output.channelId")}
            onChange={(event) =>
              update((current) => ({
                ...current,
                output: setIn(
                  { ...current.output, enabled: event.target.value !== "" },
                  ["channelId"],
                  event.target.value || undefined,
                ),
              }))
            }
          />
        </div>
        <SchemaForm
          fields={[
            ...outputField("transform", "Output transform"),
            ...outputField("splitArray", "Split an array result into messages"),
            ...outputField("delaySeconds", "Output delay (seconds)"),
          ]}
          context={formContext("output", ["result"])}
        />
      </fieldset>
      <fieldset className="cfx-fieldset" data-field="errorOutput">
        <legend>Error output</legend>
        <div className="cfx-field cfx-field--check" data-field="errorOutput.enabled">
          <label>
            <input
              type="checkbox"
              checked={action.errorOutput.enabled}
              onChange={(event) => set(["errorOutput", "enabled"], event.target.checked, false)}
            />{" "}
            Send failures on
          </label>
        </div>
        <div data-field="errorOutput.channelId">
          <Select
            label="Error output channel"
            value={action.errorOutput.channelId ?? ""}
            options={channelOptions(app.channels, action.errorOutput.channelId, "(none)")}
            error={messageAt(problems, nodeId, "errorOutput.channelId")}
            onChange={(event) =>
              update((current) => ({
                ...current,
                errorOutput: setIn(
                  { ...current.errorOutput, enabled: event.target.value !== "" },
                  ["channelId"],
                  event.target.value || undefined,
                ),
              }))
            }
          />
        </div>
        <SchemaForm
          fields={outputField("transform", "Error transform")}
          context={formContext("errorOutput", ["error"])}
        />
      </fieldset>
      <div data-field="description">
        <TextAreaField
          label="Action description"
          value={action.description}
          rows={2}
          onChange={(event) => set(["description"], event.target.value)}
        />
      </div>
      <Button variant="danger" onClick={() => onDelete({ kind: "action", id: action.actionId })}>
        Delete action
      </Button>
    </>
  );
}

import {
  type Action,
  type ActionType,
  type Channel,
  isRunnableActionType,
  type JsonValue,
  outputSchema,
} from "@conflux/core";
import { useMemo } from "react";
import { Button } from "../ui/Button.tsx";
import { ApiUserButton } from "./ApiUserButton.tsx";
import { actionConfigSchemaOf, actionTypes, changeActionType, setIn, updateAction } from "./app-edits.ts";
import type { TryActionType } from "./contract.ts";
import { ExpressionField } from "./ExpressionField.tsx";
import { type CompletionScope, checkExpression, contextKeysFor } from "./expression-assist.ts";
import { InspectorCheckbox, InspectorSelect, InspectorText, InspectorTextArea } from "./InspectorFields.tsx";
import { InspectorTabs } from "./InspectorTabs.tsx";
import { problemsByTab, shownTab, tabsFor } from "./inspector-tabs.ts";
import { messagesAt, problemsAt } from "./problems.ts";
import { type FormContext, SchemaForm } from "./SchemaForm.tsx";
import { describeConfig, type FormField } from "./schema-form.ts";
import type { SidePanelProps } from "./side-panel-props.ts";
import { TryAction } from "./TryAction.tsx";

const tryableTypes: readonly string[] = ["ai", "object-detection", "bounding-box"] satisfies TryActionType[];

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

const outputFields = describeConfig(outputSchema);
function outputField(key: string, label: string): FormField[] {
  return outputFields.filter((field) => field.path[0] === key).map((field) => ({ ...field, label }));
}

/** What every tab of an action's inspector works with. */
interface ActionTabProps extends SidePanelProps {
  action: Action;
  nodeId: string;
  scope: CompletionScope;
  fields: FormField[];
  update(change: (action: Action) => Action, field?: string): void;
  set(path: (string | number)[], value: unknown, merge?: boolean): void;
  formContext(prefix: "config" | "output" | "errorOutput", extraVariables?: string[]): FormContext;
}

/** An action in tabs: settings (with its type's config), condition, output, error output, and a test. */
export function ActionForm(props: SidePanelProps & { action: Action }) {
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
    aiModels: props.aiModels,
    scope: { ...scope, extraVariables },
    readOnly: props.readOnly,
    root: action[prefix],
    onChange: (path, value) => set([prefix, ...path], value),
  });
  const tabs = tabsFor("action", props.readOnly);
  const active = shownTab(tabs, props.tab);
  const tabProps: ActionTabProps = { ...props, nodeId, scope, fields, update, set, formContext };
  const Tab = {
    settings: SettingsTab,
    condition: ConditionTab,
    output: OutputTab,
    errorOutput: ErrorOutputTab,
    test: TestTab,
  }[active];

  return (
    <>
      <h2 className="cfx-editor-panel__title">Action</h2>
      <InspectorTabs
        label={`Action ${action.name || action.actionId}`}
        tabs={tabs}
        active={active}
        problemCounts={problemsByTab(problems, nodeId)}
        onChange={props.onTabChange}
      >
        <Tab {...tabProps} />
      </InspectorTabs>
      {props.readOnly ? null : (
        <Button variant="danger" onClick={() => onDelete({ kind: "action", id: action.actionId })}>
          Delete action
        </Button>
      )}
    </>
  );
}

function SettingsTab({
  action,
  app,
  problems,
  nodeId,
  fields,
  readOnly,
  onEdit,
  set,
  formContext,
  ...props
}: ActionTabProps) {
  return (
    <>
      <div data-field="name">
        <InspectorText
          readOnly={readOnly}
          label="Action name"
          value={action.name}
          error={messagesAt(problems, nodeId, "name")}
          onChange={(event) => set(["name"], event.target.value)}
        />
      </div>
      <div data-field="type">
        <InspectorSelect
          readOnly={readOnly}
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
      <InspectorCheckbox
        readOnly={readOnly}
        data-field="enabled"
        label="Action enabled"
        checked={action.enabled}
        onChange={(enabled) => set(["enabled"], enabled, false)}
      />
      <div data-field="channelId">
        <InspectorSelect
          readOnly={readOnly}
          label="Input channel"
          value={action.channelId}
          options={channelOptions(app.channels, action.channelId)}
          error={messagesAt(problems, nodeId, "channelId")}
          onChange={(event) => set(["channelId"], event.target.value, false)}
        />
      </div>
      <fieldset className="cfx-fieldset" data-field="config">
        <legend>{action.type} settings</legend>
        {isRunnableActionType(action.type) ? null : (
          <p className="cfx-muted">
            This action type is accepted on import but cannot run yet: its config is kept as JSON.
          </p>
        )}
        <SchemaForm fields={fields} context={formContext("config")} />
        {props.onCreateApiUser && !readOnly && (action.type === "api" || action.type === "soracom-api") ? (
          <ApiUserButton
            actionId={action.actionId}
            config={action.config as { method?: unknown; path?: unknown }}
            onCreate={props.onCreateApiUser}
            onUserName={(userName) => set(["config", "userName"], userName, false)}
          />
        ) : null}
      </fieldset>
      <div data-field="description">
        <InspectorTextArea
          readOnly={readOnly}
          label="Action description"
          value={action.description}
          rows={2}
          onChange={(event) => set(["description"], event.target.value)}
        />
      </div>
    </>
  );
}

function ConditionTab({ action, problems, nodeId, scope, readOnly, set }: ActionTabProps) {
  return (
    <ExpressionField
      label="Condition"
      fieldPath="condition"
      value={action.condition}
      kind={{ kind: "condition" }}
      check={(source) => checkExpression(source, { kind: "condition" })}
      problems={problemsAt(problems, nodeId, "condition")}
      scope={scope}
      readOnly={readOnly}
      placeholder="always"
      hint="An expression, e.g. payload.temp > 8; empty means always"
      onChange={(value) => set(["condition"], value)}
    />
  );
}

/** Where a result goes (output) or a failure goes (error output): the two tabs differ in words and fields only. */
interface RouteTabWords {
  route: "output" | "errorOutput";
  enabledLabel: string;
  channelLabel: string;
  fields: FormField[];
  /** The name the route's transform reads its value by. */
  value: string;
}

function RouteTab({
  words: { route, enabledLabel, channelLabel, fields, value },
  ...props
}: ActionTabProps & { words: RouteTabWords }) {
  const { action, app, problems, nodeId, readOnly, update, set, formContext } = props;
  const current = action[route];
  return (
    <div className="cfx-inspector-section" data-field={route}>
      <InspectorCheckbox
        readOnly={readOnly}
        data-field={`${route}.enabled`}
        label={enabledLabel}
        checked={current.enabled}
        onChange={(enabled) => set([route, "enabled"], enabled, false)}
      />
      <div data-field={`${route}.channelId`}>
        <InspectorSelect
          readOnly={readOnly}
          label={channelLabel}
          value={current.channelId ?? ""}
          options={channelOptions(app.channels, current.channelId, "(none)")}
          error={messagesAt(problems, nodeId, `${route}.channelId`)}
          onChange={(event) =>
            update((edited) => ({
              ...edited,
              [route]: setIn(
                { ...edited[route], enabled: event.target.value !== "" },
                ["channelId"],
                event.target.value || undefined,
              ),
            }))
          }
        />
      </div>
      <SchemaForm fields={fields} context={formContext(route, [value])} />
    </div>
  );
}

const outputWords: RouteTabWords = {
  route: "output",
  enabledLabel: "Send the result on",
  channelLabel: "Output channel",
  fields: [
    ...outputField("transform", "Output transform"),
    ...outputField("splitArray", "Split an array result into messages"),
    ...outputField("delaySeconds", "Output delay (seconds)"),
  ],
  value: "result",
};

const OutputTab = (props: ActionTabProps) => <RouteTab {...props} words={outputWords} />;

const errorOutputWords: RouteTabWords = {
  route: "errorOutput",
  enabledLabel: "Send failures on",
  channelLabel: "Error output channel",
  fields: outputField("transform", "Error transform"),
  value: "error",
};

const ErrorOutputTab = (props: ActionTabProps) => <RouteTab {...props} words={errorOutputWords} />;

/** "Try it" for the AI actions that have it, and the test run into the action's channel for every action. */
function TestTab({ action, app, ...props }: ActionTabProps) {
  const channel = app.channels.find((candidate) => candidate.channelId === action.channelId);
  return (
    <>
      {props.onTryAction && tryableTypes.includes(action.type) ? (
        <TryAction
          key={action.actionId}
          type={action.type as TryActionType}
          config={action.config as JsonValue}
          payload={props.samplePayload as JsonValue | undefined}
          onTry={props.onTryAction}
        />
      ) : null}
      <p className="cfx-muted">
        A test run sends the test message into a channel and shows every step in the drawer under the canvas
        (Ctrl+Enter sends it).
      </p>
      {channel ? (
        <Button onClick={() => props.onOpenTestRun(channel.channelId)}>
          Test run into “{channel.name || channel.channelId}”
        </Button>
      ) : null}
    </>
  );
}

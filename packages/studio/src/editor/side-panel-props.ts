import type { AppDefinition } from "@conflux/core";
import type { NodeRef } from "./app-edits.ts";
import type { AppEditorProps, CredentialSummary } from "./contract.ts";
import type { InspectorTab } from "./inspector-tabs.ts";
import type { LocatedProblem } from "./problems.ts";
import type { ActionRunState } from "./run-overlay.ts";

type Edit = (change: (app: AppDefinition) => AppDefinition, mergeKey?: string) => void;

/** What the side panel gives the form of the selected node (app, channel, event source, action). */
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
  aiModels?: AppEditorProps["aiModels"];
  onTryAction?: AppEditorProps["onTryAction"];
  onCreateApiUser?: AppEditorProps["onCreateApiUser"];
  /** The inspector tab asked for; a node without it shows its first. Kept across selections. */
  tab: InspectorTab;
  onTabChange(tab: InspectorTab): void;
  /** Opens the drawer's test run on a channel (the Test tab). */
  onOpenTestRun(channelId: string): void;
  onEdit: Edit;
  onDelete(ref: NodeRef): void;
}

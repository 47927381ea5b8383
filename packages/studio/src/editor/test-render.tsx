// What the editor's component tests share: the editor with doubles for its callbacks, and a run's step.
import type { App, AppDefinition } from "@conflux/core";
import { render } from "@testing-library/react";
import { vi } from "vitest";
import { AppEditor } from "./AppEditor.tsx";
import type { AppEditorProps, RunStep, SaveOutcome } from "./contract.ts";
import { coldChainApp } from "./test-apps.ts";

/** The cold-chain app in the editor; a save succeeds as sent. Returns the props, to read the doubles' calls. */
export function renderEditor(overrides: Partial<AppEditorProps> = {}): AppEditorProps {
  const props: AppEditorProps = {
    app: coldChainApp(),
    credentials: [],
    onSave: vi.fn(
      async (definition: AppDefinition): Promise<SaveOutcome> => ({ ok: true, app: definition as App }),
    ),
    onTestRun: vi.fn(async () => {}),
    ...overrides,
  };
  render(<AppEditor {...props} />);
  return props;
}

/** A step of a run on the `readings` channel, `extra` changed. */
export function runStep(actionId: string, status: string, extra: Partial<RunStep> = {}): RunStep {
  return {
    stepId: `step-${actionId}`,
    messageId: "m1",
    channelId: "readings",
    actionId,
    actionType: "republish",
    status,
    conditionValue: true,
    input: { temp: 9.5 },
    result: { t: 9.5 },
    error: null,
    usage: null,
    attempts: 1,
    startedAt: 1_000,
    finishedAt: 1_042,
    ...extra,
  };
}

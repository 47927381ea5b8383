import { currentCompletions, startCompletion } from "@codemirror/autocomplete";
import { EditorView } from "@codemirror/view";
import type { Action, App, AppDefinition } from "@conflux/core";
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppEditor } from "./AppEditor.tsx";
import type { AiModel, AppEditorProps, SaveOutcome, TryOutcome } from "./contract.ts";
import { coldChainApp } from "./test-apps.ts";

afterEach(cleanup);

/** The test message's field, in the drawer under the canvas (opened if it is closed). */
function testMessageField(): HTMLElement {
  const toggle = screen.getByRole("button", { name: /Test run and steps/ });
  if (toggle.getAttribute("aria-expanded") !== "true") fireEvent.click(toggle);
  return screen.getByLabelText("Test message (JSON)");
}

const showTab = (name: string) => fireEvent.click(screen.getByRole("tab", { name: new RegExp(`^${name}`) }));

const models: AiModel[] = [
  model("openai", "gpt-4.1-mini", "GPT-4.1 mini", { image: true, credits: 1 }),
  model("openai", "gpt-4.1", "GPT-4.1", { image: true, credits: 5 }),
  model("bedrock", "amazon.nova-lite-v1:0", "Amazon Nova Lite (Bedrock)", { image: true, video: true }),
  model("openai-compatible", "llama3.2", "Llama 3.2", { available: false }),
];

function model(
  provider: string,
  modelId: string,
  label: string,
  facts: Partial<Pick<AiModel, "image" | "video" | "credits" | "available">> = {},
): AiModel {
  return {
    model: `${provider}/${modelId}`,
    provider,
    modelId,
    label,
    image: false,
    video: false,
    credits: 1,
    available: true,
    ...facts,
  };
}

function aiAction(config: Record<string, unknown>): Action {
  return {
    actionId: "ask",
    channelId: "readings",
    name: "Ask",
    description: "",
    enabled: true,
    condition: "",
    type: "ai",
    config: { model: "openai/gpt-4.1-mini", prompt: "Is ${payload.temp} too warm?", ...config },
    output: { enabled: false, splitArray: false, delaySeconds: 0 },
    errorOutput: { enabled: false },
    tags: {},
  } as Action;
}

function renderAiEditor(config: Record<string, unknown> = {}, overrides: Partial<AppEditorProps> = {}) {
  const app = coldChainApp();
  const onSave = vi.fn(
    async (definition: AppDefinition): Promise<SaveOutcome> => ({
      ok: true,
      app: { ...definition, appId: app.appId, createdAt: 1, updatedAt: 3 } as App,
    }),
  );
  const props: AppEditorProps = {
    app: { ...app, actions: [...app.actions, aiAction(config)] },
    credentials: [{ credentialsId: "my-ollama", type: "ai-provider-key", description: "" }],
    onSave,
    onTestRun: vi.fn(async () => {}),
    aiModels: models,
    ...overrides,
  };
  render(<AppEditor {...props} />);
  fireEvent.click(within(screen.getByRole("region", { name: "Canvas" })).getByText("Ask"));
  return props;
}

/** Renders the editor on an app whose only action, "Ask", has the given type and config, and selects it. */
function renderOnlyAction(action: Pick<Action, "type" | "config">, overrides: Partial<AppEditorProps> = {}) {
  const app = coldChainApp();
  render(
    <AppEditor
      app={{ ...app, actions: [{ ...aiAction({}), ...action } as Action] }}
      credentials={[]}
      onSave={vi.fn()}
      onTestRun={vi.fn()}
      {...overrides}
    />,
  );
  fireEvent.click(within(screen.getByRole("region", { name: "Canvas" })).getByText("Ask"));
}

/** Saves and returns the ai action's config as it was sent. */
async function savedConfig(props: AppEditorProps): Promise<Record<string, unknown>> {
  fireEvent.click(screen.getByRole("button", { name: "Save" }));
  await waitFor(() => expect(props.onSave).toHaveBeenCalled());
  const definition = vi.mocked(props.onSave).mock.lastCall?.[0];
  const config = definition?.actions.find((action) => action.actionId === "ask")?.config;
  return (config ?? {}) as Record<string, unknown>;
}

describe("the model picker", () => {
  it("groups the catalogue by provider with what each model takes and costs", () => {
    renderAiEditor();
    const picker = screen.getByRole("listbox", { name: "Model" });
    const groups = within(picker).getAllByRole("group");
    expect(
      groups.map((group) => group.getAttribute("aria-labelledby") && group.firstChild?.textContent),
    ).toEqual(["OpenAI", "Amazon Bedrock", "OpenAI-compatible server"]);
    expect(
      within(groups[0] as HTMLElement)
        .getAllByRole("option")
        .map((option) => option.textContent),
    ).toEqual([expect.stringContaining("GPT-4.1 mini"), expect.stringContaining("GPT-4.1")]);
    const nova = within(picker).getByRole("option", { name: /Amazon Nova Lite/ });
    expect(within(nova).getByRole("img", { name: "Takes images" })).toBeTruthy();
    expect(within(nova).getByRole("img", { name: "Takes videos" })).toBeTruthy();
    const gpt41 = within(picker).getByRole("option", { name: /^GPT-4\.1 Takes images/ });
    expect(gpt41.textContent).toContain("5 credits per request");
    expect(within(gpt41).queryByRole("img", { name: "Takes videos" })).toBeNull();
    const llama = within(picker).getByRole("option", { name: /Llama 3\.2/ });
    expect(llama.textContent).toContain("text only");
    expect(llama.textContent).toContain("needs your own key");
    expect(gpt41.textContent).not.toContain("needs your own key");
    const selected = within(picker).getByRole("option", { selected: true });
    expect(selected.textContent).toContain("GPT-4.1 mini");
    expect(picker.getAttribute("aria-activedescendant")).toBe(selected.id);
  });

  it("choosing a model by click or arrow key writes it into the action's config", async () => {
    const props = renderAiEditor();
    const picker = screen.getByRole("listbox", { name: "Model" });
    fireEvent.click(within(picker).getByRole("option", { name: /Amazon Nova Lite/ }));
    expect(within(picker).getByRole("option", { selected: true }).textContent).toContain("Nova Lite");
    fireEvent.keyDown(picker, { key: "ArrowUp" });
    expect(within(picker).getByRole("option", { selected: true }).textContent).toMatch(/^GPT-4\.1T/);
    expect((await savedConfig(props)).model).toBe("openai/gpt-4.1");
  });

  it("a model the service has no key for asks for the operator's own key until one is chosen", () => {
    renderAiEditor({ model: "openai-compatible/llama3.2" });
    const picker = screen.getByRole("listbox", { name: "Model" });
    const message = document.getElementById(picker.getAttribute("aria-describedby") ?? "");
    expect(message?.textContent).toMatch(/no key for OpenAI-compatible server: choose your own key/);
    fireEvent.change(screen.getByLabelText("Credentials (optional)"), { target: { value: "my-ollama" } });
    expect(picker.getAttribute("aria-describedby")).toBeNull();
  });

  it("offers as credentials only the AI provider keys for the model's provider, and keeps one chosen before", () => {
    const credentials = [
      { credentialsId: "openai-key", type: "ai-provider-key", description: "", provider: "openai" },
      { credentialsId: "aws-key", type: "ai-provider-key", description: "", provider: "bedrock" },
      // From a server that does not say which provider a key is for: offered to every model.
      { credentialsId: "old-key", type: "ai-provider-key", description: "" },
    ];
    const optionsOf = () =>
      [...(screen.getByLabelText("Credentials (optional)") as HTMLSelectElement).options].map(
        (option) => option.textContent,
      );
    renderAiEditor({}, { credentials });
    expect(optionsOf()).toEqual(["(none)", "openai-key (ai-provider-key)", "old-key (ai-provider-key)"]);
    expect(
      screen.getByText("AI provider keys for other providers than the model's are not listed."),
    ).toBeTruthy();
    cleanup();
    renderAiEditor({ credentialsId: "aws-key" }, { credentials });
    expect(optionsOf()).toEqual([
      "(none)",
      "openai-key (ai-provider-key)",
      "old-key (ai-provider-key)",
      "aws-key (a key for bedrock)",
    ]);
    expect((screen.getByLabelText("Credentials (optional)") as HTMLSelectElement).value).toBe("aws-key");
  });

  it("with an image to hand over, models that take no images are marked, and choosing one says why it would fail", () => {
    renderAiEditor({
      imageUrl: "${payload.url}",
      model: "openai-compatible/llama3.2",
      credentialsId: "my-ollama",
    });
    const picker = screen.getByRole("listbox", { name: "Model" });
    expect(within(picker).getByRole("option", { name: /Llama 3\.2/ }).textContent).toContain(
      "takes no images",
    );
    expect(within(picker).getByRole("option", { name: /^GPT-4\.1 mini/ }).textContent).not.toContain(
      "takes no",
    );
    const message = document.getElementById(picker.getAttribute("aria-describedby") ?? "");
    expect(message?.textContent).toBe(
      "Llama 3.2 takes no images: the action would fail with ai_model_capability.",
    );
  });

  it("a model outside the catalogue is typed, and kept", async () => {
    const props = renderAiEditor({ model: "openai/gpt-5-preview" });
    const other = screen.getByLabelText("Other model (<provider>/<model id>)") as HTMLInputElement;
    expect(other.value).toBe("openai/gpt-5-preview");
    expect(
      within(screen.getByRole("listbox", { name: "Model" })).queryByRole("option", { selected: true }),
    ).toBeNull();
    fireEvent.change(other, { target: { value: "google/gemini-3-pro" } });
    expect((await savedConfig(props)).model).toBe("google/gemini-3-pro");
  });

  it("object-detection's vision model is picked the same way", () => {
    renderOnlyAction(
      {
        type: "object-detection",
        config: { imageUrl: "${payload.url}", classes: ["person"], minScore: 0.5 },
      },
      { aiModels: models },
    );
    expect(screen.getByRole("listbox", { name: "Model (optional)" })).toBeTruthy();
  });

  it("without a catalogue the model is a text field", () => {
    renderAiEditor({}, { aiModels: undefined });
    expect(screen.queryByRole("listbox", { name: /model/i })).toBeNull();
    expect((screen.getByLabelText("Model") as HTMLInputElement).value).toBe("openai/gpt-4.1-mini");
  });
});

describe("fallback models", () => {
  const listOf = () =>
    within(screen.getByRole("list", { name: "Fallback models" }))
      .getAllByRole("listitem")
      .map((item) => item.firstChild?.textContent);
  const addFallback = (name: RegExp) => {
    fireEvent.click(
      within(screen.getByRole("listbox", { name: "Fallback model to add" })).getByRole("option", { name }),
    );
    fireEvent.click(screen.getByRole("button", { name: "Add fallback model" }));
  };

  it("are picked from the catalogue, in order, up to core's limit, and moved and removed by buttons", async () => {
    const props = renderAiEditor();
    expect(screen.getByText(/No fallback models/)).toBeTruthy();
    const offered = within(screen.getByRole("listbox", { name: "Fallback model to add" }))
      .getAllByRole("option")
      .map((option) => option.querySelector(".cfx-model-picker__name")?.textContent);
    // The action's own model is not offered as its fallback.
    expect(offered).toEqual(["GPT-4.1", "Amazon Nova Lite (Bedrock)", "Llama 3.2"]);
    expect((screen.getByRole("button", { name: "Add fallback model" }) as HTMLButtonElement).disabled).toBe(
      true,
    );

    addFallback(/^GPT-4\.1 T/);
    addFallback(/^Amazon Nova/);
    expect(listOf()).toEqual([
      "GPT-4.1 openai/gpt-4.1",
      "Amazon Nova Lite (Bedrock) bedrock/amazon.nova-lite-v1:0",
    ]);
    // A model outside the catalogue is typed, as for the action's own model.
    fireEvent.change(screen.getByLabelText("Other fallback model to add (<provider>/<model id>)"), {
      target: { value: "google/gemini-3-pro" },
    });
    fireEvent.click(screen.getByRole("button", { name: "Add fallback model" }));
    expect(screen.queryByRole("listbox", { name: "Fallback model to add" })).toBeNull();
    expect(screen.getByText("That is as many as an action can have.")).toBeTruthy();

    const up = screen.getByRole("button", { name: "Move google/gemini-3-pro up" });
    up.focus();
    fireEvent.click(up);
    expect(listOf()[1]).toBe("google/gemini-3-pro");
    // The focus moves with the model, and a screen reader hears where it went.
    await waitFor(() =>
      expect(document.activeElement?.getAttribute("aria-label")).toBe("Move google/gemini-3-pro up"),
    );
    expect(document.activeElement?.closest("li")?.textContent).toContain("google/gemini-3-pro");
    expect(screen.getByText("google/gemini-3-pro moved to position 2 of 3.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Move google/gemini-3-pro up" }));
    // At the top, its "up" button is disabled: the focus goes to the row's next button.
    await waitFor(() =>
      expect(document.activeElement?.getAttribute("aria-label")).toBe("Move google/gemini-3-pro down"),
    );
    fireEvent.click(screen.getByRole("button", { name: "Remove GPT-4.1" }));
    expect(screen.getByRole("listbox", { name: "Fallback model to add" })).toBeTruthy();

    expect((await savedConfig(props)).fallbackModels).toEqual([
      "google/gemini-3-pro",
      "bedrock/amazon.nova-lite-v1:0",
    ]);
  });

  it("are listed without buttons on a read-only run, and its step names the model that answered", () => {
    renderAiEditor(
      { fallbackModels: ["openai/gpt-4.1"] },
      {
        readOnly: true,
        run: {
          runId: "r-1",
          channelId: "readings",
          status: "completed",
          steps: [
            {
              stepId: "s-1",
              messageId: "m-1",
              channelId: "readings",
              actionId: "ask",
              actionType: "ai",
              status: "completed",
              conditionValue: true,
              input: { temp: 9 },
              result: { output: "Too warm.", usage: {}, model: "openai/gpt-4.1" },
              error: null,
              usage: null,
              attempts: 1,
              startedAt: 1_000,
              finishedAt: 1_800,
            },
          ],
        },
      },
    );
    expect(listOf()).toEqual(["GPT-4.1 openai/gpt-4.1"]);
    expect(screen.queryByRole("button", { name: /^(Move|Remove) / })).toBeNull();
    expect(screen.queryByRole("listbox", { name: "Fallback model to add" })).toBeNull();
    const details = screen.getByRole("region", { name: "Step details" });
    const answered = within(details).getByText("Model that answered").nextElementSibling;
    // Read as two sentences: "fallback" does not run on into the model that did not answer.
    expect(answered?.textContent).toBe("openai/gpt-4.1, fallback. openai/gpt-4.1-mini did not answer.");
  });
});

describe("prompt templates", () => {
  it("the prompt and system prompt are code fields with the live syntax check and completions", async () => {
    renderAiEditor({ systemPrompt: "You watch fridges." });
    const prompt = screen.getByRole("textbox", { name: "Prompt" });
    expect(prompt.getAttribute("contenteditable")).toBe("true");
    const system = screen.getByRole("textbox", { name: "System prompt (optional)" });
    expect(system.textContent).toBe("You watch fridges.");

    const view = EditorView.findFromDOM(prompt) as EditorView;
    act(() =>
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: "Temp ${payload.temp" } }),
    );
    const field = prompt.closest("[data-field]") as HTMLElement;
    await waitFor(() => expect(within(field).getByRole("alert").textContent).toMatch(/column/i));

    // The test message's fields are suggested after payload.
    fireEvent.change(testMessageField(), {
      target: { value: '{"temp": 9.5, "sensor": "fridge-1"}' },
    });
    act(() =>
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: "Temp ${payload." },
        selection: { anchor: "Temp ${payload.".length },
      }),
    );
    act(() => {
      startCompletion(view);
    });
    await waitFor(() =>
      expect(
        currentCompletions(view.state)
          .map((option) => option.label)
          .sort(),
      ).toEqual(["sensor", "temp"]),
    );
  });
});

describe("Try it", () => {
  const answer: TryOutcome = {
    ok: true,
    result: {
      output: "Yes, 9.5 °C is too warm for milk.",
      usage: { inputTokens: 11, outputTokens: 7 },
      model: "openai/gpt-4.1",
    },
    usage: {
      inputTokens: 11,
      outputTokens: 7,
      totalTokens: 18,
      credits: 5,
      requests: 1,
      model: "openai/gpt-4.1",
    },
  };

  it("runs the unsaved settings on the test message and shows the answer, model and usage", async () => {
    const onTryAction = vi.fn(async () => answer);
    renderAiEditor({}, { onTryAction });
    fireEvent.click(
      within(screen.getByRole("listbox", { name: "Model" })).getByRole("option", { name: /^GPT-4\.1 T/ }),
    );
    showTab("Test");
    fireEvent.change(testMessageField(), { target: { value: '{"temp": 9.5}' } });
    fireEvent.click(screen.getByRole("button", { name: "Try it" }));
    const result = screen.getByRole("region", { name: "Try result" });
    await waitFor(() => expect(result.textContent).toContain("Yes, 9.5 °C is too warm for milk."));
    expect(onTryAction).toHaveBeenCalledWith(
      "ai",
      expect.objectContaining({ model: "openai/gpt-4.1", prompt: "Is ${payload.temp} too warm?" }),
      { temp: 9.5 },
    );
    expect(result.textContent).toContain("openai/gpt-4.1");
    expect(result.textContent).toContain("11 input + 7 output tokens, 5 credits");
  });

  it("shows the error code and message, with what to do about it", async () => {
    const onTryAction = vi.fn(
      async (): Promise<TryOutcome> => ({
        ok: false,
        code: "quota_exceeded",
        message: "the monthly AI credit quota (200) is used up",
      }),
    );
    renderAiEditor({}, { onTryAction });
    showTab("Test");
    fireEvent.click(screen.getByRole("button", { name: "Try it" }));
    const result = screen.getByRole("region", { name: "Try result" });
    await waitFor(() => expect(within(result).getByRole("alert").textContent).toContain("quota_exceeded"));
    expect(result.textContent).toContain("the monthly AI credit quota (200) is used up");
    expect(result.textContent).toContain("raise the quota");
  });

  it("a failed request to the server shows as an error, not a blank result", async () => {
    renderAiEditor({}, { onTryAction: vi.fn(async () => Promise.reject(new Error("offline"))) });
    showTab("Test");
    fireEvent.click(screen.getByRole("button", { name: "Try it" }));
    await waitFor(() =>
      expect(screen.getByRole("region", { name: "Try result" }).textContent).toContain("offline"),
    );
  });

  it("waits for a test message that is JSON, and is not offered for other action types", () => {
    renderAiEditor({}, { onTryAction: vi.fn() });
    showTab("Test");
    fireEvent.change(testMessageField(), { target: { value: "{temp" } });
    expect((screen.getByRole("button", { name: "Try it" }) as HTMLButtonElement).disabled).toBe(true);
    // The Test tab stays chosen on the next action: a webhook has a test run but no "Try it".
    fireEvent.click(within(screen.getByRole("region", { name: "Canvas" })).getByText("Notify"));
    expect(screen.getByRole("tab", { name: "Test", selected: true })).toBeTruthy();
    expect(screen.getByRole("button", { name: /^Test run into/ })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Try it" })).toBeNull();
  });
});

describe("the code action's script", () => {
  it("is a JavaScript editor with highlighting, the syntax check at the field, and payload completions", async () => {
    const onSave = vi.fn(
      async (definition: AppDefinition): Promise<SaveOutcome> => ({ ok: true, app: definition as App }),
    );
    renderOnlyAction(
      {
        type: "code",
        config: { source: "function main(input) {\n  return input.payload.temp * 1.8 + 32;\n}" },
      },
      { onSave },
    );
    const source = screen.getByRole("textbox", { name: "Source" });
    const field = source.closest("[data-field]") as HTMLElement;
    expect(field.querySelector(".cm-lineNumbers")).not.toBeNull();
    await waitFor(() => expect(field.querySelector(".cm-line span[class]")).not.toBeNull());
    expect(within(field).queryByRole("alert")).toBeNull();

    const view = EditorView.findFromDOM(source) as EditorView;
    act(() => view.dispatch({ changes: { from: view.state.doc.length - 2, insert: " *" } }));
    await waitFor(() =>
      expect(within(field).getByRole("alert").textContent).toMatch(/syntax error at line 2/),
    );

    fireEvent.change(testMessageField(), {
      target: { value: '{"temp": 9.5, "site": "a"}' },
    });
    const typed = "function main(input) { return input.payload.";
    act(() =>
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: `${typed} }` },
        selection: { anchor: typed.length },
      }),
    );
    act(() => {
      startCompletion(view);
    });
    await waitFor(() =>
      expect(currentCompletions(view.state).map((option) => option.label)).toEqual(
        expect.arrayContaining(["temp", "site"]),
      ),
    );
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(onSave).toHaveBeenCalled());
    expect(vi.mocked(onSave).mock.lastCall?.[0].actions[0]?.config).toEqual({ source: `${typed} }` });
  });
});

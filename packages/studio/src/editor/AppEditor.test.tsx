import { EditorView } from "@codemirror/view";
import type { App, AppDefinition } from "@conflux/core";
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppEditor } from "./AppEditor.tsx";
import type { AppEditorProps, RunView, SaveOutcome } from "./contract.ts";
import { coldChainApp } from "./test-apps.ts";
import { runStep } from "./test-render.tsx";

afterEach(cleanup);

/** Opens the drawer under the canvas (test run and steps) if it is closed. */
function openDrawer() {
  const toggle = screen.getByRole("button", { name: /Test run and steps/ });
  if (toggle.getAttribute("aria-expanded") !== "true") fireEvent.click(toggle);
}

const showTab = (name: string) => fireEvent.click(screen.getByRole("tab", { name: new RegExp(`^${name}`) }));

function renderEditor(overrides: Partial<AppEditorProps> = {}) {
  const props: AppEditorProps = {
    app: coldChainApp(),
    credentials: [{ credentialsId: "pager-token", type: "api-token", description: "" }],
    onSave: vi.fn(
      async (definition: AppDefinition): Promise<SaveOutcome> => ({
        ok: true,
        app: { ...definition, appId: "01JT7K440VXVXEMTBZX4P8GE8T", createdAt: 1, updatedAt: 3 } as App,
      }),
    ),
    onTestRun: vi.fn(async () => {}),
    onDirtyChange: vi.fn(),
    ...overrides,
  };
  return { props, ...render(<AppEditor {...props} />) };
}

describe("AppEditor", () => {
  it("shows every node with its name and type, and actions with their condition", () => {
    renderEditor();
    const canvas = screen.getByRole("region", { name: "Canvas" });
    expect(within(canvas).getByText("Too warm")).toBeTruthy();
    expect(within(canvas).getByText("if payload.temp > 8")).toBeTruthy();
    expect(within(canvas).getByText("Notify")).toBeTruthy();
    expect(within(canvas).getByText("Webhook")).toBeTruthy();
    expect(within(canvas).getByText("Readings")).toBeTruthy();
    expect(within(canvas).getByText("posted to the app's API")).toBeTruthy();
  });

  it("selecting a node opens its form; editing marks the app dirty; undo and redo by button and keyboard", async () => {
    const { props } = renderEditor();
    fireEvent.click(screen.getByText("Notify"));
    const name = await screen.findByLabelText("Action name");
    expect((name as HTMLInputElement).value).toBe("Notify");
    expect((screen.getByLabelText("Action type") as HTMLSelectElement).value).toBe("webhook");
    fireEvent.change(name, { target: { value: "Page someone" } });
    expect(within(screen.getByRole("region", { name: "Canvas" })).getByText("Page someone")).toBeTruthy();
    await waitFor(() => expect(props.onDirtyChange).toHaveBeenLastCalledWith(true));
    expect(screen.getByText("Unsaved changes")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Undo" }));
    expect((screen.getByLabelText("Action name") as HTMLInputElement).value).toBe("Notify");
    await waitFor(() => expect(props.onDirtyChange).toHaveBeenLastCalledWith(false));
    fireEvent.keyDown(screen.getByLabelText("Action name"), { key: "z", ctrlKey: true, shiftKey: true });
    expect((screen.getByLabelText("Action name") as HTMLInputElement).value).toBe("Page someone");
    fireEvent.keyDown(screen.getByLabelText("Action name"), { key: "z", ctrlKey: true });
    expect((screen.getByLabelText("Action name") as HTMLInputElement).value).toBe("Notify");
  });

  it("adds an action from the palette after the selected channel, selects it and can delete it", async () => {
    renderEditor();
    // An app with nodes opens with the palette folded.
    expect(screen.queryByRole("option", { name: "Slack" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Show palette" }));
    fireEvent.click(within(screen.getByRole("region", { name: "Canvas" })).getByText("Alerts"));
    fireEvent.click(screen.getByRole("option", { name: "Slack" }));
    expect(((await screen.findByLabelText("Action name")) as HTMLInputElement).value).toBe("slack 1");
    expect((screen.getByLabelText("Input channel") as HTMLSelectElement).value).toBe("alerts");
    expect(screen.getByLabelText("URL")).toBeTruthy();
    expect(screen.getByLabelText("Text")).toBeTruthy();
    expect(within(screen.getByRole("region", { name: "Canvas" })).getByText("slack 1")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Delete action" }));
    expect(within(screen.getByRole("region", { name: "Canvas" })).queryByText("slack 1")).toBeNull();
    expect(screen.getByLabelText("App name")).toBeTruthy();
    // the deleted node had the focus; Ctrl+Z on the page body still undoes
    fireEvent.keyDown(document.body, { key: "z", ctrlKey: true });
    expect(within(screen.getByRole("region", { name: "Canvas" })).getByText("slack 1")).toBeTruthy();
  });

  it("shows a bad condition's error at the field with its column, and counts the problem", async () => {
    renderEditor();
    fireEvent.click(screen.getByText("Too warm"));
    showTab("Condition");
    const condition = await screen.findByRole("textbox", { name: "Condition" });
    expect(condition.textContent).toBe("payload.temp > 8");
    type(condition, "payload.temp > ");
    const message = await screen.findByText(/Expected a value.*at column 16|at column 16/);
    expect(message.getAttribute("role")).toBe("alert");
    expect(condition.getAttribute("aria-describedby")).toBe(message.id);
    expect(within(screen.getByRole("toolbar", { name: "App editor" })).getByText("1 problem")).toBeTruthy();
    expect(within(screen.getByRole("region", { name: "Canvas" })).getByText("1 problem")).toBeTruthy();
    expect(screen.getByRole("tab", { name: /^Condition\W+1 problem$/, selected: true })).toBeTruthy();
    // On another tab, the count still says where the problem is.
    showTab("Settings");
    expect(screen.getByRole("tab", { name: /^Condition\W+1 problem$/, selected: false })).toBeTruthy();
  });

  it("puts the server's problems at their field, focuses the first, and keeps them until that value changes", async () => {
    const onSave = vi.fn(
      async (): Promise<SaveOutcome> => ({
        ok: false,
        message: "config.url of action 'Notify': private address refused",
        problems: [{ path: ["actions", 1, "config", "url"], message: "private address refused", column: 9 }],
      }),
    );
    renderEditor({ onSave });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(onSave).toHaveBeenCalledTimes(1));
    const url = await screen.findByLabelText("URL");
    await waitFor(() => expect(document.activeElement).toBe(url));
    expect(screen.getAllByText("private address refused").length).toBeGreaterThan(0);
    type(url, "https://pager.example/ok");
    await waitFor(() => expect(screen.queryAllByText("private address refused")).toHaveLength(0));
  });

  it("saves the definition with every field kept, then is clean", async () => {
    const { props } = renderEditor();
    fireEvent.click(within(screen.getByRole("region", { name: "Canvas" })).getByText("Readings"));
    fireEvent.change(await screen.findByLabelText("Channel name"), { target: { value: "Sensor readings" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(props.onSave).toHaveBeenCalledTimes(1));
    const { appId: _a, createdAt: _c, updatedAt: _u, ...expected } = coldChainApp();
    const [readings] = expected.channels;
    if (readings) readings.name = "Sensor readings";
    expect(vi.mocked(props.onSave).mock.calls[0]?.[0]).toEqual(expected);
    await waitFor(() => expect(props.onDirtyChange).toHaveBeenLastCalledWith(false));
    expect(await screen.findByText("Saved")).toBeTruthy();
  });
});

/** Replaces the text of a CodeMirror field or an input as typing would. */
function type(element: HTMLElement, text: string) {
  const view = EditorView.findFromDOM(element);
  if (view) act(() => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }));
  else fireEvent.change(element, { target: { value: text } });
}

describe("AppEditor test runs and the run overlay", () => {
  it("sends a test message into the chosen channel only while the payload is JSON", async () => {
    const { props } = renderEditor();
    openDrawer();
    const payload = screen.getByLabelText("Test message (JSON)");
    fireEvent.change(screen.getByLabelText("Channel"), { target: { value: "alerts" } });
    fireEvent.change(payload, { target: { value: '{"temp": ' } });
    expect(screen.getByText(/^Not valid JSON/)).toBeTruthy();
    expect((screen.getByRole("button", { name: "Send test message" }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    fireEvent.change(payload, { target: { value: '{"temp": 9.5}' } });
    fireEvent.click(screen.getByRole("button", { name: "Send test message" }));
    await waitFor(() => expect(props.onTestRun).toHaveBeenCalledWith("alerts", { temp: 9.5 }));
  });

  it("says when sending failed", async () => {
    renderEditor({ onTestRun: vi.fn(async () => Promise.reject(new Error("network down"))) });
    openDrawer();
    fireEvent.click(screen.getByRole("button", { name: "Send test message" }));
    expect(await screen.findByText("The test message was not sent: network down")).toBeTruthy();
  });

  it("colours each action by its step and shows counts; a node's step shows what it saw and did", async () => {
    const run: RunView = {
      runId: "run-1",
      channelId: "readings",
      status: "running",
      steps: [
        runStep("too-warm", "completed"),
        runStep("notify", "failed", {
          channelId: "alerts",
          result: null,
          error: { code: "http_status", message: "HTTP 503" },
          attempts: 3,
          finishedAt: 3_500,
        }),
      ],
    };
    renderEditor({ run });
    const canvas = screen.getByRole("region", { name: "Canvas" });
    const tooWarm = within(canvas).getByText("Too warm").closest(".cfx-node");
    expect(tooWarm?.className).toContain("cfx-node--run-completed");
    expect(within(canvas).getByText("Notify").closest(".cfx-node")?.className).toContain(
      "cfx-node--run-failed",
    );
    expect(within(canvas).getByText("Tell LINE").closest(".cfx-node")?.className).toContain(
      "cfx-node--run-waiting",
    );
    const summary = screen.getByRole("status", { name: "Run summary" });
    expect(summary.textContent).toContain("1 completed");
    expect(summary.textContent).toContain("1 failed");
    expect(summary.textContent).toContain("1 waiting");

    fireEvent.click(within(canvas).getByText("Notify"));
    const details = await screen.findByRole("region", { name: "Step details" });
    expect(details.textContent).toContain("http_status: HTTP 503");
    expect(details.textContent).toContain("2.50 s");
    expect(within(details).getByText("Attempts").nextElementSibling?.textContent).toBe("3");
    expect(within(details).getByText("Condition value").nextElementSibling?.textContent).toBe("true");
    expect(details.textContent).toContain('"temp": 9.5');
  });

  it("read-only: no saving, no palette, no test run; values are text, not fields", async () => {
    renderEditor({
      readOnly: true,
      run: { runId: "r", channelId: "readings", status: "completed", steps: [] },
    });
    expect(screen.queryByRole("button", { name: "Save" })).toBeNull();
    expect(screen.getByText("Select a node on the canvas to see its settings.")).toBeTruthy();
    expect(screen.queryByText(/add one from/)).toBeNull();
    expect(screen.queryByRole("textbox", { name: "App name" })).toBeNull();
    expect(screen.queryByRole("region", { name: "Palette" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Send test message" })).toBeNull();
    fireEvent.click(within(screen.getByRole("region", { name: "Canvas" })).getByText("Notify"));
    expect(screen.queryByRole("button", { name: "Send test message" })).toBeNull();
    const panel = screen.getByRole("complementary", { name: "Properties" });
    expect(within(panel).queryByRole("textbox", { name: "Action name" })).toBeNull();
    expect(within(panel).queryByRole("combobox", { name: "Action type" })).toBeNull();
    expect(within(panel).queryByRole("checkbox", { name: "Action enabled" })).toBeNull();
    expect(within(panel).getByText("Action name").nextElementSibling?.textContent).toBe("Notify");
    expect(within(panel).getByText("Action enabled").nextElementSibling?.textContent).toBe("yes");
    expect(within(panel).queryByRole("button", { name: "Delete action" })).toBeNull();
    expect(within(panel).queryByRole("tab", { name: "Test" })).toBeNull();
    showTab("Output");
    expect(within(panel).getByText("Output channel").nextElementSibling?.textContent).toBe("(none)");
    expect(screen.getByRole("status", { name: "Run summary" }).textContent).toContain("3 not reached");
  });
});

describe("AppEditor forms", () => {
  it("switching a webhook body's mode keeps shared fields and offers credentials for auth", async () => {
    const { props } = renderEditor();
    fireEvent.click(within(screen.getByRole("region", { name: "Canvas" })).getByText("Notify"));
    fireEvent.change(await screen.findByLabelText("Body mode"), { target: { value: "json" } });
    expect(screen.getByLabelText("Content")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Auth type"), { target: { value: "bearer" } });
    const credentials = screen.getByLabelText("Credentials") as HTMLSelectElement;
    expect([...credentials.options].map((o) => o.textContent)).toEqual([
      "Choose stored credentials…",
      "pager-token (api-token)",
    ]);
    fireEvent.change(credentials, { target: { value: "pager-token" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(props.onSave).toHaveBeenCalled());
    const saved = vi.mocked(props.onSave).mock.calls[0]?.[0];
    expect(saved?.actions[1]?.config).toEqual({
      method: "POST",
      url: "https://pager.example/${payload.t}",
      headers: { "x-team": "ops" },
      body: { mode: "json", content: "" },
      auth: { type: "bearer", credentialsId: "pager-token" },
      extraKeptField: 7,
    });
  });

  it("a planned action type's config is edited as JSON and applied only when it parses", async () => {
    renderEditor();
    fireEvent.click(within(screen.getByRole("region", { name: "Canvas" })).getByText("Tell LINE"));
    const json = (await screen.findByLabelText("Config (JSON)")) as HTMLTextAreaElement;
    expect(JSON.parse(json.value)).toEqual({ to: "U123", text: "failed: ${payload.t}" });
    fireEvent.change(json, { target: { value: '{"to": ' } });
    expect(screen.getByText(/^Not valid JSON/)).toBeTruthy();
    expect(screen.queryByText("Unsaved changes")).toBeNull();
    fireEvent.change(json, { target: { value: '{"to": "U9"}' } });
    expect(screen.getByText("Unsaved changes")).toBeTruthy();
  });

  it("connects outputs through the side panel too: choosing an output channel enables the output", async () => {
    const { props } = renderEditor();
    fireEvent.click(within(screen.getByRole("region", { name: "Canvas" })).getByText("Tell LINE"));
    showTab("Output");
    fireEvent.change(await screen.findByLabelText("Output channel"), { target: { value: "alerts" } });
    expect((screen.getByLabelText("Send the result on") as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(props.onSave).toHaveBeenCalled());
    expect(vi.mocked(props.onSave).mock.calls[0]?.[0].actions[2]?.output).toEqual({
      enabled: true,
      channelId: "alerts",
      splitArray: false,
      delaySeconds: 0,
    });
  });

  it("an event source's form follows its type: an API source has no settings, a timer has an interval", async () => {
    const { props } = renderEditor();
    fireEvent.click(
      within(screen.getByRole("region", { name: "Canvas" })).getByText("posted to the app's API"),
    );
    const type = (await screen.findByLabelText("Event source type")) as HTMLSelectElement;
    expect(type.value).toBe("api");
    expect(screen.getByText("This event source has no settings.")).toBeTruthy();
    fireEvent.change(type, { target: { value: "interval-timer" } });
    const minutes = screen.getByLabelText("Interval minutes") as HTMLInputElement;
    expect(minutes.value).toBe("1");
    fireEvent.change(minutes, { target: { value: "15" } });
    fireEvent.click(screen.getByLabelText("Event source enabled"));
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(props.onSave).toHaveBeenCalled());
    expect(vi.mocked(props.onSave).mock.calls[0]?.[0].channels[0]?.eventSource).toEqual({
      type: "interval-timer",
      enabled: false,
      config: { intervalMinutes: 15 },
    });
  });
});

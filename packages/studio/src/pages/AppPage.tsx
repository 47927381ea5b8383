import type { App, AppDefinition, JsonValue } from "@conflux/core";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { tryActionWith } from "../api/ai-try.ts";
import { saveOutcomeOf } from "../api/app-definition.ts";
import { describeError } from "../api/client.ts";
import { followRun } from "../api/run-stream.ts";
import type { RunView, SaveOutcome } from "../editor/contract.ts";
import { Link, pathOf, useNavigationGuard } from "../shell/router.tsx";
import { useStudio } from "../shell/studio-context.tsx";
import { useLoad } from "../shell/use-load.ts";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { LazyAppEditor } from "./LazyAppEditor.tsx";

/** Follows the latest test run live; a new test run stops following the previous one. */
function useLiveRun(appId: string) {
  const { api } = useStudio();
  const [run, setRun] = useState<RunView>();
  const [error, setError] = useState<unknown>();
  const following = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => following.current?.abort(), []);

  const start = useCallback(
    async (channelId: string, payload: JsonValue) => {
      following.current?.abort();
      setError(undefined);
      const { executionId } = await api.sendMessage(appId, channelId, payload);
      const controller = new AbortController();
      following.current = controller;
      setRun({ runId: executionId, channelId, status: "running", steps: [] });
      followRun(api, appId, executionId, setRun, controller.signal).catch(setError);
    },
    [api, appId],
  );
  return { run, error, start, clearError: () => setError(undefined) };
}

/** One app in the editor: save, test-run with the live run on the canvas, and a guard for unsaved work. */
export function AppPage({ appId }: { appId: string }) {
  const { api } = useStudio();
  const loaded = useLoad(async () => {
    const [app, credentials, aiModels] = await Promise.all([
      api.getApp(appId),
      api.listCredentials(),
      // The catalogue only helps pick a model: without it the editor takes the model as text.
      api.listAiModels().catch(() => []),
    ]);
    return { app, credentials, aiModels };
  }, [api, appId]);
  const [dirty, setDirty] = useState(false);
  useNavigationGuard(dirty, "This app has changes that are not saved. They will be lost.");
  const live = useLiveRun(appId);
  const tryAction = useMemo(() => tryActionWith(api), [api]);

  const { setData } = loaded;
  // The version the editor's copy is based on: a save made elsewhere since then is not overwritten (412).
  const baseVersion = loaded.data?.app.version;
  const save = useCallback(
    async (definition: AppDefinition): Promise<SaveOutcome> => {
      try {
        const app: App = await api.updateApp(appId, definition, baseVersion);
        // The title follows a rename; the editor sees the app it just saved and keeps its state.
        setData((current) => (current ? { ...current, app } : current));
        return { ok: true, app };
      } catch (error) {
        return saveOutcomeOf(error);
      }
    },
    [api, appId, baseVersion, setData],
  );

  if (loaded.error)
    return (
      <Page title="App">
        <ErrorBanner error={loaded.error} onRetry={loaded.reload} />
      </Page>
    );
  if (!loaded.data)
    return (
      <Page title="App">
        <p className="cfx-muted">Loading the app…</p>
      </Page>
    );
  const { app, credentials, aiModels } = loaded.data;
  return (
    <Page
      full
      title={app.name}
      toolbar={
        <Link className="cfx-button" to={pathOf({ page: "history", appId })}>
          History
        </Link>
      }
    >
      <div className="cfx-editor-frame">
        {live.error ? (
          <ErrorBanner
            error={new Error(`The live view of the run stopped: ${describeError(live.error)}`)}
            onDismiss={live.clearError}
          />
        ) : null}
        <LazyAppEditor
          app={app}
          credentials={credentials}
          onSave={save}
          onTestRun={live.start}
          onDirtyChange={setDirty}
          aiModels={aiModels}
          onTryAction={tryAction}
          {...(live.run ? { run: live.run } : {})}
        />
      </div>
    </Page>
  );
}

import type { App, AppDefinition, JsonValue } from "@conflux/core";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useAccountsApi } from "../accounts/accounts-api.ts";
import { createApiUser } from "../accounts/api-user.ts";
import { tryActionWith } from "../api/ai-try.ts";
import { saveOutcomeOf } from "../api/app-definition.ts";
import { ApiError, describeError } from "../api/client.ts";
import { followRun } from "../api/run-stream.ts";
import type { RunView, SaveOutcome } from "../editor/contract.ts";
import { usePermissions } from "../shell/permissions.tsx";
import { Link, pathOf, useNavigationGuard } from "../shell/router.tsx";
import { useStudio } from "../shell/studio-context.tsx";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Notice } from "../ui/Notice.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { useToast } from "../ui/Toast.tsx";
import { RestoreDialog, VersionsDialog } from "./AppVersions.tsx";
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

/**
 * One app in the editor: save, test-run with the live run on the canvas, a guard for unsaved work, and
 * the app's versions (open one read-only, or restore it).
 */
export function AppPage({ appId }: { appId: string }) {
  const { api } = useStudio();
  const { can } = usePermissions();
  const toast = useToast();
  const loaded = useLoad(async () => {
    const [app, credentials, aiModels] = await Promise.all([
      api.getApp(appId),
      // A user allowed to read apps but not credentials still sees the app.
      api
        .listCredentials()
        .catch((error) => (error instanceof ApiError && error.status === 403 ? [] : Promise.reject(error))),
      // The catalogue only helps pick a model: without it the editor takes the model as text.
      api.listAiModels().catch(() => []),
    ]);
    return { app, credentials, aiModels };
  }, [api, appId]);
  const [dirty, setDirty] = useState(false);
  useNavigationGuard(dirty, "This app has changes that are not saved. They will be lost.");
  const live = useLiveRun(appId);
  const tryAction = useMemo(() => tryActionWith(api), [api]);
  const accounts = useAccountsApi();
  const createActionUser = useCallback(
    (request: { actionId: string; method: string; path: string }) => createApiUser(accounts, appId, request),
    [accounts, appId],
  );

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

  const [versionsOpen, setVersionsOpen] = useState(false);
  const [restoring, setRestoring] = useState<{ version: number; saving: boolean }>();
  const [restoreError, setRestoreError] = useState<unknown>();
  // Restoring replaces what the editor holds, unsaved changes included: a new key starts it over.
  const [editorGeneration, setEditorGeneration] = useState(0);
  const restore = async (version: number) => {
    setRestoring({ version, saving: true });
    setRestoreError(undefined);
    try {
      // On the version the editor's copy is based on, as a save: a save made elsewhere is not overwritten.
      const app = await api.restoreAppVersion(appId, version, baseVersion);
      setData((current) => (current ? { ...current, app } : current));
      setEditorGeneration((generation) => generation + 1);
      toast.show(`Version ${version} restored as version ${app.version}`);
    } catch (caught) {
      setRestoreError(caught);
    } finally {
      setRestoring(undefined);
    }
  };

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
  // Without App:updateApp a save would answer 403: the editor shows the app read-only instead.
  const readOnly = !can("App:updateApp");
  return (
    <Page
      full
      title={app.name}
      toolbar={
        <>
          <Button onClick={() => setVersionsOpen(true)}>Versions</Button>
          <Link className="cfx-button" to={pathOf({ page: "history", appId })}>
            History
          </Link>
        </>
      }
    >
      <div className="cfx-editor-frame">
        {readOnly ? (
          <Notice>Read-only: your permissions do not allow changing this app (App:updateApp).</Notice>
        ) : null}
        {restoreError ? (
          <ErrorBanner
            error={new Error(`The version was not restored: ${describeError(restoreError)}`)}
            onDismiss={() => setRestoreError(undefined)}
          />
        ) : null}
        {live.error ? (
          <ErrorBanner
            error={new Error(`The live view of the run stopped: ${describeError(live.error)}`)}
            onDismiss={live.clearError}
          />
        ) : null}
        <LazyAppEditor
          key={editorGeneration}
          app={app}
          readOnly={readOnly}
          credentials={credentials}
          onCreateApiUser={createActionUser}
          onSave={save}
          onTestRun={live.start}
          onDirtyChange={setDirty}
          aiModels={aiModels}
          onTryAction={tryAction}
          {...(live.run ? { run: live.run } : {})}
        />
      </div>
      <VersionsDialog
        open={versionsOpen}
        app={app}
        onClose={() => setVersionsOpen(false)}
        {...(can("AppVersion:restoreAppVersion")
          ? {
              onRestore: (version: number) => {
                setVersionsOpen(false);
                setRestoring({ version, saving: false });
              },
            }
          : {})}
      />
      <RestoreDialog
        version={restoring?.version}
        current={app.version}
        unsaved={dirty}
        busy={restoring?.saving ?? false}
        onCancel={() => setRestoring(undefined)}
        onConfirm={(version) => void restore(version)}
      />
    </Page>
  );
}

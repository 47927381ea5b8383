import { useEffect, useState } from "react";
import { appAtVersion } from "../api/app-definition.ts";
import type { ConfluxApi, RunDetail } from "../api/conflux-api.ts";
import { followRun } from "../api/run-stream.ts";
import type { RunView } from "../editor/contract.ts";
import { usePermissions } from "../shell/permissions.tsx";
import { Link, pathOf, useRouter } from "../shell/router.tsx";
import { useStudio } from "../shell/studio-context.tsx";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Notice } from "../ui/Notice.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { StatusBadge } from "../ui/Table.tsx";
import { Time } from "../ui/Time.tsx";
import { ReadOnlyBanner, useRestoreAndOpen } from "./AppVersions.tsx";
import { LazyAppEditor } from "./LazyAppEditor.tsx";

function viewOf(run: RunDetail): RunView {
  return { runId: run.runId, channelId: run.channelId, status: run.status, steps: run.steps };
}

const rejectEdits = async () => ({ ok: false as const, message: "a run is read-only", problems: [] });

/**
 * The app as the run saw it: the version it started on (`seen`), or the app as it is now for a run from
 * before versions were kept (`seen` undefined; the page says so).
 */
async function loadRun(api: ConfluxApi, appId: string, runId: string) {
  const [current, run, credentials] = await Promise.all([
    api.getApp(appId),
    api.getRun(appId, runId),
    api.listCredentials(),
  ]);
  const seen = run.appVersion ?? undefined;
  const app =
    seen === undefined || seen === current.version
      ? current
      : appAtVersion(current, await api.getAppVersion(appId, seen));
  return { current, app, seen, run, credentials };
}

/**
 * A run on the canvas, read-only, with each step's input, condition, result, error and duration in the
 * editor's panels, on the app version the run started on. A run still going is followed live.
 */
export function RunPage({ appId, runId }: { appId: string; runId: string }) {
  const { api } = useStudio();
  const { navigate } = useRouter();
  const loaded = useLoad(() => loadRun(api, appId, runId), [api, appId, runId]);
  const [live, setLive] = useState<RunView>();
  const [error, setError] = useState<unknown>();
  const { can } = usePermissions();
  const restoring = useRestoreAndOpen(appId, loaded.data?.current.version, setError);
  const running = loaded.data?.run.status === "running";

  useEffect(() => {
    if (!running) return;
    const controller = new AbortController();
    followRun(api, appId, runId, setLive, controller.signal).catch(setError);
    return () => controller.abort();
  }, [api, appId, runId, running]);

  const replay = async () => {
    setError(undefined);
    try {
      const next = await api.replayRun(appId, runId);
      navigate(pathOf({ page: "run", appId, runId: next.runId }));
    } catch (caught) {
      setError(caught);
    }
  };

  if (loaded.error)
    return (
      <Page title="Run">
        <ErrorBanner error={loaded.error} onRetry={loaded.reload} />
      </Page>
    );
  if (!loaded.data)
    return (
      <Page title="Run">
        <p className="cfx-muted">Loading the run…</p>
      </Page>
    );
  const { current, app, seen, run, credentials } = loaded.data;
  const view = live ?? viewOf(run);
  return (
    <Page
      full
      tabTitle={`Run ${run.runId}`}
      title={
        <span className="cfx-row">
          Run <span className="cfx-mono">{run.runId}</span> <StatusBadge status={view.status} />
        </span>
      }
      toolbar={
        <>
          <span className="cfx-muted">
            <Time ms={run.createdAt} /> · {run.eventType} on {run.channelId}
            {seen === undefined ? null : ` · version ${seen}`}
          </span>
          <Link className="cfx-button" to={pathOf({ page: "history", appId })}>
            Back to history
          </Link>
          <Button variant="primary" onClick={() => void replay()}>
            Replay
          </Button>
        </>
      }
    >
      <div className="cfx-editor-frame">
        {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
        <ReadOnlyBanner appId={appId}>
          run <span className="cfx-mono">{run.runId}</span> of {app.name}
          {seen === undefined ? "" : `, version ${seen}`}. Click an action to see its step.
        </ReadOnlyBanner>
        {seen === undefined ? (
          <Notice tone="warning">
            This run is older than app versions: the canvas shows the app as it is now, which may differ from
            what the run saw.
          </Notice>
        ) : seen !== current.version ? (
          <Notice
            action={
              can("AppVersion:restoreAppVersion") ? (
                <Button size="small" onClick={() => restoring.ask(seen)}>
                  Restore version {seen}
                </Button>
              ) : undefined
            }
          >
            The canvas shows version {seen}, the app as this run saw it. The app is now at version{" "}
            {current.version}.
          </Notice>
        ) : null}
        <LazyAppEditor
          app={app}
          readOnly
          credentials={credentials}
          run={view}
          onSave={rejectEdits}
          onTestRun={async () => {}}
        />
      </div>
      {restoring.dialog}
    </Page>
  );
}

import { useEffect, useState } from "react";
import type { RunDetail } from "../api/conflux-api.ts";
import { followRun } from "../api/run-stream.ts";
import type { RunView } from "../editor/contract.ts";
import { Link, useRouter } from "../shell/router.tsx";
import { useStudio } from "../shell/studio-context.tsx";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { StatusBadge } from "../ui/Table.tsx";
import { LazyAppEditor } from "./LazyAppEditor.tsx";

function viewOf(run: RunDetail): RunView {
  return { runId: run.runId, channelId: run.channelId, status: run.status, steps: run.steps };
}

const rejectEdits = async () => ({ ok: false as const, message: "a run is read-only", problems: [] });

/**
 * A run on the canvas, read-only, with each step's input, condition, result, error and duration in the
 * editor's panels. A run still going is followed live. The canvas shows the app as it is now: apps are
 * not versioned, so an action changed since the run may differ from what the run saw.
 */
export function RunPage({ appId, runId }: { appId: string; runId: string }) {
  const { api } = useStudio();
  const { navigate } = useRouter();
  const loaded = useLoad(async () => {
    const [app, run, credentials] = await Promise.all([
      api.getApp(appId),
      api.getRun(appId, runId),
      api.listCredentials(),
    ]);
    return { app, run, credentials };
  }, [api, appId, runId]);
  const [live, setLive] = useState<RunView>();
  const [error, setError] = useState<unknown>();
  const running = loaded.data?.run.status === "running";

  useEffect(() => {
    if (!running) return;
    const controller = new AbortController();
    followRun(api, appId, runId, setLive, controller.signal).catch((caught: unknown) => {
      if (!controller.signal.aborted) setError(caught);
    });
    return () => controller.abort();
  }, [api, appId, runId, running]);

  const replay = async () => {
    setError(undefined);
    try {
      const next = await api.replayRun(appId, runId);
      navigate(`/apps/${encodeURIComponent(appId)}/runs/${encodeURIComponent(next.runId)}`);
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
  const { app, run, credentials } = loaded.data;
  const view = live ?? viewOf(run);
  return (
    <Page
      full
      title={
        <span className="cfx-row">
          Run <span className="cfx-mono">{run.runId}</span> <StatusBadge status={view.status} />
        </span>
      }
      toolbar={
        <>
          <span className="cfx-muted">
            {new Date(run.createdAt).toLocaleString()} · {run.eventType} on {run.channelId}
          </span>
          <Link className="cfx-button" to={`/apps/${encodeURIComponent(appId)}/history`}>
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
        <LazyAppEditor
          app={app}
          readOnly
          credentials={credentials}
          run={view}
          onSave={rejectEdits}
          onTestRun={async () => {}}
        />
      </div>
    </Page>
  );
}

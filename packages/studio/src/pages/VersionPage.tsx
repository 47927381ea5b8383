import { useState } from "react";
import { appAtVersion } from "../api/app-definition.ts";
import type { ConfluxApi } from "../api/conflux-api.ts";
import { usePermissions } from "../shell/permissions.tsx";
import { Link, pathOf } from "../shell/router.tsx";
import { useStudio } from "../shell/studio-context.tsx";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Notice } from "../ui/Notice.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Time } from "../ui/Time.tsx";
import { ReadOnlyBanner, useRestoreAndOpen } from "./AppVersions.tsx";
import { LazyAppEditor } from "./LazyAppEditor.tsx";

const rejectEdits = async () => ({
  ok: false as const,
  message: "a saved version is read-only",
  problems: [],
});

async function loadVersion(api: ConfluxApi, appId: string, version: number) {
  const [current, saved, credentials] = await Promise.all([
    api.getApp(appId),
    api.getAppVersion(appId, version),
    api.listCredentials(),
  ]);
  return { current, saved, app: appAtVersion(current, saved), credentials };
}

/** One saved version of an app on the canvas, read-only, with a way to restore it. */
export function VersionPage({ appId, version }: { appId: string; version: number }) {
  const { api } = useStudio();
  const loaded = useLoad(() => loadVersion(api, appId, version), [api, appId, version]);
  const [error, setError] = useState<unknown>();
  const { can } = usePermissions();
  const restoring = useRestoreAndOpen(appId, loaded.data?.current.version, setError);

  const title = `Version ${version}`;
  if (loaded.error)
    return (
      <Page title={title}>
        <ErrorBanner error={loaded.error} onRetry={loaded.reload} />
      </Page>
    );
  if (!loaded.data)
    return (
      <Page title={title}>
        <p className="cfx-muted">Loading the version…</p>
      </Page>
    );
  const { current, saved, app, credentials } = loaded.data;
  const isCurrent = version === current.version;
  return (
    <Page
      full
      title={`${current.name}: version ${version}`}
      toolbar={
        <>
          <span className="cfx-muted">
            Saved <Time ms={saved.createdAt} />
          </span>
          <Link className="cfx-button" to={pathOf({ page: "app", appId })}>
            Back to the app
          </Link>
        </>
      }
    >
      <div className="cfx-editor-frame">
        {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
        <ReadOnlyBanner appId={appId}>
          version {version} of {current.name}.
        </ReadOnlyBanner>
        {isCurrent ? (
          <Notice>This is the app's current version, shown read-only.</Notice>
        ) : (
          <Notice
            action={
              can("AppVersion:restoreAppVersion") ? (
                <Button size="small" onClick={() => restoring.ask(version)}>
                  Restore version {version}
                </Button>
              ) : undefined
            }
          >
            The canvas shows version {version}, read-only. The app is now at version {current.version}.
          </Notice>
        )}
        <LazyAppEditor
          app={app}
          readOnly
          credentials={credentials}
          onSave={rejectEdits}
          onTestRun={async () => {}}
        />
      </div>
      {restoring.dialog}
    </Page>
  );
}

import type { App } from "@conflux/core";
import { type ReactNode, useEffect, useId, useState } from "react";
import type { AppVersionSummary } from "../api/conflux-api.ts";
import { usePermissions } from "../shell/permissions.tsx";
import { Link, pathOf, useRouter } from "../shell/router.tsx";
import { useStudio } from "../shell/studio-context.tsx";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { TrailingBadge } from "../ui/Badge.tsx";
import { Button } from "../ui/Button.tsx";
import { ConfirmDialog, Dialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Notice } from "../ui/Notice.tsx";
import { Table } from "../ui/Table.tsx";
import { Time } from "../ui/Time.tsx";
import { useToast } from "../ui/Toast.tsx";

const pageSize = 20;

/**
 * The banner over an app shown read-only (a run, a saved version): what is shown, that nothing here can
 * be changed, and the way back to the app's editor.
 */
export function ReadOnlyBanner({ appId, children }: { appId: string; children: ReactNode }) {
  const { can } = usePermissions();
  return (
    <Notice
      action={
        <Link
          className="cfx-button cfx-button--primary cfx-button--small"
          to={pathOf({ page: "app", appId })}
        >
          {can("App:updateApp") ? "Edit the app" : "Open the app"}
        </Link>
      }
    >
      <strong>Read-only:</strong> {children}
    </Notice>
  );
}

/** What made a version, in the list's words; versions saved before the server recorded it say "unknown". */
function originOf({ origin, restoredFrom }: AppVersionSummary): string {
  if (origin === "restored" && restoredFrom !== null) return `restored from version ${restoredFrom}`;
  return origin ?? "unknown";
}

export interface VersionsDialogProps {
  open: boolean;
  app: App;
  onClose(): void;
  /**
   * Restoring asks first: the page closes this dialog and opens its RestoreDialog. Absent (the caller
   * may not restore), the list offers no Restore buttons.
   */
  onRestore?: (version: number) => void;
}

/** An app's saved versions, newest first: each opens read-only on the canvas, or is restored. */
export function VersionsDialog({ open, app, onClose, onRestore }: VersionsDialogProps) {
  return (
    <Dialog
      open={open}
      wide
      title={`Versions of ${app.name}`}
      onClose={onClose}
      actions={<Button onClick={onClose}>Close</Button>}
    >
      <VersionList app={app} onRestore={onRestore} />
    </Dialog>
  );
}

/** Mounted while the dialog is open, so each opening lists the versions as they are then. */
function VersionList({ app, onRestore }: { app: App; onRestore?: ((version: number) => void) | undefined }) {
  const { api } = useStudio();
  const first = useLoad(() => api.listAppVersions(app.appId, { limit: pageSize }), [api, app.appId]);
  const [older, setOlder] = useState<AppVersionSummary[]>([]);
  // The cursor of the page after the last one shown; null once the oldest version is shown.
  const [nextCursor, setNextCursor] = useState<string | null>();
  const loading = useAction();
  const versions = [...(first.data?.items ?? []), ...older];
  const cursor = nextCursor === undefined ? first.data?.nextCursor : nextCursor;

  const showOlder = () =>
    loading.run(async () => {
      if (!cursor) return;
      const page = await api.listAppVersions(app.appId, { limit: pageSize, cursor });
      setOlder((current) => [...current, ...page.items]);
      setNextCursor(page.nextCursor);
      setFirstShown(page.items[0]?.version);
    });

  // The focus goes on to the first version just shown: the button it was on goes with the last page.
  const linkId = useId();
  const [firstShown, setFirstShown] = useState<number>();
  useEffect(() => {
    if (firstShown === undefined) return;
    setFirstShown(undefined);
    document.getElementById(`${linkId}${firstShown}`)?.focus();
  }, [firstShown, linkId]);

  if (first.error) return <ErrorBanner error={first.error} onRetry={first.reload} />;
  return (
    <>
      <p className="cfx-muted">
        The app as it was at each save: its creation or import, every save and every restore. Restoring a
        version saves it again as the newest; the others stay.
      </p>
      <Table
        caption={`Versions of ${app.name}, newest first`}
        rows={versions}
        rowKey={(version) => String(version.version)}
        empty={first.loading ? "Loading…" : "No versions kept."}
        columns={[
          {
            header: "Version",
            cell: (version) => (
              <span className="cfx-row">
                Version {version.version}
                {version.version === app.version ? <TrailingBadge>current</TrailingBadge> : null}
              </span>
            ),
          },
          { header: "Saved", cell: (version) => <Time ms={version.createdAt} /> },
          {
            header: "Origin",
            cell: (version) => (
              <span className={version.origin === null ? "cfx-muted" : undefined}>{originOf(version)}</span>
            ),
          },
          {
            header: "Saved by",
            cell: (version) =>
              version.createdBy === null ? <span className="cfx-muted">unknown</span> : version.createdBy,
          },
          {
            header: "Actions",
            visuallyHiddenHeader: true,
            cell: (version) => (
              <div className="cfx-table__actions">
                <Link
                  className="cfx-button cfx-button--default cfx-button--small"
                  to={pathOf({ page: "version", appId: app.appId, version: version.version })}
                  aria-label={`Open version ${version.version} read-only`}
                  id={`${linkId}${version.version}`}
                >
                  Open read-only
                </Link>
                {version.version === app.version || !onRestore ? null : (
                  <Button
                    size="small"
                    aria-label={`Restore version ${version.version}`}
                    onClick={() => onRestore(version.version)}
                  >
                    Restore
                  </Button>
                )}
              </div>
            ),
          },
        ]}
      />
      {loading.error ? <ErrorBanner error={loading.error} onDismiss={loading.clearError} /> : null}
      {cursor ? (
        <Button size="small" disabled={loading.busy} onClick={() => void showOlder()}>
          Show older versions
        </Button>
      ) : null}
    </>
  );
}

export interface RestoreDialogProps {
  /** The version to restore; the dialog is open while it is set. */
  version: number | undefined;
  /** The version the app is at now. */
  current: number | undefined;
  /** The editor has changes that are not saved: restoring discards them. */
  unsaved?: boolean;
  busy: boolean;
  onConfirm(version: number): void;
  onCancel(): void;
}

/** Asks before restoring a version, and says what restoring does (and what it discards). */
export function RestoreDialog({ version, current, unsaved, busy, onConfirm, onCancel }: RestoreDialogProps) {
  return (
    <ConfirmDialog
      open={version !== undefined}
      title={`Restore version ${version}?`}
      confirmLabel={unsaved ? `Discard changes and restore version ${version}` : `Restore version ${version}`}
      danger={unsaved}
      busy={busy}
      onCancel={onCancel}
      onConfirm={() => version !== undefined && onConfirm(version)}
    >
      {unsaved ? <p>This app has changes that are not saved. They will be lost.</p> : null}
      <p>
        Version {version} is saved as the app's newest version and runs from now on, timers and device sources
        included. Version {current} stays in the app's versions.
      </p>
    </ConfirmDialog>
  );
}

/**
 * Restoring from a read-only page (a run's, a saved version's): `ask` opens the RestoreDialog in
 * `dialog`; once confirmed, the version is restored on the version the page loaded (`current`: a save
 * made since is refused with 412, handed to `onError`) and the app opens.
 */
export function useRestoreAndOpen(
  appId: string,
  current: number | undefined,
  onError: (error: unknown) => void,
) {
  const { api } = useStudio();
  const { navigate } = useRouter();
  const toast = useToast();
  const [restoring, setRestoring] = useState<{ version: number; saving: boolean }>();

  const restore = async (version: number) => {
    setRestoring({ version, saving: true });
    onError(undefined);
    try {
      const app = await api.restoreAppVersion(appId, version, current);
      toast.show(`Version ${version} restored as version ${app.version}`);
      navigate(pathOf({ page: "app", appId }));
    } catch (caught) {
      onError(caught);
      setRestoring(undefined);
    }
  };

  return {
    ask: (version: number) => setRestoring({ version, saving: false }),
    dialog: (
      <RestoreDialog
        version={restoring?.version}
        current={current}
        busy={restoring?.saving ?? false}
        onCancel={() => setRestoring(undefined)}
        onConfirm={(version) => void restore(version)}
      />
    ),
  };
}

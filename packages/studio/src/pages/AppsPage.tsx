import type { App } from "@conflux/core";
import { useState } from "react";
import { downloadText } from "../api/app-definition.ts";
import { definitionOf } from "../editor/contract.ts";
import { usePermissions } from "../shell/permissions.tsx";
import { Link, pathOf, useRouter } from "../shell/router.tsx";
import { useStudio } from "../shell/studio-context.tsx";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { TemplateGallery } from "../templates/TemplateGallery.tsx";
import { type AppTemplate, blankTemplate } from "../templates/templates.ts";
import { Button } from "../ui/Button.tsx";
import { ConfirmDialog, Dialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { FileButton } from "../ui/FileButton.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Table } from "../ui/Table.tsx";
import { TextField } from "../ui/TextField.tsx";
import { Time } from "../ui/Time.tsx";
import { useToast } from "../ui/Toast.tsx";

type NameDialog = { mode: "create" } | { mode: "rename"; app: App };

/** The operator's apps: create (blank or from a template), rename, duplicate, export, import and delete. */
export function AppsPage() {
  const { api } = useStudio();
  const { navigate } = useRouter();
  const toast = useToast();
  const apps = useLoad(() => api.listApps(), [api]);
  const [nameDialog, setNameDialog] = useState<NameDialog>();
  const [name, setName] = useState("");
  // A new app starts from a template; its name follows the template's title until the person types one.
  const [template, setTemplate] = useState<AppTemplate>(blankTemplate);
  const [nameTyped, setNameTyped] = useState(false);
  const [deleting, setDeleting] = useState<App>();
  // Import, export, duplicate and delete report on the page; create and rename in their dialog.
  const action = useAction();
  const naming = useAction();
  const busy = action.busy || naming.busy;

  const openNameDialog = (dialog: NameDialog) => {
    setName(dialog.mode === "rename" ? dialog.app.name : "");
    setTemplate(blankTemplate);
    setNameTyped(false);
    naming.clearError();
    setNameDialog(dialog);
  };

  const submitName = () =>
    naming.run(async () => {
      if (!nameDialog) return;
      if (nameDialog.mode === "create") {
        const app = await api.createApp({ ...template.definition, name });
        setNameDialog(undefined);
        navigate(pathOf({ page: "app", appId: app.appId }));
      } else {
        // The app as it is now, not the list's copy: a save made in the editor since then must stay.
        const current = await api.getApp(nameDialog.app.appId);
        await api.updateApp(current.appId, { ...definitionOf(current), name }, current.version);
        setNameDialog(undefined);
        toast.show(`Renamed to "${name}"`);
        apps.reload();
      }
    });

  const importFile = (file: File) =>
    action.run(async () => {
      const text = await file.text();
      const app = await api.importApp(text, /\.ya?ml$/i.test(file.name));
      const notes = app.notes.map((note) => note.message);
      toast.show(notes.length ? `Imported "${app.name}". ${notes.join(". ")}.` : `Imported "${app.name}"`);
      apps.reload();
    });

  const exportApp = (app: App, format: "json" | "yaml") =>
    action.run(async () => {
      const text = await api.exportApp(app.appId, format);
      const base = app.name.replace(/[^\w.-]+/g, "_") || app.appId;
      downloadText(text, `${base}.${format}`, format === "json" ? "application/json" : "application/yaml");
    });

  const duplicate = (app: App) =>
    action.run(async () => {
      const current = await api.getApp(app.appId);
      const copy = await api.createApp({
        ...definitionOf(current),
        name: `${current.name} (copy)`.slice(0, 256),
      });
      toast.show(`Created "${copy.name}"`);
      apps.reload();
    });

  const confirmDelete = () =>
    action.run(async () => {
      if (!deleting) return;
      try {
        await api.deleteApp(deleting.appId);
      } finally {
        // Closed either way: a failure shows on the page, which the modal would cover.
        setDeleting(undefined);
      }
      toast.show(`Deleted "${deleting.name}"`);
      apps.reload();
    });

  const { can } = usePermissions();
  return (
    <Page
      title="Apps"
      toolbar={
        <>
          {can("App:importApp") ? (
            <FileButton
              inputLabel="App file to import"
              accept=".json,.yaml,.yml,application/json,application/yaml"
              disabled={busy}
              onFile={(file) => void importFile(file)}
            >
              Import file…
            </FileButton>
          ) : null}
          {can("App:createApp") ? (
            <Button variant="primary" onClick={() => openNameDialog({ mode: "create" })}>
              New app
            </Button>
          ) : null}
        </>
      }
    >
      <div className="cfx-stack">
        {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
        {apps.error ? (
          <ErrorBanner error={apps.error} onRetry={apps.reload} />
        ) : apps.loading && !apps.data ? (
          <p className="cfx-muted">Loading apps…</p>
        ) : (
          <Table
            caption="Your apps"
            rows={apps.data ?? []}
            rowKey={(app) => app.appId}
            empty="No apps yet. Create one, or import a Conflux or SORACOM Flux export."
            columns={[
              {
                header: "Name",
                cell: (app) => <Link to={pathOf({ page: "app", appId: app.appId })}>{app.name}</Link>,
              },
              {
                header: "Channels / actions",
                cell: (app) => `${app.channels.length} / ${app.actions.length}`,
              },
              { header: "Updated", cell: (app) => <Time ms={app.updatedAt} /> },
              {
                header: "Actions",
                visuallyHiddenHeader: true,
                cell: (app) => (
                  <div className="cfx-table__actions">
                    <Link
                      className="cfx-button cfx-button--small"
                      to={pathOf({ page: "history", appId: app.appId })}
                    >
                      History
                    </Link>
                    {can("App:updateApp") ? (
                      <Button
                        size="small"
                        aria-label={`Rename ${app.name}`}
                        onClick={() => openNameDialog({ mode: "rename", app })}
                      >
                        Rename
                      </Button>
                    ) : null}
                    {can("App:createApp") ? (
                      <Button
                        size="small"
                        aria-label={`Duplicate ${app.name}`}
                        disabled={busy}
                        onClick={() => void duplicate(app)}
                      >
                        Duplicate
                      </Button>
                    ) : null}
                    <Button
                      size="small"
                      aria-label={`Export ${app.name} as JSON`}
                      onClick={() => void exportApp(app, "json")}
                    >
                      JSON
                    </Button>
                    <Button
                      size="small"
                      aria-label={`Export ${app.name} as YAML`}
                      onClick={() => void exportApp(app, "yaml")}
                    >
                      YAML
                    </Button>
                    {can("App:deleteApp") ? (
                      <Button
                        size="small"
                        variant="danger"
                        aria-label={`Delete ${app.name}`}
                        onClick={() => setDeleting(app)}
                      >
                        Delete
                      </Button>
                    ) : null}
                  </div>
                ),
              },
            ]}
          />
        )}
      </div>

      <Dialog
        open={nameDialog !== undefined}
        title={nameDialog?.mode === "rename" ? "Rename app" : "New app"}
        onClose={() => setNameDialog(undefined)}
        onSubmit={() => void submitName()}
        wide={nameDialog?.mode === "create"}
        actions={
          <>
            <Button onClick={() => setNameDialog(undefined)}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={busy || !name.trim()}>
              {nameDialog?.mode === "rename" ? "Rename" : "Create"}
            </Button>
          </>
        }
      >
        {naming.error ? <ErrorBanner error={naming.error} /> : null}
        <TextField
          label="App name"
          value={name}
          maxLength={256}
          onChange={(event) => {
            setName(event.target.value);
            setNameTyped(true);
          }}
        />
        {nameDialog?.mode === "create" ? (
          <TemplateGallery
            chosen={template}
            onChoose={(next) => {
              setTemplate(next);
              if (!nameTyped) setName(next === blankTemplate ? "" : next.title);
            }}
          />
        ) : null}
      </Dialog>

      <ConfirmDialog
        open={deleting !== undefined}
        title="Delete app?"
        confirmLabel="Delete app"
        danger
        busy={busy}
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => void confirmDelete()}
      >
        <p>
          "{deleting?.name}" and its timers stop at once. Its history is kept until retention ends. This
          cannot be undone.
        </p>
      </ConfirmDialog>
    </Page>
  );
}

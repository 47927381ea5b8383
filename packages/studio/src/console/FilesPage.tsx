import "./console.css";
import { useState } from "react";
import type { ListPage } from "../api/conflux-api.ts";
import { Link, useRouter } from "../shell/router.tsx";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ConfirmDialog, Dialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { FileButton } from "../ui/FileButton.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Table } from "../ui/Table.tsx";
import { TextField } from "../ui/TextField.tsx";
import { Time } from "../ui/Time.tsx";
import { useToast } from "../ui/Toast.tsx";
import { type StoredFile, useConsoleApi } from "./console-api.ts";
import {
  breadcrumbsOf,
  type FileRow,
  folderLocation,
  folderNameProblem,
  folderOf,
  parentOf,
  rowsUnder,
} from "./file-paths.ts";

const emptyFolder = "No files here. A new folder is kept once a file is uploaded to it.";

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Browse the file store by folder (the folder is in the address: `/files?path=/cam1/`, so it can be
 * linked and the back button goes up again), upload (asking before replacing a file), preview images at
 * their own size, download and delete. A folder's listing comes a page at a time: the sub-folders are
 * implied by the files listed, so each page adds to the rows shown.
 */
export function FilesPage() {
  const api = useConsoleApi();
  const toast = useToast();
  const { search, navigate } = useRouter();
  const prefix = folderOf(search);
  const [later, setLater] = useState<ListPage<StoredFile>>();
  const files = useLoad(async () => {
    setLater(undefined);
    return api.listFiles(prefix);
  }, [api, prefix]);
  const loadingMore = useAction();
  const listed = [...(files.data?.items ?? []), ...(later?.items ?? [])];
  const nextCursor = later ? later.nextCursor : files.data?.nextCursor;
  const [preview, setPreview] = useState<{ path: string; url: string; image: boolean }>();
  const [deleting, setDeleting] = useState<StoredFile>();
  const [replacing, setReplacing] = useState<File>();
  const [newFolder, setNewFolder] = useState<string>();
  const [error, setError] = useState<unknown>();

  const open = async (file: StoredFile) => {
    setError(undefined);
    try {
      const url = await api.fileUrl(file.path);
      setPreview({ path: file.path, url, image: file.contentType.startsWith("image/") });
    } catch (caught) {
      setError(caught);
    }
  };

  const loadMore = () =>
    loadingMore.run(async () => {
      if (!nextCursor) return;
      const page = await api.listFiles(prefix, nextCursor);
      setLater({ items: [...(later?.items ?? []), ...page.items], nextCursor: page.nextCursor });
    });

  const upload = async (chosen: File) => {
    setError(undefined);
    try {
      await api.uploadFile(`${prefix}${chosen.name}`, chosen);
      toast.show(`Uploaded ${prefix}${chosen.name}`);
      files.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  // The same path overwrites: say so first (the pages listed so far hold this folder's files).
  const chooseUpload = (chosen: File) => {
    const path = `${prefix}${chosen.name}`;
    if (listed.some((file) => file.path === path)) setReplacing(chosen);
    else void upload(chosen);
  };

  const remove = async () => {
    if (!deleting) return;
    try {
      await api.deleteFile(deleting.path);
      if (preview?.path === deleting.path) setPreview(undefined);
      files.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setDeleting(undefined);
    }
  };

  const go = (folder: string) => {
    setPreview(undefined);
    navigate(folderLocation(folder));
  };
  const folderProblem = newFolder === undefined ? undefined : folderNameProblem(newFolder);
  const parent = parentOf(prefix);
  const crumbs = breadcrumbsOf(prefix);
  const entries = rowsUnder(prefix, listed);
  return (
    <Page
      title="Files"
      toolbar={
        <>
          <Button onClick={() => setNewFolder("")}>New folder</Button>
          <FileButton variant="primary" inputLabel="File to upload" onFile={chooseUpload}>
            Upload to {prefix}
          </FileButton>
        </>
      }
    >
      <div className="cfx-stack">
        <nav aria-label="Folder" className="cfx-breadcrumbs">
          <ol>
            {crumbs.map((crumb, index) => (
              <li key={crumb.path}>
                {index === crumbs.length - 1 ? (
                  <span aria-current="page">{crumb.name}</span>
                ) : (
                  <Link
                    to={folderLocation(crumb.path)}
                    aria-current={false}
                    onClick={() => setPreview(undefined)}
                  >
                    {crumb.name}
                  </Link>
                )}
              </li>
            ))}
          </ol>
        </nav>
        {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
        {files.error ? (
          <ErrorBanner error={files.error} onRetry={files.reload} />
        ) : (
          <Table
            caption={`Files in ${prefix}`}
            rows={[...(parent !== undefined ? [{ kind: "folder" as const, path: parent }] : []), ...entries]}
            rowKey={(row: FileRow) => `${row.kind}:${row.path}`}
            empty={files.loading ? "Loading…" : emptyFolder}
            columns={[
              {
                header: "Name",
                cell: (row) =>
                  row.kind === "folder" ? (
                    <Link
                      to={folderLocation(row.path)}
                      aria-current={false}
                      onClick={() => setPreview(undefined)}
                    >
                      {row.path === parent ? ".. (up)" : `${row.path.slice(prefix.length)}`}
                    </Link>
                  ) : (
                    <Button size="small" variant="ghost" onClick={() => void open(row)}>
                      {row.path.slice(prefix.length)}
                    </Button>
                  ),
              },
              { header: "Type", cell: (row) => (row.kind === "file" ? row.contentType : "folder") },
              { header: "Size", cell: (row) => (row.kind === "file" ? formatSize(row.size) : "") },
              {
                header: "Updated",
                cell: (row) => (row.kind === "file" ? <Time ms={row.updatedAt} /> : ""),
              },
              {
                header: "Actions",
                visuallyHiddenHeader: true,
                cell: (row) =>
                  row.kind === "file" ? (
                    <div className="cfx-table__actions">
                      <Button
                        size="small"
                        variant="danger"
                        aria-label={`Delete ${row.path}`}
                        onClick={() => setDeleting(row)}
                      >
                        Delete
                      </Button>
                    </div>
                  ) : null,
              },
            ]}
          />
        )}
        {loadingMore.error ? (
          <ErrorBanner error={loadingMore.error} onDismiss={loadingMore.clearError} />
        ) : null}
        {nextCursor ? (
          <div className="cfx-row">
            <Button onClick={() => void loadMore()} disabled={loadingMore.busy}>
              More files
            </Button>
          </div>
        ) : null}
        {/* In a sub-folder the table still has its ".. (up)" row. */}
        {parent !== undefined && files.data && entries.length === 0 ? (
          <p className="cfx-muted">{emptyFolder}</p>
        ) : null}
        {preview ? (
          <section aria-label="Preview" className="cfx-stack">
            <h2 className="cfx-mono">{preview.path}</h2>
            {preview.image ? (
              <img className="cfx-file-preview__image" src={preview.url} alt={preview.path} />
            ) : null}
            <a href={preview.url} target="_blank" rel="noreferrer">
              Download (link valid one hour)
            </a>
          </section>
        ) : null}
      </div>
      <Dialog
        open={newFolder !== undefined}
        title="New folder"
        onClose={() => setNewFolder(undefined)}
        onSubmit={() => {
          if (newFolder === undefined || folderProblem) return;
          setNewFolder(undefined);
          go(`${prefix}${newFolder}/`);
        }}
        actions={
          <>
            <Button onClick={() => setNewFolder(undefined)}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={Boolean(folderProblem)}>
              Open new folder
            </Button>
          </>
        }
      >
        <TextField
          label="Folder name"
          hint={`In ${prefix}. Folders are parts of file paths: this one is kept once a file is uploaded to it.`}
          value={newFolder ?? ""}
          error={newFolder ? folderProblem : undefined}
          onChange={(event) => setNewFolder(event.target.value)}
        />
      </Dialog>
      <ConfirmDialog
        open={replacing !== undefined}
        title="Replace file?"
        confirmLabel="Replace file"
        danger
        onCancel={() => setReplacing(undefined)}
        onConfirm={() => {
          const chosen = replacing;
          setReplacing(undefined);
          if (chosen) void upload(chosen);
        }}
      >
        <p>
          {prefix}
          {replacing?.name} exists; uploading replaces its content, and apps listening for updates under its
          folder run.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={deleting !== undefined}
        title="Delete file?"
        confirmLabel="Delete file"
        danger
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => void remove()}
      >
        <p>{deleting?.path} is deleted; apps listening for deletions under its folder run.</p>
      </ConfirmDialog>
    </Page>
  );
}

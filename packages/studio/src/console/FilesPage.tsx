import { useState } from "react";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ConfirmDialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { FileButton } from "../ui/FileButton.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Table } from "../ui/Table.tsx";
import { Time } from "../ui/Time.tsx";
import { useToast } from "../ui/Toast.tsx";
import { type StoredFile, useConsoleApi } from "./console-api.ts";

interface FolderRow {
  kind: "folder";
  path: string;
}
type Row = FolderRow | ({ kind: "file" } & StoredFile);

/** The files under `prefix`, with the sub-folders their paths imply, folders first. */
export function rowsUnder(prefix: string, files: StoredFile[]): Row[] {
  const folders = new Set<string>();
  const direct: Row[] = [];
  for (const file of files) {
    const rest = file.path.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash >= 0) folders.add(`${prefix}${rest.slice(0, slash + 1)}`);
    else direct.push({ kind: "file", ...file });
  }
  return [...[...folders].sort().map((path): Row => ({ kind: "folder", path })), ...direct];
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Browse the file store by folder, upload, preview images, download and delete. */
export function FilesPage() {
  const api = useConsoleApi();
  const toast = useToast();
  const [prefix, setPrefix] = useState("/");
  const files = useLoad(() => api.listFiles(prefix), [api, prefix]);
  const [preview, setPreview] = useState<{ path: string; url: string; image: boolean }>();
  const [deleting, setDeleting] = useState<StoredFile>();
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

  const parent = prefix === "/" ? undefined : prefix.slice(0, prefix.slice(0, -1).lastIndexOf("/") + 1);
  return (
    <Page
      title="Files"
      toolbar={
        <FileButton variant="primary" inputLabel="File to upload" onFile={(file) => void upload(file)}>
          Upload to {prefix}
        </FileButton>
      }
    >
      <div className="cfx-stack">
        <p>
          Folder <span className="cfx-mono">{prefix}</span>
        </p>
        {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
        {files.error ? (
          <ErrorBanner error={files.error} onRetry={files.reload} />
        ) : (
          <Table
            caption={`Files in ${prefix}`}
            rows={[
              ...(parent !== undefined ? [{ kind: "folder" as const, path: parent }] : []),
              ...rowsUnder(prefix, files.data ?? []),
            ]}
            rowKey={(row) => `${row.kind}:${row.path}`}
            empty={files.loading ? "Loading…" : "No files here."}
            columns={[
              {
                header: "Name",
                cell: (row) =>
                  row.kind === "folder" ? (
                    <Button size="small" variant="ghost" onClick={() => setPrefix(row.path)}>
                      {row.path === parent ? ".. (up)" : `${row.path.slice(prefix.length)}`}
                    </Button>
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
        {preview ? (
          <section aria-label="Preview" className="cfx-stack">
            <h2 className="cfx-mono">{preview.path}</h2>
            {preview.image ? (
              <img className="cfx-preview-image" src={preview.url} alt={preview.path} />
            ) : null}
            <a href={preview.url} target="_blank" rel="noreferrer">
              Download (link valid one hour)
            </a>
          </section>
        ) : null}
      </div>
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

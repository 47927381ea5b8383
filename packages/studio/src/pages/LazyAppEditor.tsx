import { lazy, Suspense } from "react";
import type { AppEditorProps } from "../editor/contract.ts";

// The canvas (React Flow) and code fields (CodeMirror) are most of the studio's code: load them with
// the first app opened, so the log-in page and lists come up quickly.
const AppEditor = lazy(() =>
  import("../editor/AppEditor.tsx").then((module) => ({ default: module.AppEditor })),
);

export function LazyAppEditor(props: AppEditorProps) {
  return (
    <Suspense fallback={<p className="cfx-muted">Loading the editor…</p>}>
      <AppEditor {...props} />
    </Suspense>
  );
}

// Which tabs the inspector shows for a node, and which tab holds a field: the same answer places a
// problem's count on its tab and switches to that tab when saving focuses the field.
import type { LocatedProblem } from "./problems.ts";

export type InspectorTab = "settings" | "condition" | "output" | "errorOutput" | "test";

export const tabLabels: Record<InspectorTab, string> = {
  settings: "Settings",
  condition: "Condition",
  output: "Output",
  errorOutput: "Error output",
  test: "Test",
};

/** An action has every tab; an event source or channel only settings and a test message into its channel. */
export function tabsFor(kind: "app" | "source" | "channel" | "action", readOnly: boolean): InspectorTab[] {
  const tabs: InspectorTab[] =
    kind === "action" ? ["settings", "condition", "output", "errorOutput", "test"] : ["settings", "test"];
  // Read-only, nothing can be tried or sent; the app itself has settings only.
  return tabs.filter((tab) => tab !== "test" || (!readOnly && kind !== "app"));
}

/** The tab whose form holds a field of a node's form (a dotted path as in LocatedProblem). */
export function tabOfField(field: string): InspectorTab {
  const [first] = field.split(".");
  if (first === "condition") return "condition";
  if (first === "output") return "output";
  if (first === "errorOutput") return "errorOutput";
  return "settings";
}

/** The requested tab when the node has it, else its first. */
export function shownTab(tabs: readonly InspectorTab[], requested: InspectorTab): InspectorTab {
  return tabs.includes(requested) ? requested : (tabs[0] ?? "settings");
}

/** How many of a node's problems each tab holds. */
export function problemsByTab(
  problems: readonly LocatedProblem[],
  nodeId: string | null,
): Map<InspectorTab, number> {
  const counts = new Map<InspectorTab, number>();
  for (const problem of problems)
    if (problem.nodeId === nodeId) {
      const tab = tabOfField(problem.field);
      counts.set(tab, (counts.get(tab) ?? 0) + 1);
    }
  return counts;
}

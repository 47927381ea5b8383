// What the palette offers: every event source, the channel and every action that runs, each with a
// title, a one-line description and search words, in categories a new user recognises (the order
// of a flow: where messages come from, how they move, what is done with them). Pure, so the filter
// and the choice of what fits on a connection are tested without rendering.
import type { EventSourceType, RunnableActionType } from "@conflux/core";
import type { PaletteItem } from "./palette.ts";

export const paletteCategories = [
  "Sources",
  "Flow",
  "AI",
  "Notifications",
  "Data",
  "Code",
  "Devices",
] as const;
export type PaletteCategory = (typeof paletteCategories)[number];

export interface PaletteEntry {
  item: PaletteItem;
  title: string;
  description: string;
  category: PaletteCategory;
  /** Other words people search with: the type's own name, Flux's names, what it is about. */
  keywords: string[];
}

type Described = Omit<PaletteEntry, "item">;

const sources: Record<EventSourceType, Described> = {
  device: {
    title: "Device",
    description: "Messages your devices send (MQTT, HTTP, UDP, TCP)",
    category: "Sources",
    keywords: ["sensor", "iot", "mqtt", "group", "trigger"],
  },
  api: {
    title: "API",
    description: "Messages your scripts post to the app's API",
    category: "Sources",
    keywords: ["http", "post", "incoming", "webhook", "trigger"],
  },
  "interval-timer": {
    title: "Every few minutes",
    description: "Starts the app at a fixed interval",
    category: "Sources",
    keywords: ["interval", "timer", "repeat", "poll", "trigger"],
  },
  "scheduled-timer": {
    title: "Schedule",
    description: "Starts the app on a cron schedule, in your time zone",
    category: "Sources",
    keywords: ["cron", "timer", "daily", "time", "trigger"],
  },
  file: {
    title: "File change",
    description: "A file in the file store was created, updated or deleted",
    category: "Sources",
    keywords: ["upload", "harvest", "image", "folder", "trigger"],
  },
};

/**
 * Every action type that runs. `null` keeps a type off the palette: SORACOM Flux's name for a type
 * listed under Conflux's (same config, a guessed name); imported apps keep it and the inspector's
 * type list still offers it.
 */
const actions: Record<RunnableActionType, Described | null> = {
  republish: {
    title: "Republish",
    description: "Passes the message on, reshaped by a template if you like",
    category: "Flow",
    keywords: ["transform", "forward", "map", "template", "json"],
  },
  collect: {
    title: "Collect",
    description: "Gathers messages and sends them on together, by count or time",
    category: "Flow",
    keywords: ["batch", "buffer", "window", "aggregate", "group"],
  },
  ai: {
    title: "AI",
    description: "Asks a language model about the message, image or video",
    category: "AI",
    keywords: ["llm", "gpt", "prompt", "model", "openai", "classify"],
  },
  "object-detection": {
    title: "Object detection",
    description: "Counts people, cars and other objects in an image",
    category: "AI",
    keywords: ["vision", "image", "camera", "count", "coco"],
  },
  "bounding-box": {
    title: "Bounding boxes",
    description: "Draws boxes around the objects found in an image",
    category: "AI",
    keywords: ["vision", "image", "camera", "draw", "annotate"],
  },
  webhook: {
    title: "Webhook",
    description: "Sends an HTTP request to any URL",
    category: "Notifications",
    keywords: ["http", "request", "rest", "post", "url", "integration"],
  },
  slack: {
    title: "Slack",
    description: "Posts a message to a Slack channel",
    category: "Notifications",
    keywords: ["chat", "message", "alert"],
  },
  "slack-notification": {
    title: "Slack (Flux format)",
    description: "Posts Slack's own message JSON, blocks included",
    category: "Notifications",
    keywords: ["chat", "message", "blocks", "slack-notification"],
  },
  email: {
    title: "E-mail",
    description: "Sends an e-mail",
    category: "Notifications",
    keywords: ["mail", "email", "smtp", "alert", "email-notification"],
  },
  "email-notification": null,
  "line-notification": {
    title: "LINE",
    description: "Pushes a message to a LINE user or group",
    category: "Notifications",
    keywords: ["chat", "message", "alert", "line-notification"],
  },
  "data-store": {
    title: "Data store",
    description: "Keeps the message as a device's data, for charts and queries",
    category: "Data",
    keywords: ["save", "store", "database", "history", "harvest"],
  },
  "file-write": {
    title: "Write file",
    description: "Writes a file in the file store",
    category: "Data",
    keywords: ["save", "file", "image", "report", "file-write"],
  },
  api: {
    title: "Conflux API call",
    description: "Calls Conflux's API as one of your users",
    category: "Data",
    keywords: ["api", "soracom", "soracom-api", "rest"],
  },
  "soracom-api": null,
  code: {
    title: "Code",
    description: "Runs your JavaScript on the message",
    category: "Code",
    keywords: ["javascript", "js", "function", "script", "transform"],
  },
  "device-command": {
    title: "Device command",
    description: "Sends a command to one of your devices",
    category: "Devices",
    keywords: ["downlink", "mqtt", "control", "actuator"],
  },
};

const channel: PaletteEntry = {
  item: { kind: "channel" },
  title: "Channel",
  description: "Carries messages from a source or action to the actions listening on it",
  category: "Flow",
  keywords: ["topic", "queue", "bus", "connect"],
};

/** The whole palette, in category order, each category in the order written above. */
export const paletteEntries: PaletteEntry[] = [
  ...Object.entries(sources).map(([type, described]) => ({
    item: { kind: "source", type: type as EventSourceType } as const,
    ...described,
  })),
  channel,
  ...Object.entries(actions).flatMap(([type, described]) =>
    described ? [{ item: { kind: "action", type: type as RunnableActionType } as const, ...described }] : [],
  ),
].sort((a, b) => paletteCategories.indexOf(a.category) - paletteCategories.indexOf(b.category));

/** A stable key for an item: `source:api`, `channel`, `action:webhook`. */
export function paletteKey(item: PaletteItem): string {
  return item.kind === "channel" ? "channel" : `${item.kind}:${item.type}`;
}

/** Whether every word of the query is in the entry's title, description, type or keywords (any case). */
export function matchesQuery(entry: PaletteEntry, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const text = [
    entry.title,
    entry.description,
    entry.item.kind === "channel" ? "channel" : entry.item.type,
    ...entry.keywords,
  ]
    .join(" ")
    .toLowerCase();
  return words.every((word) => text.includes(word));
}

export interface PaletteGroup {
  category: PaletteCategory;
  entries: PaletteEntry[];
}

/**
 * The entries to show, grouped by category (empty categories left out): those matching the query
 * and, when something is being inserted on a connection, only the items that fit there.
 */
export function filterPalette(
  query: string,
  fits: (item: PaletteItem) => boolean = () => true,
  entries: readonly PaletteEntry[] = paletteEntries,
): PaletteGroup[] {
  const shown = entries.filter((entry) => fits(entry.item) && matchesQuery(entry, query));
  return paletteCategories.flatMap((category) => {
    const inCategory = shown.filter((entry) => entry.category === category);
    return inCategory.length ? [{ category, entries: inCategory }] : [];
  });
}

/** How the palette names a type, for the nodes; a type it does not list (a Flux alias, a planned one) by its own name. */
export function titleOf(kind: "source" | "action", type: string): string {
  return paletteEntries.find((entry) => entry.item.kind === kind && entry.item.type === type)?.title ?? type;
}

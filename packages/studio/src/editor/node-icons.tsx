// One icon per event-source type, action type and the channel, shared by the canvas nodes, the
// palette and anything else that names a node (lucide's SVGs: attributes only, no inline styles,
// so the Content-Security-Policy holds). The records are complete over core's types: a new type
// in core does not compile here until it has an icon.
import type { ActionType, EventSourceType } from "@conflux/core";
import {
  Cable,
  CalendarClock,
  CircleHelp,
  CodeXml,
  Cpu,
  Database,
  FilePen,
  FolderOpen,
  Forward,
  Globe,
  Hash,
  Layers,
  type LucideIcon,
  Mail,
  MessageCircle,
  RadioTower,
  Scan,
  ScanEye,
  Server,
  Sparkles,
  Timer,
  Webhook,
} from "lucide-react";

export const sourceIcons: Record<EventSourceType, LucideIcon> = {
  device: Cpu,
  api: Webhook,
  "interval-timer": Timer,
  "scheduled-timer": CalendarClock,
  file: FolderOpen,
};

export const actionIcons: Record<ActionType, LucideIcon> = {
  republish: Forward,
  webhook: Globe,
  slack: Hash,
  "slack-notification": Hash,
  email: Mail,
  "email-notification": Mail,
  code: CodeXml,
  ai: Sparkles,
  "object-detection": ScanEye,
  "bounding-box": Scan,
  "data-store": Database,
  "device-command": RadioTower,
  "line-notification": MessageCircle,
  line: MessageCircle,
  collect: Layers,
  "file-write": FilePen,
  api: Server,
  "soracom-api": Server,
};

export const channelIcon: LucideIcon = Cable;

export type NodeKind = "source" | "channel" | "action";

/** The icon of a node; a type this studio does not know (an app from a newer server) gets a question mark. */
export function iconOf(kind: NodeKind, type?: string): LucideIcon {
  if (kind === "channel") return channelIcon;
  const icons: Record<string, LucideIcon> = kind === "source" ? sourceIcons : actionIcons;
  return (type && Object.hasOwn(icons, type) ? icons[type] : undefined) ?? CircleHelp;
}

/** A node's type icon, decorative (the text beside it names the type); `cfx-node-icon--<kind>` colours it. */
export function NodeIcon({
  kind,
  type,
  size = 18,
  className,
}: {
  kind: NodeKind;
  type?: string;
  size?: number;
  className?: string;
}) {
  const Icon = iconOf(kind, type);
  return (
    <Icon
      size={size}
      aria-hidden="true"
      focusable="false"
      className={`cfx-node-icon cfx-node-icon--${kind}${className ? ` ${className}` : ""}`}
    />
  );
}

import type { Selectable } from "kysely";
import type { MessagesTable } from "./schema.ts";

type MessageRow = Selectable<MessagesTable>;

/** Payload and context text kept at most; a few thousand typical messages, a few of the largest. */
const maxBytes = 16 * 1024 * 1024;

/**
 * A message never changes once stored, and a run's next steps read the messages its previous step just
 * wrote (and its trigger, again for every step). The bus keeps the rows it committed, reads keep what
 * they read; the oldest go first. Rows keep their JSON as text, so each read parses objects of its own.
 */
export class MessageCache {
  private readonly rows = new Map<string, MessageRow>();
  private bytes = 0;

  /** The row, only to its own operator. */
  get(operatorId: string, messageId: string): MessageRow | undefined {
    const row = this.rows.get(messageId);
    return row?.operatorId === operatorId ? row : undefined;
  }

  /** Call with committed rows only. */
  remember(row: MessageRow): void {
    const size = row.payload.length + row.context.length;
    if (size > maxBytes || this.rows.has(row.messageId)) return;
    this.rows.set(row.messageId, row);
    this.bytes += size;
    for (const [messageId, oldest] of this.rows) {
      if (this.bytes <= maxBytes) break;
      this.rows.delete(messageId);
      this.bytes -= oldest.payload.length + oldest.context.length;
    }
  }
}

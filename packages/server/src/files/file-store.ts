import type { Kysely, Transaction } from "kysely";
import { ulid } from "ulid";
import { UserError } from "../errors.ts";
import type { Database } from "../store/schema.ts";
import type { FileLinks } from "./file-links.ts";
import { checkFilePath } from "./file-path.ts";

/**
 * The file store (like SORACOM Harvest Files): files by path per operator.
 *
 * The bytes live in the store's own database (a blob / bytea column), not in a folder on disk: several
 * Conflux processes on one PostgreSQL database then see the same files with nothing else to share or
 * back up, and a file is on the same durable footing as the executions its upload starts. The cost is
 * database size, which the per-file limit bounds; an S3-compatible implementation of this interface is
 * the way to large files.
 */

export interface StoredFile {
  path: string;
  contentType: string;
  size: number;
  createdAt: number;
  updatedAt: number;
}

export interface FileContent extends StoredFile {
  content: Buffer;
}

type FileEventType = "created" | "updated" | "deleted";

export interface FileChange {
  /** The outbox row: executions started for it are deduplicated by it, so a redelivery starts none twice. */
  eventId: string;
  operatorId: string;
  eventType: FileEventType;
  path: string;
  contentType: string;
  /** The hop its executions start at, so a loop through files (an action writing what starts it) ends. */
  hop: number;
  /** A signed GET URL, valid 1 hour; absent on delete. */
  url?: string;
}

/** One operator's files; nothing here reaches another operator's. */
export interface OperatorFiles {
  readonly operatorId: string;
  /**
   * Writes or overwrites a file; `file` event sources fire once it is stored. Paths as `/cam1/a.jpg`.
   * An action passes the hop its outputs would take (`hop`), so runs its file starts count toward the limit.
   */
  put(
    path: string,
    content: Buffer,
    contentType: string,
    options?: { hop?: number },
  ): Promise<StoredFile & { eventType: FileEventType }>;
  get(path: string): Promise<FileContent | undefined>;
  /** A file's details without its content (which may be megabytes). */
  stat(path: string): Promise<StoredFile | undefined>;
  /** Files whose path starts with `prefix`, by path; `after` continues from the last path of a page. */
  list(prefix: string, options?: { limit?: number; after?: string }): Promise<StoredFile[]>;
  delete(path: string): Promise<boolean>;
  /** A URL anyone can GET the file with, until it expires (1 hour by default). */
  signedUrl(path: string, ttlSeconds?: number): string;
}

export interface FileStore {
  forOperator(operatorId: string): OperatorFiles;
  /** Whether a signed URL's `expires` and `signature` are valid for this operator's path now. */
  verifySignedUrl(operatorId: string, path: string, expires: number, signature: string): boolean;
  readonly maxFileBytes: number;
}

/** How long a signed link lasts unless its caller says otherwise. */
export const signedUrlSeconds = 3_600;

/** The columns of a StoredFile: everything but the content. */
const storedFileColumns = ["path", "contentType", "size", "createdAt", "updatedAt"] as const;

interface FileStoreOptions {
  maxFileBytes: number;
  links: FileLinks;
  /** The public base URL of the API, known once it listens. */
  baseUrl(): string;
  /**
   * Called after every change is stored, before the writer gets its answer. The change is in the outbox
   * (file_events) from the same transaction as the file, so a crash before this finishes loses nothing.
   */
  onChange(change: FileChange): Promise<void>;
}

/** The public URL shape of a signed link; the route that serves it is in file-routes.ts. */
function signedFilePath(operatorId: string, path: string): string {
  return `/v1/signed/files/${operatorId}${path.split("/").map(encodeURIComponent).join("/")}`;
}

class SqlOperatorFiles implements OperatorFiles {
  constructor(
    private readonly db: Kysely<Database>,
    readonly operatorId: string,
    private readonly options: FileStoreOptions,
  ) {}

  async put(path: string, content: Buffer, contentType: string, { hop = 0 }: { hop?: number } = {}) {
    checkFilePath(path);
    if (content.length > this.options.maxFileBytes)
      throw new UserError(
        "payload_too_large",
        `the file is ${content.length} bytes; the limit is ${this.options.maxFileBytes}`,
      );
    const now = Date.now();
    const stored = await this.db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom("files")
        .select("createdAt")
        .where("operatorId", "=", this.operatorId)
        .where("path", "=", path)
        .executeTakeFirst();
      const row = { contentType, size: content.length, content, updatedAt: now };
      if (existing)
        await trx
          .updateTable("files")
          .set(row)
          .where("operatorId", "=", this.operatorId)
          .where("path", "=", path)
          .execute();
      else
        await trx
          .insertInto("files")
          .values({ ...row, operatorId: this.operatorId, path, createdAt: now })
          .execute();
      const eventType: FileEventType = existing ? "updated" : "created";
      return {
        file: {
          path,
          contentType,
          size: content.length,
          createdAt: existing?.createdAt ?? now,
          updatedAt: now,
          eventType,
        },
        eventId: await this.recordEvent(trx, { eventType, path, contentType, hop }, now),
      };
    });
    await this.deliver({
      eventId: stored.eventId,
      operatorId: this.operatorId,
      eventType: stored.file.eventType,
      path,
      contentType,
      hop,
    });
    return stored.file;
  }

  async get(path: string): Promise<FileContent | undefined> {
    checkFilePath(path);
    const row = await this.db
      .selectFrom("files")
      .select([...storedFileColumns, "content"])
      .where("operatorId", "=", this.operatorId)
      .where("path", "=", path)
      .executeTakeFirst();
    return row && { ...row, content: Buffer.from(row.content) };
  }

  async stat(path: string): Promise<StoredFile | undefined> {
    checkFilePath(path);
    return this.db
      .selectFrom("files")
      .select(storedFileColumns)
      .where("operatorId", "=", this.operatorId)
      .where("path", "=", path)
      .executeTakeFirst();
  }

  async list(prefix: string, { limit = 100, after }: { limit?: number; after?: string } = {}) {
    checkFilePath(prefix, { allowFolder: true });
    let query = this.db
      .selectFrom("files")
      .select(storedFileColumns)
      .where("operatorId", "=", this.operatorId)
      // substr, not LIKE: a prefix may hold '%' or '_'. Both databases count characters, not bytes.
      .where((eb) => eb(eb.fn("substr", ["path", eb.lit(1), eb.val([...prefix].length)]), "=", prefix))
      .orderBy("path")
      // One more than the largest page (1,000): the route reads one extra row to know a next page exists.
      .limit(Math.min(Math.max(limit, 1), 1_001));
    if (after) query = query.where("path", ">", after);
    return query.execute();
  }

  async delete(path: string): Promise<boolean> {
    checkFilePath(path);
    const deleted = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .deleteFrom("files")
        .where("operatorId", "=", this.operatorId)
        .where("path", "=", path)
        .returning("contentType")
        .executeTakeFirst();
      return (
        row && {
          ...row,
          eventId: await this.recordEvent(
            trx,
            { eventType: "deleted", path, contentType: row.contentType, hop: 0 },
            Date.now(),
          ),
        }
      );
    });
    if (!deleted) return false;
    await this.deliver({
      eventId: deleted.eventId,
      operatorId: this.operatorId,
      eventType: "deleted",
      path,
      contentType: deleted.contentType,
      hop: 0,
    });
    return true;
  }

  private async recordEvent(
    trx: Transaction<Database>,
    event: Pick<FileChange, "eventType" | "path" | "contentType" | "hop">,
    createdAt: number,
  ): Promise<string> {
    const eventId = ulid();
    await trx
      .insertInto("fileEvents")
      .values({ ...event, eventId, operatorId: this.operatorId, createdAt })
      .execute();
    return eventId;
  }

  /** Starts the event's executions (with a fresh signed URL, except on delete), then clears its outbox row. */
  async deliver(change: Omit<FileChange, "url">): Promise<void> {
    await this.options.onChange(
      change.eventType === "deleted" ? change : { ...change, url: this.signedUrl(change.path) },
    );
    await this.db.deleteFrom("fileEvents").where("eventId", "=", change.eventId).execute();
  }

  signedUrl(path: string, ttlSeconds = signedUrlSeconds): string {
    checkFilePath(path);
    const query = this.options.links.sign(this.operatorId, path, ttlSeconds);
    return `${this.options.baseUrl()}${signedFilePath(this.operatorId, path)}?${query}`;
  }
}

export class SqlFileStore implements FileStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: FileStoreOptions,
  ) {}

  get maxFileBytes(): number {
    return this.options.maxFileBytes;
  }

  forOperator(operatorId: string): OperatorFiles {
    return new SqlOperatorFiles(this.db, operatorId, this.options);
  }

  verifySignedUrl(operatorId: string, path: string, expires: number, signature: string): boolean {
    return this.options.links.verify(operatorId, path, expires, signature);
  }

  /**
   * Delivers outbox events older than `olderThanMs` (left by a process that stopped between storing a
   * change and starting its executions); returns how many. Safe to run anywhere, any number of times.
   */
  async redeliverPending(olderThanMs: number): Promise<number> {
    let delivered = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom("fileEvents")
        .selectAll()
        .where("createdAt", "<", Date.now() - olderThanMs)
        .orderBy("createdAt")
        .limit(100)
        .execute();
      for (const row of rows) {
        await new SqlOperatorFiles(this.db, row.operatorId, this.options).deliver({
          eventId: row.eventId,
          operatorId: row.operatorId,
          eventType: row.eventType as FileEventType,
          path: row.path,
          contentType: row.contentType,
          hop: row.hop,
        });
        delivered += 1;
      }
      if (rows.length < 100) return delivered;
    }
  }
}

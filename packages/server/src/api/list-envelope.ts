import { z } from "zod";

/**
 * The one shape of Conflux's own lists: `{items, nextCursor}`. `nextCursor` is null on the last page;
 * otherwise it goes back as `?cursor=` for the next one. A cursor is opaque to callers (today the
 * last item's key). Lists whose shape SORACOM's API fixes (users, roles, auth keys, the audit log,
 * invoices, coupons, plans: bare arrays with X-Soracom-Next-Key) keep it.
 */
export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** The paging parameters of a paged list, with its default and largest page. */
export function pageQuery(defaultLimit: number, maxLimit: number) {
  return {
    cursor: z.string().min(1).max(200).optional().describe("the nextCursor of the previous page"),
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
  };
}

/** An OpenAPI response schema of the envelope around `item`. */
export function listSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** A list the server answers whole, in one page. */
export function wholeList<T>(items: T[]): ListPage<T> {
  return { items, nextCursor: null };
}

/**
 * A page from rows read with `limit + 1`: the extra row only tells that there is a next page, so the
 * last page never ends with an empty one.
 */
export function pageOf<T>(rows: T[], limit: number, cursorOf: (last: T) => string): ListPage<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}

/** Paged lists: one page at a time (`list`), or every item across pages (`all`). */
import type { PageQuery } from '@parley/protocol';
import { DEFAULTS } from '../defaults.ts';

/** Which page: `limit` 1–100 (the server's default 25), and the `nextCursor` of the page before. */
export type PageOptions = Partial<Pick<PageQuery, 'limit'>> & { cursor?: string | null };

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

/** The query of one page: an absent or null cursor is the first page. */
export function pageQuery(page: PageOptions = {}): { limit?: number; cursor?: string } {
  return { ...(page.limit === undefined ? {} : { limit: page.limit }), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

/** Every item, asking for the next page only when the items of this one are used up. */
export async function* eachItem<T>(fetchPage: (page: PageOptions) => Promise<Page<T>>, pageSize: number = DEFAULTS.pageSize): AsyncGenerator<T> {
  let cursor: string | null = null;
  do {
    const page: Page<T> = await fetchPage({ limit: pageSize, cursor });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor !== null);
}

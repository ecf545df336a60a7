// A list read a page at a time (an artist's albums, a podcast's episodes): the pages so far in
// order, an item never twice (a service can repeat one across pages), and the last failure. The
// screens using it are keyed by their route, so its source never changes under it.
import type { DuetError } from '../types';

/** One page, as the paging commands answer it (their list under its own name, mapped here). */
export interface PageOf<T> {
  items: T[];
  total: number;
  has_more: boolean;
  page: number;
}

export class Paged<T extends { id: string }> {
  items = $state.raw<T[]>([]);
  /** The service's count of the whole list, once a page told it. */
  total = $state<number | null>(null);
  hasMore = $state(true);
  loading = $state(false);
  error = $state<DuetError | null>(null);
  #next = 1;
  #alive = true;
  readonly #fetch: (page: number) => Promise<PageOf<T>>;

  constructor(fetch: (page: number) => Promise<PageOf<T>>) {
    this.#fetch = fetch;
  }

  /** The next page, unless one is on its way or there is none. */
  async more(): Promise<void> {
    if (this.loading || !this.hasMore) return;
    this.loading = true;
    this.error = null;
    try {
      const page = await this.#fetch(this.#next);
      if (!this.#alive) return;
      const seen = new Set(this.items.map((item) => item.id));
      this.items = [...this.items, ...page.items.filter((item) => !seen.has(item.id))];
      this.total = page.total;
      this.hasMore = page.has_more;
      this.#next = page.page + 1;
    } catch (e) {
      if (this.#alive) this.error = e as DuetError;
    } finally {
      this.loading = false;
    }
  }

  /** The screen is gone: an answer still on its way changes nothing. */
  dispose(): void {
    this.#alive = false;
  }
}

/**
 * Infinite scroll: calls `more` when `el` (the list's end) comes within `margin` px of the view,
 * inside the page's scroll root. Returns the teardown, for an `$effect`.
 */
export function whenNear(el: HTMLElement, more: () => void, margin: number): () => void {
  const root = el.closest<HTMLElement>('[data-scroll-root]');
  const io = new IntersectionObserver(
    (entries) => {
      if (entries.some((e) => e.isIntersecting)) more();
    },
    { root, rootMargin: `0px 0px ${margin}px 0px` },
  );
  io.observe(el);
  return () => io.disconnect();
}

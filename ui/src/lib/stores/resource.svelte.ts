import type { DuetError } from '../types';

/** One async value with its loading and error state; `load()` again to retry. */
export class Resource<T> {
  data = $state<T | undefined>(undefined);
  error = $state<DuetError | null>(null);
  loading = $state(false);
  #fetcher: () => Promise<T>;
  #seq = 0;

  constructor(fetcher: () => Promise<T>) {
    this.#fetcher = fetcher;
  }

  async load(): Promise<void> {
    const seq = ++this.#seq;
    this.loading = true;
    this.error = null;
    try {
      const value = await this.#fetcher();
      if (seq !== this.#seq) return;
      this.data = value;
    } catch (e) {
      if (seq !== this.#seq) return;
      this.error = e as DuetError;
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  /** Loads unless there is data already or a load under way. */
  ensure(): void {
    if (this.data === undefined && !this.loading && !this.error) void this.load();
  }

  reset(): void {
    this.#seq++;
    this.data = undefined;
    this.error = null;
    this.loading = false;
  }
}

// A long message list held as pages fetched by offset: the list knows its length from the
// first answer, so the scrollbar stands for the whole folder, and a page anywhere (a thumb
// dragged to the middle of 100,000 rows) is one request, not every page before it. A
// refresh keeps what is on screen until the fresh copy of those pages lands, then forgets
// the rest, so an action never costs the user their place in the list.
import type { ListItem } from './pager.js';

export interface OffsetPage {
  items: ListItem[];
  /** The length of the whole list, when it was asked for. */
  total: number | null;
}

export type FetchOffset = (offset: number, limit: number, count: boolean) => Promise<OffsetPage>;

interface PageState {
  items: ListItem[];
  /** The generation it was fetched in; older than the list's means shown until replaced. */
  generation: number;
}

/** Rows per request. */
export const PAGE_SIZE = 200;

export class SparseList {
  private readonly pages = new Map<number, PageState>();
  private readonly inFlight = new Map<number, number>();
  private generation = 0;
  private counted = -1;
  private wanted: [number, number] = [0, 0];
  private listeners = new Set<() => void>();
  total: number | null = null;
  error: unknown = null;
  /** Bumped on every change, for React to notice. */
  version = 0;

  constructor(
    private readonly fetch: FetchOffset,
    readonly pageSize = PAGE_SIZE,
  ) {}

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    this.version++;
    for (const fn of this.listeners) fn();
  }

  itemAt(index: number): ListItem | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.items[index % this.pageSize];
  }

  /** Every loaded row in list order (for Shift ranges and j/k over what is on hand). */
  loaded(): ListItem[] {
    return [...this.pages.keys()].sort((a, b) => a - b).flatMap((p) => this.pages.get(p)!.items);
  }

  get loading(): boolean {
    return this.inFlight.size > 0;
  }

  /** The first page and the list's length, known before the list asked for them. */
  seed(first: OffsetPage & { total: number }): void {
    this.pages.set(0, { items: first.items, generation: this.generation });
    this.counted = this.generation;
    this.total = first.total;
    this.version++;
  }

  /**
   * The rows [start, end) are in view: fetch their pages, and one either side. Until the
   * list's length is known, only the pages in view: the first answer (which counts the list)
   * comes sooner alone, and the pages either side follow it.
   */
  want(start: number, end: number): void {
    this.wanted = [start, end];
    const known = this.total !== null;
    const first = Math.max(0, Math.floor(start / this.pageSize) - (known ? 1 : 0));
    let last = Math.floor(Math.max(start, end - 1) / this.pageSize) + (known ? 1 : 0);
    if (this.total !== null) last = Math.min(last, Math.ceil(this.total / this.pageSize) - 1);
    for (let p = first; p <= last; p++) {
      const page = this.pages.get(p);
      if (page && page.generation === this.generation) continue;
      if (this.inFlight.get(p) === this.generation) continue;
      void this.load(p);
    }
  }

  /** The list changed in the core: fetch what is in view again, keep showing it meanwhile. */
  refresh(): void {
    this.generation++;
    const [start, end] = this.wanted;
    const keepFrom = Math.floor(start / this.pageSize) - 1;
    const keepTo = Math.floor(Math.max(start, end - 1) / this.pageSize) + 1;
    for (const p of [...this.pages.keys()]) if (p < keepFrom || p > keepTo) this.pages.delete(p);
    this.want(start, end);
  }

  private async load(p: number): Promise<void> {
    const generation = this.generation;
    this.inFlight.set(p, generation);
    // The first page of each generation counts the list again.
    const count = this.counted !== generation;
    if (count) this.counted = generation;
    const unknownBefore = this.total === null;
    try {
      const page = await this.fetch(p * this.pageSize, this.pageSize, count);
      const current = this.pages.get(p);
      if (current && current.generation > generation) return;
      this.pages.set(p, { items: page.items, generation });
      if (page.total !== null && generation === this.generation) {
        this.total = page.total;
        // Pages past a list that shrank would show rows that are gone.
        const pagesNow = Math.ceil(page.total / this.pageSize);
        for (const k of [...this.pages.keys()]) if (k >= pagesNow) this.pages.delete(k);
      }
      this.error = null;
    } catch (err) {
      if (count) this.counted = -1;
      this.error = err;
    } finally {
      if (this.inFlight.get(p) === generation) this.inFlight.delete(p);
      this.changed();
    }
    // The length is known now: the pages either side of the view.
    if (unknownBefore && this.total !== null) this.want(...this.wanted);
  }
}

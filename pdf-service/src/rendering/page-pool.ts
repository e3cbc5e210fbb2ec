import type { Logger } from '@playbook/kit';
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium, type LaunchedChromium } from './chromium-launch';

/**
 * Renders before a page is replaced by a new one (PDF_PAGE_MAX_RENDERS). A page's renderer process keeps what its
 * renders took at their peak (~100 MB after one typical playbook, ~180 after ten, more over a long soak); a new
 * page starts a new renderer. Every 20 renders held the peak at 506–569 MB against 658 with pages kept, for
 * ~130–180 ms per new page, ~3 % of the renders' time (docs/benchmarks.md, "The headless shell and page recycling").
 */
export const DEFAULT_MAX_RENDERS_PER_PAGE = 20;

/** One browser process and the pages opened in it; replaced as a whole on restart. */
interface Generation {
  chromium: LaunchedChromium;
  idle: Page[];
  /** The tab Chromium opens at start: the first page taken, so it costs no renderer process of its own. */
  initial: Page[];
  inUse: number;
  renders: number;
  /** Renders each open page has done, for `maxRendersPerPage`. */
  pageRenders: Map<Page, number>;
  retired: boolean;
}

export interface PageLease {
  page: Page;
  /** Returns the page for reuse, or closes it when it may be in a bad state (timeout, error). */
  release(options?: { discard?: boolean }): Promise<void>;
  /** True once the page's browser is gone (crashed, killed or disconnected). */
  browserLost(): boolean;
  /**
   * Rejects the moment the page's browser is gone: a render races it, because a page of a killed browser may
   * never answer (waiting for its fonts hangs until the render's timeout). `stop` ends the watch: a race
   * against one promise that lives as long as the browser kept every finished render's PDF reachable (one
   * ~350 KB buffer per render in the soak, until the browser was replaced).
   */
  watchBrowserLost(): { lost: Promise<never>; stop(): void };
}

export interface PagePoolOptions {
  executablePath: string;
  /** Chromium's niceness (DEFAULT_CHROMIUM_NICENESS when left out; 0: as the service's own). */
  niceness?: number;
  maxRendersPerBrowser: number;
  /** A page is closed after this many renders and a new one (with a new renderer process) takes its place. */
  maxRendersPerPage: number;
  logger: Logger;
  onRestart: (reason: 'crash' | 'max-renders') => void;
}

/**
 * One long-lived Chromium with reusable pages (reusing a page saves ~70 ms over opening one). A page is closed
 * after `maxRendersPerPage` renders (its renderer process ends with it) and a new one opened when one is next
 * needed. After `maxRendersPerBrowser` renders a new browser takes new work and the old one closes once its
 * pages are back; a browser that crashes or disconnects is replaced on the next render.
 */
export class PagePool {
  private current?: Generation;
  private launching?: Promise<Generation>;
  private readonly all = new Set<Generation>();
  private closed = false;

  constructor(private readonly options: PagePoolOptions) {}

  /** Starts the browser ahead of the first render. */
  async warmUp(): Promise<void> {
    await this.generation();
  }

  isReady(): boolean {
    return !this.closed && this.current !== undefined && this.current.chromium.browser.connected;
  }

  /** Process ids of the live browsers (tests check that none is left behind). */
  browserPids(): number[] {
    return [...this.all].map((generation) => generation.chromium.pid).filter((pid): pid is number => pid !== undefined);
  }

  async acquire(): Promise<PageLease> {
    const generation = await this.generation();
    const page = generation.idle.pop() ?? (await this.openPage(generation));
    generation.inUse += 1;
    let released = false;
    return {
      page,
      browserLost: () => !generation.chromium.browser.connected,
      watchBrowserLost: () => watchDisconnect(generation.chromium.browser),
      release: async ({ discard = false } = {}) => {
        if (released) return;
        released = true;
        generation.inUse -= 1;
        generation.renders += 1;
        const pageRenders = (generation.pageRenders.get(page) ?? 0) + 1;
        const worn = pageRenders >= this.options.maxRendersPerPage;
        if (generation.retired || discard || worn || !generation.chromium.browser.connected) {
          generation.pageRenders.delete(page);
          await page.close().catch(() => undefined);
        } else {
          generation.pageRenders.set(page, pageRenders);
          generation.idle.push(page);
        }
        if (!generation.retired && generation.renders >= this.options.maxRendersPerBrowser) this.retire(generation, 'max-renders');
        if (generation.retired && generation.inUse === 0) await this.dispose(generation);
      },
    };
  }

  /** Closes every browser and removes its profile; later renders fail. */
  async close(): Promise<void> {
    this.closed = true;
    await this.launching?.catch(() => undefined);
    await Promise.all([...this.all].map((generation) => this.dispose(generation)));
    this.current = undefined;
  }

  private async generation(): Promise<Generation> {
    if (this.closed) throw new Error('The page pool is closed');
    if (this.current?.chromium.browser.connected) return this.current;
    this.launching ??= this.launch().finally(() => {
      this.launching = undefined;
    });
    return this.launching;
  }

  private async launch(): Promise<Generation> {
    const started = Date.now();
    // A browser that dies while it starts (seen on a machine short of CPU: "Target closed") gets one more start.
    const { executablePath, niceness } = this.options;
    const chromium = await launchChromium(executablePath, niceness).catch((error: Error) => {
      this.options.logger.warn(`Chromium failed to start (${error.message}); starting it once more`);
      return launchChromium(executablePath, niceness);
    });
    const initial = await chromium.browser.pages().catch(() => []);
    const generation: Generation = { chromium, idle: [], initial, inUse: 0, renders: 0, pageRenders: new Map(), retired: false };
    this.all.add(generation);
    chromium.browser.once('disconnected', () => {
      if (generation.retired) return;
      this.options.logger.warn(`Chromium (pid ${chromium.pid}) disconnected; a new browser takes the next render`);
      this.retire(generation, 'crash');
      void this.dispose(generation);
      // Relaunch at once, so readiness recovers and the next render does not wait for a cold start.
      if (!this.closed) this.generation().catch((error: unknown) => this.options.logger.error(`relaunching Chromium failed: ${(error as Error).message}`));
    });
    if (this.closed) {
      await this.dispose(generation);
      throw new Error('The page pool is closed');
    }
    this.current = generation;
    this.options.logger.info(`Chromium started (pid ${chromium.pid}) in ${Date.now() - started} ms`);
    return generation;
  }

  private retire(generation: Generation, reason: 'crash' | 'max-renders'): void {
    generation.retired = true;
    if (this.current === generation) this.current = undefined;
    this.options.onRestart(reason);
    if (reason === 'max-renders') this.options.logger.info(`Chromium (pid ${generation.chromium.pid}) replaced after ${generation.renders} renders`);
    if (generation.inUse === 0) void this.dispose(generation);
  }

  private async dispose(generation: Generation): Promise<void> {
    generation.retired = true;
    generation.idle.length = 0;
    generation.initial.length = 0;
    generation.pageRenders.clear();
    await generation.chromium.dispose();
    this.all.delete(generation);
  }

  /** A page that runs no script and loads nothing: every request it makes is aborted. */
  private async openPage(generation: Generation): Promise<Page> {
    const page = generation.initial.pop() ?? (await generation.chromium.browser.newPage());
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      request.abort('blockedbyclient').catch(() => undefined);
    });
    return page;
  }
}

/** A promise rejected when `browser` disconnects, with its listener removed again by `stop`. */
function watchDisconnect(browser: Browser): { lost: Promise<never>; stop(): void } {
  let stop = () => undefined as void;
  const lost = new Promise<never>((_, reject) => {
    const onDisconnected = () => reject(new Error('Chromium disconnected mid-render'));
    if (!browser.connected) return onDisconnected();
    // `on`, not `once`: puppeteer's `once` registers a wrapper that `off(onDisconnected)` cannot remove.
    browser.on('disconnected', onDisconnected);
    stop = () => void browser.off('disconnected', onDisconnected);
  });
  lost.catch(() => undefined);
  return { lost, stop };
}

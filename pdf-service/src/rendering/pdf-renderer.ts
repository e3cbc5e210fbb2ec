import type { Logger } from '@playbook/kit';
import type { DocumentRenderer, RenderedPdf, RenderInput, ReservedPage } from '../domain/ports';
import type { PdfMetrics } from '../pdf-metrics';
import { DEFAULT_MAX_RENDERS_PER_PAGE, PagePool } from './page-pool';
import { RenderQueue } from './render-queue';

/** A render that took longer than the per-render timeout; its page was closed to free the slot. The job is retried. */
export class RenderTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`The PDF did not render within ${timeoutMs} ms`);
  }
}

export interface PdfRendererOptions {
  executablePath: string;
  /** Chromium's niceness (CHROMIUM_NICENESS); DEFAULT_CHROMIUM_NICENESS when left out. */
  niceness?: number;
  poolSize: number;
  timeoutMs: number;
  maxRendersPerBrowser: number;
  /** Renders before a page is closed and replaced by a new one; DEFAULT_MAX_RENDERS_PER_PAGE when left out. */
  maxRendersPerPage?: number;
  logger: Logger;
  metrics: PdfMetrics;
}

/** How long a failed render waits for its browser's disconnect to be reported before calling the failure its own. */
const BROWSER_LOST_GRACE_MS = 2_000;

/**
 * Whether a render failed because its browser went away. A killed browser can fail the page's commands a moment
 * before puppeteer reports the disconnect; a failure then taken as the render's own is not retried on a new browser
 * but waits for the job's redelivery (fault-chromium-kill.test.ts saw jobs finish 31 and 56 s after the kill on a
 * busy machine, against seconds). So a failure waits up to `graceMs` for `lost` (the disconnect watch) first.
 */
export async function browserWentAway(lostNow: boolean, lost: Promise<never>, graceMs: number): Promise<boolean> {
  if (lostNow) return true;
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
  });
  try {
    return await Promise.race([lost.then(() => false, () => true), grace]);
  } finally {
    clearTimeout(timer);
  }
}

/** Counts the page objects of a Chromium (Skia) PDF, which writes one `/Type /Page` per page and no object streams. */
export function countPdfPages(pdf: Uint8Array): number {
  return Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1').match(/\/Type\s*\/Page\b/g)?.length ?? 0;
}

/**
 * HTML → PDF on a bounded pool of pages: `poolSize` renders at once, the others wait, each bounded by
 * `timeoutMs`. A render whose browser crashes is retried once on a fresh browser.
 */
export class PdfRenderer implements DocumentRenderer {
  private readonly pool: PagePool;
  private readonly queue: RenderQueue;
  private averageSeconds = 0.3;

  constructor(private readonly options: PdfRendererOptions) {
    const { metrics } = options;
    this.pool = new PagePool({
      executablePath: options.executablePath,
      niceness: options.niceness,
      maxRendersPerBrowser: options.maxRendersPerBrowser,
      maxRendersPerPage: options.maxRendersPerPage ?? DEFAULT_MAX_RENDERS_PER_PAGE,
      logger: options.logger,
      onRestart: (reason) => metrics.browserRestarts.inc({ reason }),
    });
    this.queue = new RenderQueue(options.poolSize, (waiting, active) => {
      metrics.renderQueueDepth.set(waiting);
      metrics.pagesInUse.set(active);
    });
  }

  warmUp(): Promise<void> {
    return this.pool.warmUp();
  }

  isReady(): boolean {
    return this.pool.isReady();
  }

  /** A moving average of recent render times, for Retry-After estimates. */
  get averageRenderSeconds(): number {
    return this.averageSeconds;
  }

  browserPids(): number[] {
    return this.pool.browserPids();
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  async render(input: RenderInput): Promise<RenderedPdf> {
    return this.renderIn(await this.queue.acquire(), input);
  }

  reservePage(): ReservedPage | undefined {
    if (!this.pool.isReady()) return undefined;
    const release = this.queue.tryAcquire();
    return release && { render: (input) => this.renderIn(release, input), release };
  }

  /** Renders in the slot of the line that `release` gives back. */
  private async renderIn(release: () => void, input: RenderInput): Promise<RenderedPdf> {
    const started = performance.now();
    try {
      const pdf = await this.renderOnce(input).catch(async (error: unknown) => {
        if (!(error instanceof BrowserLostError)) throw error;
        this.options.logger.warn('the browser went away mid-render; retrying once on a new browser');
        return this.renderOnce(input);
      });
      const durationMs = performance.now() - started;
      this.averageSeconds = this.averageSeconds * 0.9 + (durationMs / 1000) * 0.1;
      this.options.metrics.renderDuration.observe({ outcome: 'ok' }, durationMs / 1000);
      return { pdf, pages: countPdfPages(pdf), durationMs };
    } catch (error) {
      this.options.metrics.renderDuration.observe({ outcome: error instanceof RenderTimeoutError ? 'timeout' : 'error' }, (performance.now() - started) / 1000);
      throw error instanceof BrowserLostError ? (error.cause as Error) : error;
    } finally {
      release();
    }
  }

  private async renderOnce({ html, headerTemplate, footerTemplate }: RenderInput): Promise<Buffer> {
    const lease = await this.pool.acquire();
    const { timeoutMs } = this.options;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RenderTimeoutError(timeoutMs)), timeoutMs);
    });
    const work = (async () => {
      await lease.page.setContent(html, { waitUntil: 'load', timeout: timeoutMs });
      return lease.page.pdf({
        format: 'A4',
        preferCSSPageSize: true,
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate,
        footerTemplate,
        margin: { top: '20mm', right: '17mm', bottom: '18mm', left: '17mm' },
        outline: true,
        tagged: true,
        timeout: timeoutMs,
      });
    })();
    const watch = lease.watchBrowserLost();
    try {
      const bytes = await Promise.race([work, timeout, watch.lost]);
      const pdf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      await lease.release();
      return pdf;
    } catch (error) {
      work.catch(() => undefined);
      const lost = error instanceof RenderTimeoutError ? lease.browserLost() : await browserWentAway(lease.browserLost(), watch.lost, BROWSER_LOST_GRACE_MS);
      await lease.release({ discard: true });
      if (lost) throw new BrowserLostError(error);
      throw error;
    } finally {
      clearTimeout(timer);
      watch.stop();
    }
  }
}

/** Internal: the render failed because its browser died, which is worth one retry. */
class BrowserLostError extends Error {
  constructor(cause: unknown) {
    super('browser lost', { cause });
  }
}

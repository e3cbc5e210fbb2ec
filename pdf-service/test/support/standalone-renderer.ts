import { createLogger, createMetrics } from '@playbook/kit';
import { createPdfMetrics } from '../../src/pdf-metrics';
import { DEFAULT_CHROMIUM_PATH } from '../../src/rendering/chromium-launch';
import { PdfRenderer, type PdfRendererOptions } from '../../src/rendering/pdf-renderer';

/** A renderer outside the service (tests, preview and benchmark): one page, the service's browser, its own metrics. */
export function createStandaloneRenderer(overrides: Partial<PdfRendererOptions> = {}) {
  const metrics = createMetrics('pdf-standalone');
  const renderer = new PdfRenderer({
    executablePath: DEFAULT_CHROMIUM_PATH,
    poolSize: 1,
    timeoutMs: 30_000,
    maxRendersPerBrowser: 10_000,
    logger: createLogger({ service: 'pdf-standalone', level: 'error' }),
    metrics: createPdfMetrics(metrics),
    ...overrides,
  });
  return { renderer, metrics };
}

/** Whether a process still exists (a reaped or killed one does not). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { buildPlaybookDocument } from '../src/domain/document-model';
import { playbookRenderInput } from '../src/domain/playbook-template';
import type { RenderInput } from '../src/domain/ports';
import { DEFAULT_CHROMIUM_PATH } from '../src/rendering/chromium-launch';
import { RenderTimeoutError } from '../src/rendering/pdf-renderer';
import { processTree } from '../../test/support/processes';
import { sampleSnapshot } from './support/sample-project';
import { createStandaloneRenderer as createRenderer, isAlive as alive } from './support/standalone-renderer';

/** Children of this process that have exited but were never reaped. */
const zombieChildren = () =>
  execFileSync('ps', ['-o', 'stat=', '--ppid', String(process.pid)])
    .toString()
    .split('\n')
    .filter((stat) => stat.startsWith('Z')).length;

/** Chromium's renderer processes below `browser` (each page has its own). */
const rendererPids = (browser: number) =>
  processTree([browser]).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
    } catch {
      return false;
    }
  });

/** Waits until `pid` has exited; a closed page's renderer ends a moment after the close is answered. */
async function exited(pid: number, timeoutMs = 20_000): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (!alive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !alive(pid);
}

const playbook = (): RenderInput => playbookRenderInput(buildPlaybookDocument(sampleSnapshot()));
const tiny: RenderInput = { html: '<!doctype html><title>t</title><p>tiny</p>', headerTemplate: '<span></span>', footerTemplate: '<span></span>' };

describe('PdfRenderer on a real Chromium', () => {
  it('replaces the browser after N renders and leaves no Chromium process behind', async () => {
    const { renderer, metrics } = createRenderer({ maxRendersPerBrowser: 2 });
    try {
      await renderer.render(tiny);
      const [first] = renderer.browserPids();
      await renderer.render(tiny);
      await renderer.render(tiny);
      const [second] = renderer.browserPids();
      expect(second).toBeDefined();
      expect(second).not.toBe(first);
      expect(alive(first!)).toBe(false);
      expect(await metrics.registry.getSingleMetricAsString('pdf_browser_restarts_total')).toMatch(/reason="max-renders"[^}]*\} 1$/m);
    } finally {
      await renderer.close();
    }
    expect(renderer.browserPids()).toEqual([]);
    expect(zombieChildren()).toBe(0);
  }, 60_000);

  it('replaces a page after N renders by one with a new renderer process, ends the old one and fails no render', async () => {
    const { renderer, metrics } = createRenderer({ maxRendersPerPage: 2 });
    try {
      await renderer.render(tiny);
      const [browser] = renderer.browserPids();
      const [first, ...others] = rendererPids(browser!);
      expect(others).toEqual([]);
      await renderer.render(tiny);
      expect(await exited(first!)).toBe(true);
      await renderer.render(tiny);
      const [second, ...more] = rendererPids(browser!);
      expect(more).toEqual([]);
      expect(second).not.toBe(first);
      const results = await Promise.all([renderer.render(tiny), renderer.render(tiny), renderer.render(tiny)]);
      expect(results.map((result) => result.pages)).toEqual([1, 1, 1]);
      expect(await exited(second!)).toBe(true);
      expect(renderer.browserPids()).toEqual([browser]);
      expect(await metrics.registry.getSingleMetricAsString('pdf_render_duration_seconds')).not.toMatch(/outcome="(error|timeout)"/);
    } finally {
      await renderer.close();
    }
  }, 60_000);

  it('starts Chromium once more when it dies while starting, and renders', async () => {
    // A browser binary whose first start fails at once: what a crash at start-up looks like to puppeteer.
    const folder = mkdtempSync(join(tmpdir(), 'playbook-flaky-chromium-'));
    const executablePath = join(folder, 'chromium');
    writeFileSync(executablePath, `#!/bin/sh\n[ -e "${folder}/started" ] || { touch "${folder}/started"; exit 1; }\nexec ${DEFAULT_CHROMIUM_PATH} "$@"\n`, { mode: 0o755 });
    const { renderer } = createRenderer({ executablePath });
    try {
      const { pages } = await renderer.render(playbook());
      expect(pages).toBeGreaterThan(1);
      expect(existsSync(join(folder, 'started'))).toBe(true);
    } finally {
      await renderer.close();
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);

  it('keeps no finished PDF reachable once its caller lets go of it', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { renderer } = createRenderer();
    try {
      const input = playbook();
      const rendered: Array<{ pdf: Buffer }> = await Promise.all([renderer.render(input), renderer.render(input)]);
      const bytes = rendered.map(({ pdf }) => new WeakRef(pdf.buffer));
      rendered.length = 0;
      for (let round = 0; round < 10 && bytes.some((ref) => ref.deref() !== undefined); round += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        gc();
      }
      expect(bytes.map((ref) => ref.deref() === undefined)).toEqual([true, true]);
    } finally {
      await renderer.close();
    }
  }, 60_000);

  it('lines up renders beyond its pages and finishes each in turn', async () => {
    const { renderer, metrics } = createRenderer({ poolSize: 1 });
    try {
      await renderer.warmUp();
      const input = playbook();
      const rendering = [renderer.render(input), renderer.render(input), renderer.render(input)];
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await metrics.registry.getSingleMetricAsString('pdf_render_queue_depth')).toMatch(/^pdf_render_queue_depth\{[^}]*\} 2$/m);
      const results = await Promise.all(rendering);
      expect(results.map((result) => result.pages)).toEqual([results[0]!.pages, results[0]!.pages, results[0]!.pages]);
      expect(await metrics.registry.getSingleMetricAsString('pdf_pages_in_use')).toMatch(/^pdf_pages_in_use\{[^}]*\} 0$/m);
    } finally {
      await renderer.close();
    }
  }, 60_000);

  it('reserves a free page only: none before the browser is up or while every page is taken, and one given back serves again', async () => {
    const { renderer } = createRenderer({ poolSize: 2 });
    try {
      expect(renderer.reservePage()).toBeUndefined();
      await renderer.warmUp();
      const first = renderer.reservePage()!;
      const lined = renderer.render(tiny);
      expect(renderer.reservePage()).toBeUndefined();
      // The reserved page renders without waiting behind the render that took the other one.
      expect((await first.render(playbook())).pdf.subarray(0, 5).toString()).toBe('%PDF-');
      await lined;
      const unused = renderer.reservePage()!;
      const second = renderer.reservePage()!;
      expect(renderer.reservePage()).toBeUndefined();
      unused.release();
      unused.release();
      second.release();
      expect([renderer.reservePage(), renderer.reservePage(), renderer.reservePage()].map((page) => page !== undefined)).toEqual([true, true, false]);
    } finally {
      await renderer.close();
    }
  }, 60_000);

  it('stops a render at the timeout and frees its page for the next one', async () => {
    const { renderer, metrics } = createRenderer({ timeoutMs: 400 });
    try {
      await renderer.warmUp();
      const huge = { ...tiny, html: `<!doctype html><title>huge</title>${'<p>line of text</p>'.repeat(60_000)}` };
      await expect(renderer.render(huge)).rejects.toBeInstanceOf(RenderTimeoutError);
      expect(await metrics.registry.getSingleMetricAsString('pdf_pages_in_use')).toMatch(/^pdf_pages_in_use\{[^}]*\} 0$/m);
      expect(await metrics.registry.getSingleMetricAsString('pdf_render_duration_seconds')).toContain('outcome="timeout"');
    } finally {
      await renderer.close();
    }
  }, 60_000);
});

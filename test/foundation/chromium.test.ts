import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

describe('Chromium through puppeteer-core', () => {
  it('prints a one-page A4 PDF from HTML', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'playbook-chromium-'));
    const browser = await puppeteer.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', `--user-data-dir=${profile}`],
    });
    try {
      const page = await browser.newPage();
      await page.setContent('<h1>Empathize — façade, 設計, مرحبا</h1>');
      const pdf = await page.pdf({ format: 'A4' });
      expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
      const file = join(profile, 'out.pdf');
      writeFileSync(file, pdf);
      expect(execFileSync('pdfinfo', [file]).toString()).toMatch(/Pages:\s+1\n/);
      expect(execFileSync('pdftotext', [file, '-']).toString()).toContain('Empathize — façade');
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});

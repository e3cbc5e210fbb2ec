/**
 * Renders the sample playbook and writes its first three pages as low-resolution PNGs to docs/
 * (the reference images linked from pdf-service/README.md). Run: npx tsx bench/pdf/render-preview.ts [out.pdf]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { buildPlaybookDocument } from '../../pdf-service/src/domain/document-model';
import { playbookRenderInput } from '../../pdf-service/src/domain/playbook-template';
import { sampleSnapshot } from '../../pdf-service/test/support/sample-project';
import { createStandaloneRenderer } from '../../pdf-service/test/support/standalone-renderer';

async function main(): Promise<void> {
  const docsDir = resolve(__dirname, '../../docs');
  const { renderer } = createStandaloneRenderer();
  try {
    const doc = buildPlaybookDocument(sampleSnapshot(), new Date('2026-11-27T10:00:00Z'));
    const { pdf, pages, durationMs } = await renderer.render(playbookRenderInput(doc));
    const work = mkdtempSync(join(tmpdir(), 'pdf-preview-'));
    const pdfPath = process.argv[2] ? resolve(process.argv[2]) : join(work, 'playbook.pdf');
    writeFileSync(pdfPath, pdf);
    execFileSync('pdftoppm', ['-r', process.env.PREVIEW_DPI ?? '50', '-png', '-f', '1', '-l', process.env.PREVIEW_LAST ?? '3', pdfPath, join(work, 'page')]);
    for (let page = 1; page <= 3; page += 1) {
      const digits = String(pages).length;
      renameSync(join(work, `page-${String(page).padStart(digits, '0')}.png`), join(docsDir, `pdf-preview-${page}.png`));
    }
    rmSync(work, { recursive: true, force: true });
    process.stdout.write(`${pages} pages, ${pdf.length} bytes, ${durationMs.toFixed(0)} ms → docs/pdf-preview-{1,2,3}.png\n`);
  } finally {
    await renderer.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});

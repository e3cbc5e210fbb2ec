import type { RenderInput } from './ports';
import type { DocumentField, DocumentPhase, PlaybookDocument } from './document-model';
import { escapeHtml as e } from './escape-html';
import { FONT_STACK_SANS, PRINT_CSS, RULED_LINES } from './print-css';

/** Bump on any change to the markup or CSS: it is part of the PDF cache key, so stored PDFs are re-rendered. */
export const TEMPLATE_VERSION = 'playbook-a4-1';

export const DOCUMENT_AUTHOR = 'Design Thinking Playbook';

/** Only inline styles; no script, image, font or frame may load (the page's requests are also blocked). */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

const formatDate = (date: Date) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(date);
const accent = (phase: DocumentPhase) => `--accent: ${/^#[0-9a-fA-F]{3,8}$/.test(phase.color) ? phase.color : '#444444'}`;

/** The whole playbook as one HTML document (cover, contents, one chapter per phase). */
export function renderPlaybookHtml(doc: PlaybookDocument): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<title>${e(doc.projectName)} — Design Thinking Playbook</title>
<meta name="author" content="${e(DOCUMENT_AUTHOR)}">
<meta name="description" content="${e(doc.description)}">
<style>${PRINT_CSS}</style>
</head>
<body>
${renderCover(doc)}
${renderContents(doc)}
${doc.phases.map(renderPhase).join('\n')}
</body>
</html>`;
}

function renderCover(doc: PlaybookDocument): string {
  const bands = doc.phases.map((phase) => `<span style="background:${phase.color}"></span>`).join('');
  const progress = doc.phases
    .map((phase) => {
      const percent = phase.total === 0 ? 0 : Math.round((phase.answered / phase.total) * 100);
      return `<div class="progress-phase" style="${accent(phase)}"><b>${e(phase.title)}</b>${phase.answered} of ${phase.total} answered<div class="progress-bar"><i style="width:${percent}%"></i></div></div>`;
    })
    .join('');
  const banner =
    doc.answeredCount === 0
      ? `<div class="empty-banner" role="note"><strong>This playbook is empty.</strong>No answers have been written yet: every field below has ruled space to fill in by hand.</div>`
      : '';
  return `<section class="cover">
  <div class="cover-bands">${bands}</div>
  <div class="cover-body">
    <p class="kicker">Design Thinking Playbook</p>
    <p class="cover-title" dir="auto">${e(doc.projectName)}</p>
    ${doc.description ? `<p class="cover-description" dir="auto">${e(doc.description)}</p>` : ''}
    <p class="cover-meta">Printed <strong>${formatDate(doc.generatedAt)}</strong> · <strong>${doc.answeredCount}</strong> of ${doc.fieldCount} fields answered</p>
    ${banner}
    <div class="progress">${progress}</div>
  </div>
  <p class="cover-footer">Empathize → Define → Ideate → Prototype → Test</p>
</section>`;
}

function renderContents(doc: PlaybookDocument): string {
  const phases = doc.phases
    .map((phase) => {
      const sections = phase.sections
        .map((section) => `<li><a href="#${e(phase.id)}-${e(section.id)}">${e(section.title)}</a><span class="toc-count">${section.answered}/${section.fields.length}</span></li>`)
        .join('');
      return `<div class="toc-phase" style="${accent(phase)}">
  <div class="toc-number">${phase.number}</div>
  <div><a class="toc-title" href="#${e(phase.id)}">${e(phase.title)}</a><p class="toc-summary">${e(phase.summary)}</p><ul class="toc-sections">${sections}</ul></div>
</div>`;
    })
    .join('\n');
  return `<section class="contents"><h1>Contents</h1>${phases}</section>`;
}

function renderPhase(phase: DocumentPhase): string {
  const sections = phase.sections
    .map(
      (section) => `<section class="section" id="${e(phase.id)}-${e(section.id)}">
  <header class="section-head"><h2>${e(section.title)}</h2><p class="section-intro">${e(section.intro)}</p></header>
  ${section.fields.map(renderField).join('\n')}
</section>`,
    )
    .join('\n');
  return `<article class="phase" id="${e(phase.id)}" style="${accent(phase)}">
<header class="phase-opener"><p class="kicker">Phase ${phase.number} of 5 · ${phase.answered} of ${phase.total} answered</p><h1>${e(phase.title)}</h1><p>${e(phase.summary)}</p></header>
${sections}
</article>`;
}

function renderField(field: DocumentField): string {
  const head = `<div class="field-head"><p class="field-label">${e(field.label)}</p><p class="field-help">${e(field.help)}</p></div>`;
  if (field.answer === undefined) {
    return `<div class="field field--blank">${head}<div class="ruled">${'<i></i>'.repeat(RULED_LINES[field.type])}</div></div>`;
  }
  const body =
    field.items && field.items.length > 0
      ? `<ul class="answer-list">${field.items.map((item) => `<li dir="auto">${e(item)}</li>`).join('')}</ul>`
      : `<div class="answer" dir="auto">${e(field.answer)}</div>`;
  return `<div class="field">${head}${body}</div>`;
}

const templateFont = `font-family: ${FONT_STACK_SANS}; font-size: 7.5pt; color: #5b6570; -webkit-print-color-adjust: exact;`;

/** Puppeteer's header: the project name and the playbook's name, on every page with margins (not the cover). */
export function renderHeaderTemplate(doc: PlaybookDocument): string {
  return `<div style="${templateFont} width: 100%; margin: 0 17mm; padding-bottom: 2mm; border-bottom: 0.2mm solid #d5dbe1; display: flex; justify-content: space-between; gap: 8mm;">
<span dir="auto" style="white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-weight: 600; color: #1d232b;">${e(doc.projectName)}</span><span style="white-space: nowrap;">Design Thinking Playbook</span></div>`;
}

/** Puppeteer's footer: "Page X of Y" (Chromium fills the pageNumber and totalPages spans). */
export const FOOTER_TEMPLATE = `<div style="${templateFont} width: 100%; text-align: center;">Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>`;

/** Everything Chromium needs to print the playbook: the document, its header and its footer. */
export function playbookRenderInput(doc: PlaybookDocument): RenderInput {
  return { html: renderPlaybookHtml(doc), headerTemplate: renderHeaderTemplate(doc), footerTemplate: FOOTER_TEMPLATE };
}

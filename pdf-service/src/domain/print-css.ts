/**
 * The playbook's print stylesheet. Fonts are the machine's Noto families, named per script so Chromium
 * never falls back to tofu: Latin/Greek/Cyrillic, Arabic, Hebrew, CJK, then colour emoji last (its font
 * also has digits, which must not win over the text font).
 */
export const FONT_STACK_SANS =
  "'Noto Sans', 'Noto Sans Arabic', 'Noto Sans Hebrew', 'Noto Sans CJK SC', 'Noto Sans CJK JP', 'Noto Sans CJK KR', 'DejaVu Sans', 'Noto Color Emoji', sans-serif";
export const FONT_STACK_SERIF =
  "'Noto Serif Display', 'Noto Serif', 'Noto Naskh Arabic', 'Noto Sans Hebrew', 'Noto Serif CJK SC', 'Noto Sans CJK SC', 'DejaVu Serif', 'Noto Color Emoji', serif";

/** Lines of writing space left for an unanswered field, by its type. */
export const RULED_LINES = { text: 2, longText: 5, list: 4 } as const;

export const PRINT_CSS = `
@page { size: A4; margin: 20mm 17mm 18mm 17mm; }
:root { --ink: #1d232b; --muted: #5b6570; --rule: #b7c0ca; --paper: #ffffff; --line: 7mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font-family: ${FONT_STACK_SANS}; font-size: 10.5pt; line-height: 1.5; color: var(--ink); background: var(--paper); }
h1, h2, h3 { font-family: ${FONT_STACK_SERIF}; font-weight: 700; line-height: 1.2; margin: 0; }
p { margin: 0; }
a { color: inherit; text-decoration: none; }

/* Cover: one page inside the margins (Chromium prints the header and footer on every page). */
.cover { height: 255mm; display: flex; flex-direction: column; overflow: hidden; }
.cover-bands { display: flex; height: 9mm; border-radius: 1.5mm; overflow: hidden; }
.cover-bands span { flex: 1; }
.cover-body { flex: 1; padding: 30mm 8mm 0 8mm; display: flex; flex-direction: column; }
.kicker { font-size: 9.5pt; letter-spacing: 0.22em; text-transform: uppercase; color: var(--muted); font-weight: 600; }
.cover-title { font-size: 38pt; margin: 7mm 0 6mm; overflow-wrap: anywhere; }
.cover-description { font-size: 13pt; color: #39424d; max-width: 150mm; white-space: pre-wrap; overflow-wrap: anywhere; }
.cover-meta { margin-top: 12mm; font-size: 10pt; color: var(--muted); }
.cover-meta strong { color: var(--ink); }
.progress { margin-top: auto; margin-bottom: 14mm; display: grid; grid-template-columns: repeat(5, 1fr); gap: 4mm; }
.progress-phase { border-top: 2.2mm solid var(--accent); padding-top: 2.5mm; font-size: 9pt; }
.progress-phase b { display: block; font-size: 10.5pt; }
.progress-bar { height: 1.6mm; background: color-mix(in srgb, var(--accent) 18%, white); margin-top: 2mm; border-radius: 1mm; }
.progress-bar i { display: block; height: 100%; background: var(--accent); border-radius: 1mm; }
.cover-footer { padding: 0 8mm 4mm; font-size: 8.5pt; color: var(--muted); }

.empty-banner { margin-top: 10mm; padding: 5mm 6mm; border: 0.6mm dashed #b5651d; background: #fff6e8; color: #6a3b06; border-radius: 2mm; font-size: 11pt; }
.empty-banner strong { display: block; font-size: 12pt; margin-bottom: 1mm; }

/* Contents */
.contents { break-before: page; }
.contents h1 { font-size: 26pt; margin-bottom: 8mm; }
.toc-phase { display: grid; grid-template-columns: 12mm 1fr; gap: 0 5mm; padding: 4mm 0; border-top: 0.3mm solid #dde2e7; break-inside: avoid; }
.toc-number { width: 10mm; height: 10mm; border-radius: 50%; background: var(--accent); color: #fff; font-weight: 700; font-size: 13pt; display: flex; align-items: center; justify-content: center; }
.toc-title { font-family: ${FONT_STACK_SERIF}; font-size: 15pt; font-weight: 700; color: var(--accent); }
.toc-summary { color: var(--muted); font-size: 9.5pt; margin: 0.5mm 0 2mm; }
.toc-sections { list-style: none; margin: 0; padding: 0; columns: 2; column-gap: 8mm; font-size: 9.5pt; }
.toc-sections li { display: flex; justify-content: space-between; gap: 3mm; padding: 0.6mm 0; border-bottom: 0.2mm dotted #c9d0d7; break-inside: avoid; }
.toc-count { color: var(--muted); font-variant-numeric: tabular-nums; white-space: nowrap; }

/* Phase chapters */
.phase { break-before: page; --accent-soft: color-mix(in srgb, var(--accent) 10%, white); }
.phase-opener { background: var(--accent); color: #fff; padding: 9mm 10mm 8mm; border-radius: 2.5mm; margin-bottom: 8mm; }
.phase-opener .kicker { color: rgba(255, 255, 255, 0.82); }
.phase-opener h1 { font-size: 30pt; margin: 2mm 0 3mm; }
.phase-opener p { font-size: 11pt; max-width: 150mm; }
.section { margin-top: 8mm; }
.section:first-of-type { margin-top: 0; }
.section-head { break-inside: avoid; break-after: avoid; }
.section h2 { font-size: 16pt; color: var(--accent); padding-left: 3.5mm; border-left: 1.4mm solid var(--accent); }
.section-intro { margin: 1.5mm 0 5mm; color: var(--muted); font-style: italic; }
.field { margin: 0 0 5mm; }
.field-head { break-inside: avoid; break-after: avoid; margin-bottom: 1.8mm; }
.field-label { font-weight: 700; font-size: 11pt; color: var(--ink); }
.field-help { font-size: 9pt; color: var(--muted); }
.answer { background: var(--accent-soft); border-left: 0.9mm solid var(--accent); padding: 2.5mm 4mm; border-radius: 0 1.5mm 1.5mm 0;
  white-space: pre-wrap; overflow-wrap: anywhere; orphans: 3; widows: 3; unicode-bidi: plaintext; box-decoration-break: clone; -webkit-box-decoration-break: clone; }
.answer-list { margin: 0; padding: 2.5mm 9mm; list-style: square; background: var(--accent-soft); border-left: 0.9mm solid var(--accent);
  border-radius: 0 1.5mm 1.5mm 0; box-decoration-break: clone; -webkit-box-decoration-break: clone; }
.answer-list li { margin: 0.6mm 0; white-space: pre-wrap; overflow-wrap: anywhere; break-inside: avoid; unicode-bidi: plaintext; }
.answer-list li::marker { color: var(--accent); }
.field--blank { break-inside: avoid; }
.ruled { border-left: 0.9mm solid color-mix(in srgb, var(--accent) 35%, white); }
.ruled i { display: block; height: var(--line); border-bottom: 0.25mm solid var(--rule); }
`;

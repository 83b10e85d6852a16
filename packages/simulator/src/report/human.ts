import type { RunReport } from './run-report.js';

/** Leak lines shown per run; the rest are counted, and `--json` lists every one. */
const SHOWN_LEAKS = 5;
/** Step errors whose message is shown per run, and how much of each. */
const SHOWN_ERRORS = 5;
const MESSAGE_CHARS = 160;

/** `s` filled to `n` columns, and never touching the next column. */
const pad = (s: string, n: number): string => (s.length >= n ? `${s} ` : s + ' '.repeat(n - s.length));
const cell = (r: RunReport | undefined, i: number): string => {
  const s = r?.steps[i];
  if (s === undefined) return '';
  return s.outcome === 'ok' ? 'ok' : `error ${s.error?.code ?? ''}`;
};

// C0 and C1 controls, and the marks that reorder a line (bidi embeddings, overrides, isolates).
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * A line as a terminal shows it as written: a scenario's name or a secret's path is the author's text, and an escape
 * sequence or a newline in it would recolour or split the table. Shown as JSON escapes (`--json` has the text).
 */
const printable = (line: string): string => line.replace(UNPRINTABLE, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);

/** A readable table of one scenario's runs, side by side when there are two. */
export const renderHuman = (file: string, runs: readonly RunReport[]): string => {
  const first = runs[0];
  if (first === undefined) return '';
  const lines: string[] = [];
  lines.push(`${first.scenario} (${file})${first.host === 'real' ? ', on the real host' : ''}`);
  const width = 34;
  lines.push(`  ${pad('step', 28)}${runs.map((r) => pad(r.mode, width)).join('')}`);
  // Indexes right-aligned, so that the step names line up past step 9.
  const digits = String(Math.max(0, first.steps.length - 1)).length;
  for (const [i, s] of first.steps.entries()) {
    lines.push(`  ${pad(`${String(s.index).padStart(digits)} ${s.op}`, 28)}${runs.map((r) => pad(cell(r, i), width)).join('')}`);
  }
  const counter = (label: string, f: (r: RunReport) => string) => lines.push(`  ${pad(label, 28)}${runs.map((r) => pad(f(r), width)).join('')}`);
  counter('probes', (r) => String(r.counters.probes));
  counter('leaks', (r) => String(r.counters.leaks));
  // In metadata mode, what the classic driver did on hosts not yet upgraded is counted apart: shown when there is any.
  if (runs.some((r) => (r.counters.classic?.probes ?? 0) + (r.counters.classic?.leaks ?? 0) > 0)) {
    counter('  by the classic driver', (r) => (r.counters.classic === undefined ? '-' : `${r.counters.classic.probes} probes, ${r.counters.classic.leaks} leaks`));
  }
  counter('commands', (r) => String(r.counters.commands));
  counter('db round trips', (r) => String(r.counters.dbRoundTrips));
  counter('expectations', (r) => (r.expectations.length === 0 ? '-' : r.ok ? `all ${r.expectations.length} hold` : `${r.expectations.filter((e) => !e.ok).length} FAILED`));
  for (const r of runs) {
    for (const e of r.expectations.filter((x) => !x.ok)) {
      lines.push(`  ✗ [${r.mode}] ${e.what}: expected ${JSON.stringify(e.expected)}, got ${JSON.stringify(e.actual)}`);
    }
    // The table shows an error's code; its message says why (a full disk, a tool's refusal), which a code alone hides.
    const errors = r.steps.filter((x) => x.outcome === 'error');
    for (const x of errors.slice(0, SHOWN_ERRORS)) {
      const message = (x.error?.message ?? '').replace(/\s+/g, ' ');
      lines.push(`  · [${r.mode}] step ${x.index} ${x.op}: ${x.error?.code ?? 'error'}: ${message.length > MESSAGE_CHARS ? `${message.slice(0, MESSAGE_CHARS)}…` : message}`);
    }
    if (errors.length > SHOWN_ERRORS) lines.push(`  · [${r.mode}] … and ${errors.length - SHOWN_ERRORS} more step errors (--json has every message)`);
    // Whose secret: a header planted on one host still names that host's file once its disk has moved to another.
    for (const l of r.leaks.slice(0, SHOWN_LEAKS)) lines.push(`  ! [${r.mode}] leak of ${l.host}:${l.secret} into ${l.into} (step ${l.step ?? '-'}, via ${l.via})`);
    const more = r.leaks.length - SHOWN_LEAKS;
    if (more > 0) lines.push(`  ! [${r.mode}] … and ${more} more ${more === 1 ? 'leak' : 'leaks'} (--json lists them all)`);
  }
  return lines.map(printable).join('\n');
};

/**
 * Two small chart kinds drawn as inline SVG markup, with no script, font or
 * stylesheet of their own beyond what the page embeds: a stacked area chart
 * and a line chart over the same x values, with axes, ticks and a legend.
 */

// ---- types

/** One series: a name for the legend, a colour, one value per x. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

/** How to draw a chart. */
export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly width?: number;
  readonly height?: number;
  /** The top of the y axis; by default a round number above the largest value. */
  readonly yMax?: number;
  readonly yFormat?: (v: number) => string;
}

// ---- helpers

/** Escape text for HTML and SVG content and attributes. */
export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** A round step (1, 2 or 5 × 10^k) giving about `count` ticks up to `max`. */
export const niceStep = (max: number, count = 5): number => {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  return (residual > 5 ? 10 : residual > 2 ? 5 : residual > 1 ? 2 : 1) * magnitude;
};

const ticks = (max: number): number[] => {
  const step = niceStep(max);
  const out: number[] = [];
  for (let v = 0; v <= max + step / 1e9; v += step) out.push(v);
  return out;
};

const compact = (v: number): string =>
  v >= 1e6 ? `${+(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${+(v / 1e3).toFixed(1)}k` : `${+v.toFixed(2)}`;

const n = (v: number): string => (Math.round(v * 10) / 10).toString();

interface Frame {
  readonly x: (v: number) => number;
  readonly y: (v: number) => number;
  readonly parts: string[];
}

/** The frame of a chart: title, axes, grid, ticks and legend; returns the scales and the markup so far. */
const frame = (xs: readonly number[], yMax: number, series: readonly Series[], o: ChartOptions): Frame => {
  const width = o.width ?? 800;
  const height = o.height ?? 300;
  const left = 64;
  const right = 200;
  const top = 30;
  const bottom = 44;
  const xMax = Math.max(1, ...xs);
  const x = (v: number): number => left + ((width - left - right) * v) / xMax;
  const y = (v: number): number => height - bottom - ((height - top - bottom) * v) / yMax;
  const fmt = o.yFormat ?? compact;
  const parts = [
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(o.title)}" class="chart">`,
    `<text x="${left}" y="18" class="chart-title">${escapeXml(o.title)}</text>`,
  ];
  for (const t of ticks(yMax)) {
    parts.push(`<line x1="${left}" x2="${n(x(xMax))}" y1="${n(y(t))}" y2="${n(y(t))}" class="grid"/>`);
    parts.push(`<text x="${left - 6}" y="${n(y(t) + 4)}" text-anchor="end" class="tick">${escapeXml(fmt(t))}</text>`);
  }
  for (const t of ticks(xMax)) {
    parts.push(`<line x1="${n(x(t))}" x2="${n(x(t))}" y1="${height - bottom}" y2="${height - bottom + 4}" class="axis"/>`);
    parts.push(`<text x="${n(x(t))}" y="${height - bottom + 16}" text-anchor="middle" class="tick">${escapeXml(compact(t))}</text>`);
  }
  parts.push(`<line x1="${left}" x2="${n(x(xMax))}" y1="${height - bottom}" y2="${height - bottom}" class="axis"/>`);
  parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${height - bottom}" class="axis"/>`);
  parts.push(`<text x="${n((left + x(xMax)) / 2)}" y="${height - 8}" text-anchor="middle" class="label">${escapeXml(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${n((top + height - bottom) / 2)}) rotate(-90)" text-anchor="middle" class="label">${escapeXml(o.yLabel)}</text>`);
  series.forEach((s, i) => {
    const ly = top + 4 + i * 18;
    const lx = width - right + 16;
    parts.push(`<rect x="${lx}" y="${ly}" width="12" height="12" fill="${escapeXml(s.color)}"/>`);
    parts.push(`<text x="${lx + 18}" y="${ly + 10}" class="legend">${escapeXml(s.name)}</text>`);
  });
  return { x, y, parts };
};

const topOf = (max: number): number => {
  const step = niceStep(max);
  return Math.max(step, Math.ceil(max / step) * step);
};

// ---- charts

/** A stacked area chart: each series drawn on top of the ones before it. */
export const stackedAreaChart = (xs: readonly number[], series: readonly Series[], o: ChartOptions): string => {
  const totals = xs.map((_, i) => series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  const yMax = o.yMax ?? topOf(Math.max(0, ...totals));
  const { x, y, parts } = frame(xs, yMax, series, o);
  const base = xs.map(() => 0);
  for (const s of series) {
    const lower = [...base];
    xs.forEach((_, i) => (base[i] = (base[i] ?? 0) + (s.values[i] ?? 0)));
    const upperPts = xs.map((v, i) => `${n(x(v))},${n(y(base[i] ?? 0))}`);
    const lowerPts = xs.map((v, i) => `${n(x(v))},${n(y(lower[i] ?? 0))}`).reverse();
    parts.push(`<polygon points="${[...upperPts, ...lowerPts].join(' ')}" fill="${escapeXml(s.color)}" fill-opacity="0.85"><title>${escapeXml(s.name)}</title></polygon>`);
  }
  parts.push('</svg>');
  return parts.join('');
};

/** A line chart, one polyline per series. */
export const lineChart = (xs: readonly number[], series: readonly Series[], o: ChartOptions): string => {
  const yMax = o.yMax ?? topOf(Math.max(0, ...series.flatMap((s) => s.values)));
  const { x, y, parts } = frame(xs, yMax, series, o);
  for (const s of series) {
    const pts = xs.map((v, i) => `${n(x(v))},${n(y(s.values[i] ?? 0))}`).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="${escapeXml(s.color)}" stroke-width="2"><title>${escapeXml(s.name)}</title></polyline>`);
  }
  parts.push('</svg>');
  return parts.join('');
};

import { fmt } from '../lib/format.ts';
import type { Spread } from '../lib/stats.ts';
import { SERVER_LABELS, type ServerKind } from '../servers/targets.ts';
import type { BenchResults, Ratio } from './BenchResults.ts';

const COLORS: Record<ServerKind, string> = { raw: '#7f8c8d', hocuspocus: '#e67e22', easel: '#2e86de' };
const WIDTH = 1120;
const PANEL_W = 530;
const ROW_H = 22;
const FONT = 'font-family="system-ui, sans-serif"';

interface BarRow {
  label: string;
  color: string;
  spread: Spread | null;
  digits?: number;
  /** Shown after the value (e.g. a warning). */
  note?: string;
}

const VARIANT_LABELS: Record<string, string> = {
  perEventTx: 'one tx per event',
  engineBatch100: 'engine, 100-row tx',
  groupCommit: 'group commit',
  groupCommitWithCommands: 'group + outcome row',
};
interface Panel {
  title: string;
  rows: BarRow[];
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function panelHeight(panel: Panel): number {
  return 34 + panel.rows.length * ROW_H + 10;
}

function drawPanel(panel: Panel, x: number, y: number): string {
  const labelW = 200;
  const barX = x + labelW;
  const barW = PANEL_W - labelW - 125;
  const max = Math.max(1e-9, ...panel.rows.map((r) => r.spread?.max ?? 0));
  const parts = [
    `<rect x="${x}" y="${y}" width="${PANEL_W}" height="${panelHeight(panel) - 6}" fill="#fafafa" stroke="#ddd"/>`,
    `<text x="${x + 10}" y="${y + 20}" font-size="13" font-weight="600" ${FONT}>${esc(panel.title)}</text>`,
  ];
  panel.rows.forEach((row, i) => {
    const ry = y + 32 + i * ROW_H;
    parts.push(`<text x="${x + 10}" y="${ry + 14}" font-size="12" ${FONT}>${esc(row.label)}</text>`);
    if (!row.spread) {
      parts.push(`<text x="${barX}" y="${ry + 14}" font-size="12" fill="#999" ${FONT}>not measured</text>`);
      return;
    }
    const s = row.spread;
    const w = (v: number): number => Math.max(0, (v / max) * barW);
    parts.push(
      `<rect x="${barX}" y="${ry + 3}" width="${w(s.median).toFixed(1)}" height="${ROW_H - 8}" fill="${row.color}"/>`,
    );
    if (s.n > 1) {
      const x1 = barX + w(s.min);
      const x2 = barX + w(s.max);
      const cy = ry + ROW_H / 2 - 1;
      parts.push(
        `<path d="M${x1.toFixed(1)} ${cy}H${x2.toFixed(1)}M${x1.toFixed(1)} ${cy - 4}v8M${x2.toFixed(1)} ${cy - 4}v8" stroke="#222" stroke-width="1.2" fill="none"/>`,
      );
    }
    const text = row.digits === undefined ? fmt(s.median) : s.median.toFixed(row.digits);
    const note = row.note ? ` <tspan fill="#c0392b">${esc(row.note)}</tspan>` : '';
    parts.push(`<text x="${barX + w(s.max) + 6}" y="${ry + 14}" font-size="12" ${FONT}>${esc(text)}${note}</text>`);
  });
  return parts.join('\n');
}

function ratioSection(ratios: Ratio[], y: number): { svg: string; height: number } {
  const shown = ratios.filter(
    (r) => r.value !== null && !r.unit && !r.id.startsWith('appends.') && r.id !== 'latency.p99.absolute',
  );
  const labelW = 470;
  const barX = 20 + labelW;
  const barW = WIDTH - barX - 120;
  const scaleMax = Math.min(10, Math.max(2, ...shown.map((r) => Math.max(r.value ?? 0, r.target ?? 0) * 1.1)));
  const sx = (v: number): number => barX + (Math.min(v, scaleMax) / scaleMax) * barW;
  const parts = [
    `<text x="20" y="${y + 18}" font-size="15" font-weight="600" ${FONT}>Easel ÷ baseline (ratio of medians). ` +
      `Black tick = target; green = met, red = missed, grey = no target</text>`,
  ];
  if (shown.length === 0) {
    parts.push(`<text x="20" y="${y + 40}" font-size="12" fill="#999" ${FONT}>no Easel figures in this run</text>`);
    return { svg: parts.join('\n'), height: 56 };
  }
  const top = y + 30;
  parts.push(
    `<line x1="${sx(1)}" y1="${top - 4}" x2="${sx(1)}" y2="${top + shown.length * ROW_H}" stroke="#bbb" stroke-dasharray="3 3"/>`,
  );
  parts.push(`<text x="${sx(1) - 4}" y="${top - 6}" font-size="10" fill="#777" ${FONT}>1×</text>`);
  shown.forEach((r, i) => {
    const ry = top + i * ROW_H;
    const color = r.met === null ? '#aaa' : r.met ? '#27ae60' : '#c0392b';
    const better = r.direction === '>=' ? 'higher is better' : 'lower is better';
    parts.push(
      `<text x="20" y="${ry + 14}" font-size="12" ${FONT}>${esc(r.label)} <tspan fill="#888">(${better})</tspan></text>`,
    );
    parts.push(
      `<rect x="${barX}" y="${ry + 3}" width="${(sx(r.value!) - barX).toFixed(1)}" height="${ROW_H - 8}" fill="${color}"/>`,
    );
    if (r.target !== null) {
      parts.push(
        `<line x1="${sx(r.target)}" y1="${ry + 1}" x2="${sx(r.target)}" y2="${ry + ROW_H - 3}" stroke="#000" stroke-width="2"/>`,
      );
    }
    const overflow = r.value! > scaleMax ? ' ▶' : '';
    const textX = Math.max(sx(r.value!), r.target === null ? 0 : sx(r.target)) + 6;
    parts.push(
      `<text x="${textX.toFixed(1)}" y="${ry + 14}" font-size="12" ${FONT}>${r.value!.toFixed(2)}×${overflow}</text>`,
    );
  });
  return { svg: parts.join('\n'), height: 40 + shown.length * ROW_H + 10 };
}

function serverRows(
  kinds: ServerKind[],
  pick: (k: ServerKind) => Spread | null | undefined,
  digits?: number,
): BarRow[] {
  return kinds.map((k) => ({ label: SERVER_LABELS[k], color: COLORS[k], spread: pick(k) ?? null, digits }));
}

/** The chart `bench/results/latest.svg`: headline ratios on top, then one bar panel per metric with min–max whiskers. */
export function renderSvg(results: BenchResults): string {
  const kinds = results.servers;
  const panels: Panel[] = [];
  const f = results.fanout;
  if (f) {
    for (const n of f.config.subscribers) {
      panels.push({
        title: `deliveries/s at saturation, N = ${n} (higher is better)`,
        rows: serverRows(kinds, (k) => f.summary[k]?.[String(n)]),
      });
    }
  }
  const l = results.latency;
  if (l) {
    const at = `@ ${fmt(l.offeredPerSec)} updates/s × ${l.config.subscribers}`;
    panels.push({
      title: `latency p50, ms ${at} (lower is better)`,
      rows: serverRows(kinds, (k) => l.summary[k]?.p50, 2),
    });
    panels.push({
      title: `latency p99, ms ${at} (lower is better)`,
      rows: serverRows(kinds, (k) => l.summary[k]?.p99, 2),
    });
  }
  const c = results.cpu;
  if (c) {
    for (const rate of c.config.rates) {
      panels.push({
        title: `server CPU µs/delivery @ ${rate}/s × ${c.config.subscribers} (lower is better)`,
        rows: serverRows(kinds, (k) => c.summary[k]?.[String(rate)], 2).map((row, i) => {
          const kind = kinds[i]!;
          const unmatched = c.samples.some((x) => x.server === kind && x.offeredPerSec === rate && !x.matched);
          return unmatched ? { ...row, note: '⚠ unmatched' } : row;
        }),
      });
    }
  }
  const m = results.memory;
  if (m) {
    panels.push({
      title: `RSS KiB per idle subscriber @ ${m.connections} (lower is better)`,
      rows: serverRows(kinds, (k) => m.summary[k], 1),
    });
  }
  const a = results.appends;
  if (a) {
    panels.push({
      title: 'durable appends/s, SQLite spine (higher is better)',
      rows: a.variants.map((v) => ({
        label: `${VARIANT_LABELS[v.variant] ?? v.variant} (${v.durability})`,
        color: v.variant.startsWith('groupCommit') ? COLORS.easel : COLORS.raw,
        spread: v.appendsPerSec,
      })),
    });
  }

  const title = `Easel benchmarks — ${results.startedAt}${results.quick ? ' (quick)' : ''}, ${results.rounds} round(s); bars = median, whiskers = min–max`;
  const parts: string[] = [`<text x="20" y="28" font-size="18" font-weight="700" ${FONT}>${esc(title)}</text>`];
  let y = 44;
  const ratios = ratioSection(results.ratios, y);
  parts.push(ratios.svg);
  y += ratios.height + 10;
  for (let i = 0; i < panels.length; i += 2) {
    const left = panels[i]!;
    const right = panels[i + 1];
    parts.push(drawPanel(left, 20, y));
    if (right) parts.push(drawPanel(right, 20 + PANEL_W + 20, y));
    y += Math.max(panelHeight(left), right ? panelHeight(right) : 0) + 6;
  }
  const legend = kinds
    .map(
      (k, i) =>
        `<rect x="${20 + i * 220}" y="${y + 6}" width="12" height="12" fill="${COLORS[k]}"/><text x="${38 + i * 220}" y="${y + 16}" font-size="12" ${FONT}>${esc(SERVER_LABELS[k])}</text>`,
    )
    .join('\n');
  parts.push(legend);
  y += 30;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}">\n<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`;
}

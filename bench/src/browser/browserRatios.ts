import type { Ratio } from '../report/BenchResults.ts';
import { BROWSER_TARGETS, type BrowserResult } from './BrowserResult.ts';

/** Per-round easel ÷ json pairs (interleaved rounds), min–max. */
function pairRange(result: BrowserResult): [number, number] | null {
  const pairs: number[] = [];
  for (const e of result.snapshot.samples.filter((s) => s.mode === 'easel')) {
    const j = result.snapshot.samples.find((s) => s.mode === 'json' && s.round === e.round);
    if (j && j.toInteractiveMs > 0) pairs.push(e.toInteractiveMs / j.toInteractiveMs);
  }
  return pairs.length >= 2 ? [Math.min(...pairs), Math.max(...pairs)] : null;
}

/**
 * The browser rows of the ratios table: 10k-block snapshot → interactive (absolute, ≤ 150 ms, and
 * ÷ the plain-JSON baseline of the same run), edit → other tab painted p50/p99, and gzip sizes.
 */
export function browserRatios(result: BrowserResult): Ratio[] {
  const out: Ratio[] = [];
  const easel = result.snapshot.easel;
  const json = result.snapshot.json;
  const samples = result.snapshot.samples;
  const easelRange = samples.filter((s) => s.mode === 'easel').map((s) => s.toInteractiveMs);
  out.push({
    id: 'browser.snapshot.absolute',
    label: `${result.config.blocks}-block canvas: snapshot → interactive (Easel, median)`,
    value: easel?.median ?? null,
    pairRange: easelRange.length >= 2 ? [Math.min(...easelRange), Math.max(...easelRange)] : null,
    direction: '<=',
    target: BROWSER_TARGETS.snapshotToInteractiveMs,
    met: easel ? easel.median <= BROWSER_TARGETS.snapshotToInteractiveMs : null,
    unit: 'ms',
  });
  const editable = result.snapshot.easelEditable ?? null;
  const editableRange = samples.flatMap((s) =>
    s.mode === 'easel' && s.toEditableMs !== undefined ? [s.toEditableMs] : [],
  );
  out.push({
    id: 'browser.snapshot.editable',
    label: `${result.config.blocks}-block canvas: snapshot → editable, Y.Doc hydrated (Easel, median)`,
    value: editable?.median ?? null,
    pairRange: editableRange.length >= 2 ? [Math.min(...editableRange), Math.max(...editableRange)] : null,
    direction: '<=',
    target: null,
    met: null,
    unit: 'ms',
    note: 'paint first: interactive is painted from the JSON projection; this is when the Yjs snapshot is decoded too',
  });
  const fromData = result.snapshot.easelFromData ?? null;
  const jsonFromData = result.snapshot.jsonFromData ?? null;
  out.push({
    id: 'browser.snapshot.from-data',
    label: `${result.config.blocks}-block canvas: snapshot in hand → interactive (Easel, median)`,
    value: fromData?.median ?? null,
    pairRange: fromData ? [fromData.min, fromData.max] : null,
    direction: '<=',
    target: null,
    met: null,
    unit: 'ms',
    note:
      'the client part only (no request, no transfer): to interactive − to data in hand, per load' +
      (jsonFromData ? `; plain JSON page ${jsonFromData.median.toFixed(0)} ms` : ''),
  });
  const eager = result.snapshot.easelEager ?? null;
  out.push({
    id: 'browser.snapshot.eager',
    label: `${result.config.blocks}-block canvas: snapshot → interactive with paint first off (Easel, median)`,
    value: eager?.median ?? null,
    pairRange: null,
    direction: '<=',
    target: null,
    met: null,
    unit: 'ms',
    note: 'paintFirst: false — the Yjs snapshot is decoded before the first paint (the path before paint first)',
  });
  out.push({
    id: 'browser.snapshot.editable-vs-json',
    label: `${result.config.blocks}-block canvas to editable (Easel) ÷ plain JSON fetch to interactive`,
    value: editable && json && json.median > 0 ? editable.median / json.median : null,
    pairRange: null,
    direction: '<=',
    target: null,
    met: null,
    note: 'the whole cost of the Yjs path, decoding included, against a read-only JSON page',
  });
  out.push({
    id: 'browser.snapshot.vs-json',
    label: `${result.config.blocks}-block canvas to interactive: Easel ÷ plain JSON fetch`,
    value: easel && json && json.median > 0 ? easel.median / json.median : null,
    pairRange: pairRange(result),
    direction: '<=',
    target: null,
    met: null,
    note: 'same component and data; the difference is the transport (SSE snapshot, Yjs) and the hooks',
  });
  const total = result.editToPaint.total;
  for (const at of ['p50', 'p99'] as const) {
    out.push({
      id: `browser.edit-paint.${at}`,
      label: `edit → other tab painted, ${at}`,
      value: total ? total[at] : null,
      pairRange: null,
      direction: '<=',
      target: null,
      met: null,
      unit: 'ms',
      ...(result.editToPaint.lost > 0 ? { note: `${result.editToPaint.lost} edits never painted` } : {}),
    });
  }
  const transport = result.bundles.transport;
  out.push({
    id: 'browser.bundle.transport',
    label: '@easel/transport gzip, yjs external (first load)',
    value: transport ? transport.entryGzip / 1000 : null,
    pairRange: null,
    direction: '<=',
    target: BROWSER_TARGETS.transportGzipKb,
    met: transport ? transport.entryGzip / 1000 <= BROWSER_TARGETS.transportGzipKb : null,
    unit: 'KB',
  });
  const host = result.bundles.hostFirstLoad;
  out.push({
    id: 'browser.bundle.host',
    label: 'host app first load, gzip',
    value: host ? host.gzip / 1000 : null,
    pairRange: null,
    direction: '<=',
    target: null,
    met: null,
    unit: 'KB',
  });
  return out;
}

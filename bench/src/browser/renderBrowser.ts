import type { Spread } from '../lib/stats.ts';
import type { BrowserResult, LatencyStats } from './BrowserResult.ts';
import type { BundleSize } from './measureBundles.ts';
import { markdownTable } from '../lib/markdownTable.ts';

const ms = (s: Spread | null): string =>
  s ? `**${s.median.toFixed(1)}** (${s.min.toFixed(1)}–${s.max.toFixed(1)}, n=${s.n})` : '—';
const lat = (s: LatencyStats | null): string[] =>
  s ? [s.p50.toFixed(1), s.p99.toFixed(1), s.max.toFixed(1), String(s.n)] : ['—', '—', '—', '0'];
const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} KB`;

function bundleRow(b: BundleSize | null, label: string): string[] {
  if (!b) return [label, '—', '—', '—', ''];
  const top = b.contributors
    .slice(0, 4)
    .map((c) => `${c.name} ${kb(c.bytes)}`)
    .join(', ');
  return [b.label, kb(b.entryBytes), `**${kb(b.entryGzip)}**`, kb(b.lazyGzip), top];
}

/** The `latest.md` section of the browser bench. */
export function renderBrowser(result: BrowserResult): string {
  const c = result.config;
  const out = ['## Browser (Chromium): snapshot → interactive, edit → paint, bundle sizes'];
  out.push(
    `Debian Chromium ${result.chromium || '?'} (headless, playwright-core) against a real \`easel dev\`. ` +
      `**Snapshot → interactive**: a doc canvas of ${c.blocks} blocks; a fresh context loads a page that mounts the real ` +
      '`doc` cartridge through `EaselProvider` + `CanvasHost` (transport: SSE, CANVAS_READY snapshot; paint first: ' +
      "the page paints from the snapshot's JSON `state` (`?paint=state`) and decodes the Yjs `update` into the " +
      '`Y.Doc` after the first paint), ' +
      'interleaved with the baseline — the same component and data from one plain `GET /v1/canvases/{id}` JSON fetch. ' +
      'Time = page script start → all blocks in the DOM, the next frame painted and the main thread free again ' +
      `(rAF, then a task). ${c.warmupLoads} warm-up load(s) per mode, ${c.rounds} rounds, order rotating. ` +
      '**To editable** (Easel only; the baseline cannot edit): interactive, and the `Y.Doc` holds the snapshot ' +
      '(the decoding that paint first moves after the first paint is done) and the main thread is free again — ' +
      'from then on a local edit applies at once. An edit made earlier decodes the snapshot first, synchronously.',
  );
  const load = result.snapshot.load1;
  out.push(
    markdownTable(
      [
        '',
        'to interactive, ms',
        'to editable (Y.Doc hydrated), ms',
        'to data in hand, ms',
        'data in hand → interactive, ms',
      ],
      [
        [
          'Easel (transport + harness)',
          ms(result.snapshot.easel),
          ms(result.snapshot.easelEditable ?? null),
          ms(result.snapshot.easelData),
          ms(result.snapshot.easelFromData ?? null),
        ],
        [
          'Easel, paint first off (`paintFirst: false`: Yjs decoded before the first paint)',
          ms(result.snapshot.easelEager ?? null),
          '= to interactive',
          '—',
          '—',
        ],
        [
          'plain JSON fetch (baseline)',
          ms(result.snapshot.json),
          '— (read-only)',
          ms(result.snapshot.jsonData),
          ms(result.snapshot.jsonFromData ?? null),
        ],
      ],
    ),
  );
  out.push(
    load
      ? `Machine load (1-min load average) while sampling: ${load.min.toFixed(2)}–${load.max.toFixed(2)}; compare figures within one run.`
      : 'Machine load: not recorded.',
  );
  out.push(
    `**Edit → other tab painted**: two browser contexts on one board canvas (${c.boardNotes} notes), each through the harness; ` +
      'tab A sends `state.ops` through the canvas command emitter, tab B waits for the text in its DOM, then the next paint. ' +
      `One edit at a time, ${c.warmupEdits} warm-up, ${c.edits} measured; both clocks are \`performance.timeOrigin + now()\`. ` +
      '"to event" = until tab B parsed the `state_patch` (the rest is React render and paint).',
  );
  out.push(
    markdownTable(
      ['', 'p50 ms', 'p99 ms', 'max ms', 'n'],
      [
        ['edit → painted', ...lat(result.editToPaint.total)],
        ['edit → event parsed in tab B', ...lat(result.editToPaint.toEvent)],
      ],
    ),
  );
  if (result.editToPaint.lost > 0)
    out.push(`${result.editToPaint.lost} edit(s) never painted within ${c.editDeadlineMs} ms.`);
  out.push(
    '**Bundle sizes**: esbuild, ESM for browsers, minified, code splitting; gzip -9. First load = the entry chunk and ' +
      'what it imports statically; lazy = chunks behind `import()` (the Hocuspocus provider).',
  );
  out.push(
    markdownTable(
      ['bundle', 'minified', 'gzip (first load)', 'gzip (lazy)', 'largest contributors (minified)'],
      [
        bundleRow(result.bundles.transport, '@easel/transport'),
        bundleRow(result.bundles.transportWithoutZod, '@easel/transport without zod'),
      ],
    ),
  );
  const host = result.bundles.hostFirstLoad;
  out.push(
    host
      ? `**Host first load** (\`/?actor=director&flow=demo\`, every file fetched from \`host/dist\` until \`load\` + 1.5 s): ` +
          `${host.files.length} files, ${kb(host.bytes)} raw, **${kb(host.gzip)} gzip** (${host.files.join(', ')}).`
      : '**Host first load**: not measured.',
  );
  return out.join('\n\n');
}

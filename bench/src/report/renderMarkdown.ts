import { renderBrowser } from '../browser/renderBrowser.ts';
import { fmt } from '../lib/format.ts';
import { renderAgents } from '../agents/renderAgents.ts';
import { renderPlugins } from '../plugins/renderPlugins.ts';
import { renderStorm } from '../storm/renderStorm.ts';
import { renderPresence } from '../presence/renderPresence.ts';
import { renderScaleout } from '../scaleout/renderScaleout.ts';
import { SERVER_LABELS } from '../servers/targets.ts';
import type { BenchResults, Ratio } from './BenchResults.ts';
import { markdownTable, spreadCell } from '../lib/markdownTable.ts';

function ratioRow(r: Ratio): string[] {
  const value =
    r.value === null
      ? '—'
      : r.unit
        ? `${r.value.toFixed(3)} ${r.unit}`
        : r.id === 'latency.p99.absolute' || r.id.startsWith('appends.')
          ? fmt(r.value)
          : `${r.value.toFixed(2)}×`;
  const digits = r.unit ? 3 : 2;
  const range = r.pairRange ? `${r.pairRange[0].toFixed(digits)}–${r.pairRange[1].toFixed(digits)}` : '';
  const target =
    r.target === null
      ? r.note?.startsWith('target ')
        ? r.note.slice(7)
        : '—'
      : `${r.direction} ${r.target}${r.unit ? ` ${r.unit}` : ''}${r.goal ? ` (goal ${r.goal})` : ''}`;
  const met = r.met === null ? '' : r.met ? '✅' : '❌';
  const note = r.note && !r.note.startsWith('target ') ? r.note : '';
  return [r.label, value, range, target, met, note];
}

/** The human-readable report `bench/results/latest.md`. */
export function renderMarkdown(results: BenchResults): string {
  const kinds = results.servers;
  const head = ['', ...kinds.map((k) => SERVER_LABELS[k])];
  const out: string[] = [];
  out.push(`# Easel benchmarks — ${results.startedAt}${results.quick ? ' (quick)' : ''}`);
  out.push(
    `Node ${results.environment.node}, ${results.environment.cpus} × ${results.environment.cpuModel}; load average at start ` +
      `${results.environment.loadAverageAtStart.map((v) => v.toFixed(2)).join(' ')}; ${results.rounds} interleaved round(s). ` +
      'Cells: **median** (min–max over rounds). Every figure that matters is a ratio against a baseline measured in this run.',
  );
  out.push('## Ratios (Easel ÷ baseline, ratio of medians)');
  out.push(markdownTable(['ratio', 'value', 'per-round range', 'target', 'met', 'note'], results.ratios.map(ratioRow)));

  if (results.fanout) {
    const f = results.fanout;
    out.push('## Fan-out: deliveries/s at saturation');
    out.push(
      `${f.config.writers} closed-loop writers (separate process) post ~200 B updates as fast as acks allow; deliveries = ` +
        `frames parsed by the reader process per second over ${f.config.measureMs} ms after ${f.config.warmupMs} ms warm-up.`,
    );
    out.push(
      markdownTable(
        ['subscribers', ...head.slice(1)],
        f.config.subscribers.map((n) => [`N = ${n}`, ...kinds.map((k) => spreadCell(f.summary[k]?.[String(n)]))]),
      ),
    );
    const cpuRows = f.config.subscribers.map((n) => [
      `N = ${n}`,
      ...kinds.map((k) => {
        const mine = f.samples.filter((s) => s.server === k && s.subscribers === n);
        if (mine.length === 0) return '—';
        const avg = (pick: (s: (typeof mine)[number]) => number): string =>
          `${Math.round((mine.reduce((a, s) => a + pick(s), 0) / mine.length) * 100)}%`;
        return `${avg((s) => s.serverCpuShare)} / ${avg((s) => s.readerCpuShare)} / ${avg((s) => s.writerCpuShare)}`;
      }),
    ]);
    out.push('CPU (share of one core, mean over rounds) — server / reader process / writer process:');
    out.push(markdownTable(['subscribers', ...head.slice(1)], cpuRows));
  }

  if (results.latency) {
    const l = results.latency;
    out.push('## Latency: command issued → parsed by the last of N subscribers');
    out.push(
      `N = ${l.config.subscribers}; writer and readers in one client process (one monotonic clock). Peak of ${l.reference} ` +
        `found by stepping the offered rate: **${fmt(l.peakPerSec)} updates/s**; every server measured at half: ` +
        `**${fmt(l.offeredPerSec)} updates/s** (open loop, ≤ ${l.config.maxInFlight} in flight).`,
    );
    out.push(
      markdownTable(
        ['', ...head.slice(1)],
        [
          ['p50 ms', ...kinds.map((k) => spreadCell(l.summary[k]?.p50, 2))],
          ['p99 ms', ...kinds.map((k) => spreadCell(l.summary[k]?.p99, 2))],
          [
            'kept up',
            ...kinds.map((k) => {
              const mine = l.samples.filter((s) => s.server === k);
              return mine.length === 0 ? '—' : `${mine.filter((s) => s.keptUp).length}/${mine.length}`;
            }),
          ],
        ],
      ),
    );
    out.push(`Rate steps (${l.reference}):`);
    out.push(
      markdownTable(
        ['offered/s', 'achieved/s', 'p50 ms', 'p99 ms', 'server CPU', 'client CPU'],
        l.steps.map((s) => [
          fmt(s.offeredPerSec),
          fmt(s.achievedPerSec),
          s.p50.toFixed(2),
          s.p99.toFixed(2),
          `${Math.round(s.serverCpuShare * 100)}%`,
          `${Math.round(s.clientCpuShare * 100)}%`,
        ]),
      ),
    );
  }

  if (results.cpu) {
    const c = results.cpu;
    out.push('## Server CPU per delivery at matched rates (µs)');
    out.push(
      `N = ${c.config.subscribers}; open-loop writers offer each rate; CPU = utime + stime of the server from /proc.`,
    );
    out.push(
      markdownTable(
        ['updates/s', ...head.slice(1)],
        c.config.rates.map((rate) => [
          String(rate),
          ...kinds.map((k) => {
            const unmatched = c.samples.some((s) => s.server === k && s.offeredPerSec === rate && !s.matched);
            return spreadCell(c.summary[k]?.[String(rate)], 2) + (unmatched ? ' ⚠ not matched' : '');
          }),
        ]),
      ),
    );
  }

  if (results.memory) {
    const m = results.memory;
    out.push('## Memory: RSS per idle subscriber (KiB)');
    out.push(
      `${m.connections} idle connections (open-file limit ${m.openFileLimit}); server VmRSS after warm-up vs. after all connected and settled.`,
    );
    out.push(
      markdownTable(['', ...head.slice(1)], [['KiB / subscriber', ...kinds.map((k) => spreadCell(m.summary[k], 1))]]),
    );
  }

  if (results.appends) {
    const a = results.appends;
    out.push('## Durable appends (SQLite spine)');
    out.push(
      markdownTable(
        ['variant', 'durability', 'appends/s', 'ack p50 ms', 'ack p99 ms', 'events/commit'],
        a.variants.map((v) => [
          v.variant,
          v.durability,
          spreadCell(v.appendsPerSec),
          v.ackMs ? v.ackMs.p50.toFixed(2) : '—',
          v.ackMs ? v.ackMs.p99.toFixed(2) : '—',
          v.eventsPerCommit === null ? '—' : v.eventsPerCommit.toFixed(1),
        ]),
      ),
    );
  }

  if (results.scaleout) out.push(renderScaleout(results.scaleout));
  if (results.presence) out.push(renderPresence(results.presence));
  if (results.plugins) out.push(renderPlugins(results.plugins));
  if (results.agents) out.push(renderAgents(results.agents));
  if (results.storm) out.push(renderStorm(results.storm));
  if (results.browser) out.push(renderBrowser(results.browser));

  const problems = [
    ...results.skipped.map((s) => `skipped ${s.server ?? s.bench}: ${s.reason}`),
    ...[results.fanout, results.latency, results.cpu, results.memory].flatMap((r) => r?.failures ?? []),
    ...(results.scaleout?.failures ?? []),
    ...(results.presence?.failures ?? []),
    ...(results.plugins?.failures ?? []),
    ...(results.agents?.failures ?? []),
    ...(results.storm?.failures ?? []),
    ...(results.browser?.failures ?? []),
  ];
  if (problems.length > 0) {
    out.push('## Failures and skips');
    out.push(problems.map((p) => `- ${p.split('\n')[0]}`).join('\n'));
  }
  out.push('See `bench/README.md` for the method; raw samples are in the JSON file of this run.');
  return `${out.join('\n\n')}\n`;
}

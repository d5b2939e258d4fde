/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function and per file,
 * heaviest first. `tsx bench/src/profile/summarizeProfile.ts <file.cpuprofile> [top]`.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One row of the summary. */
export interface ProfileRow {
  name: string;
  selfMs: number;
  share: number;
}

function shortUrl(url: string): string {
  const at = url.lastIndexOf('node_modules/');
  if (at >= 0) return url.slice(at + 'node_modules/'.length).replace(/^\.pnpm\/[^/]+\/node_modules\//, '');
  return url.replace(/^file:\/\/\/work\/main\//, '');
}

/** Frames of the profiling probe itself (stopping the profiler), left out of the summary. */
const PROBE_RE = /profileProbe|node:inspector/;

function frameName(frame: ProfileNode['callFrame']): string {
  const url = shortUrl(frame.url) || '(native)';
  // tsx-compiled sources report line 1 for everything: the name and file are what identify them.
  const line = frame.lineNumber > 0 ? `:${frame.lineNumber + 1}` : '';
  return `${frame.functionName || '(anonymous)'} ${url}${line}`;
}

/**
 * Self time by function and by file, and inclusive time (self + callees) by function, without
 * the probe's own frames (the inspector serializing the profile).
 */
export function summarizeProfile(profile: CpuProfile): {
  total: number;
  byFunction: ProfileRow[];
  byFile: ProfileRow[];
  inclusive: ProfileRow[];
} {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const chain: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined && chain.length < 10_000; at = parent.get(at)) {
      chain.push(byId.get(at)!);
    }
    if (chain.some((node) => PROBE_RE.test(node.callFrame.url))) continue;
    const frame = chain[0]!.callFrame;
    const name = frameName(frame);
    const url = shortUrl(frame.url) || '(native)';
    fn.set(name, (fn.get(name) ?? 0) + us);
    file.set(url, (file.get(url) ?? 0) + us);
    for (const callee of new Set(chain.map((node) => frameName(node.callFrame)))) {
      inclusive.set(callee, (inclusive.get(callee) ?? 0) + us);
    }
    total += us;
  }
  const rows = (m: Map<string, number>): ProfileRow[] =>
    [...m.entries()]
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: total > 0 ? us / total : 0 }))
      .sort((a, b) => b.selfMs - a.selfMs);
  return { total: total / 1000, byFunction: rows(fn), byFile: rows(file), inclusive: rows(inclusive) };
}

/** The text summary `pnpm bench --profile-easel` writes: self by function, inclusive (gateway frames), self by file. */
export function formatProfileSummary(title: string, summary: ReturnType<typeof summarizeProfile>, top = 40): string {
  const pctOf = (row: ProfileRow): string => `${(row.share * 100).toFixed(1).padStart(5)}%`;
  const lines = [`# ${title} — ${summary.total.toFixed(0)} ms sampled (profiler's own frames excluded)`];
  lines.push('## self time by function');
  for (const row of summary.byFunction.slice(0, top)) lines.push(`${pctOf(row)}  ${row.name}`);
  lines.push('## inclusive time (self + callees), gateway/ and bench-relevant frames');
  for (const row of summary.inclusive.filter((r) => r.name.includes('gateway/')).slice(0, top)) {
    lines.push(`${pctOf(row)}  ${row.name}`);
  }
  lines.push('## self time by file');
  for (const row of summary.byFile.slice(0, 30)) lines.push(`${pctOf(row)}  ${row.name}`);
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2];
  if (!path) throw new Error('usage: summarizeProfile.ts <file.cpuprofile> [top]');
  const top = Number(process.argv[3] ?? 30);
  console.log(formatProfileSummary(path, summarizeProfile(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile), top));
}

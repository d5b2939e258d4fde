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

/** Self time by function (`name file:line`) and by file. */
export function summarizeProfile(profile: CpuProfile): {
  total: number;
  byFunction: ProfileRow[];
  byFile: ProfileRow[];
} {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const url = shortUrl(frame.url) || '(native)';
    const name = `${frame.functionName || '(anonymous)'} ${url}:${frame.lineNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    file.set(url, (file.get(url) ?? 0) + us);
    total += us;
  }
  const rows = (m: Map<string, number>): ProfileRow[] =>
    [...m.entries()]
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: total > 0 ? us / total : 0 }))
      .sort((a, b) => b.selfMs - a.selfMs);
  return { total: total / 1000, byFunction: rows(fn), byFile: rows(file) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2];
  if (!path) throw new Error('usage: summarizeProfile.ts <file.cpuprofile> [top]');
  const top = Number(process.argv[3] ?? 30);
  const summary = summarizeProfile(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile);
  console.log(`total sampled: ${summary.total.toFixed(0)} ms`);
  console.log('\n-- self time by function --');
  for (const row of summary.byFunction.slice(0, top))
    console.log(`${(row.share * 100).toFixed(1).padStart(5)}%  ${row.name}`);
  console.log('\n-- self time by file --');
  for (const row of summary.byFile.slice(0, top))
    console.log(`${(row.share * 100).toFixed(1).padStart(5)}%  ${row.name}`);
}

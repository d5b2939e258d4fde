import { markdownTable } from '../lib/markdownTable.ts';
import { STORM_TARGETS, type StormResult } from './StormResult.ts';

const ms = (v: number | null): string => (v === null ? 'never' : `${v.toFixed(0)} ms`);

/** The `latest.md` section of the resume-storm bench. */
export function renderStorm(result: StormResult): string {
  const c = result.config;
  const out = ['## Resume storm: kill -9 + restart under 1000 subscribers'];
  out.push(
    `\`easel serve\` on a data directory; ${c.readers} subscribers of one canvas in a reader process ` +
      '(lightweight readers that resume as `CanvasTransport` does: its backoff tiers, the server’s `retry:` ' +
      'hint, `Last-Event-ID`); one writer numbering its `token.set` commands, one at a time, at most ' +
      `${c.writerRate}/s, each sent again under its \`command_id\` until acknowledged. After ${c.beforeKillMs} ms ` +
      'the gateway gets SIGKILL and is started again on the same port and data. *Caught up*: every subscriber ' +
      'has every update acknowledged before the kill. Then the writer goes on for 1 s and stops; every ' +
      'subscriber must end with every update exactly once, in order (*gaps*, *duplicates*: summed over ' +
      `subscribers; *resets*: a resume the server could not serve). Target: caught up ≤ ${STORM_TARGETS.caughtUpMs} ms ` +
      'after the restarted gateway accepts its first connection (polled over TCP every 5 ms), 0 gaps. The restart itself (process start, module loading, opening the ' +
      'spine) is shown apart.',
  );
  out.push(
    markdownTable(
      [
        'round',
        'load',
        'kill → accepting',
        'accepting → all live',
        'accepting → caught up',
        'kill → caught up',
        'gaps / dup / resets',
        'complete',
        'failed attempts',
      ],
      result.rounds.map((r) => [
        String(r.round),
        r.load.toFixed(1),
        ms(r.restartMs),
        ms(r.allLiveMs),
        `**${ms(r.caughtUpMs)}**`,
        ms(r.killToCaughtUpMs),
        `${r.gaps} / ${r.duplicates} / ${r.resets}`,
        `${r.complete}/${r.readers} (to #${r.lastAcked})`,
        String(r.failedAttempts),
      ]),
    ),
  );
  return out.join('\n\n');
}

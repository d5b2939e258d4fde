/**
 * Preloaded into a server under test (`node --import ./bench/src/profile/loopDelayProbe.ts …`) to
 * see whether its event loop stalls: every second it writes one line to stderr with the
 * event-loop delay (p50 / p99 / max, ms) and the CPU used in that second. Diagnostic only.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 5 });
histogram.enable();
let cpu = process.cpuUsage();
setInterval(() => {
  const used = process.cpuUsage(cpu);
  cpu = process.cpuUsage();
  const ms = (ns: number): string => (ns / 1e6).toFixed(1);
  process.stderr.write(
    `[loop] delay p50 ${ms(histogram.percentile(50))} p99 ${ms(histogram.percentile(99))} max ${ms(histogram.max)} ms; ` +
      `cpu ${((used.user + used.system) / 1e4).toFixed(0)}%\n`,
  );
  histogram.reset();
}, 1000).unref();

/**
 * Preloaded into the Easel gateway by `pnpm bench --profile-easel`
 * (`node --import tsx --import ./bench/src/profile/profileProbe.ts …`): SIGUSR2 starts the V8 CPU
 * profiler, the next SIGUSR2 stops it and writes `<EASEL_BENCH_PROFILE_DIR>/<label>-<pid>-<n>.cpuprofile`,
 * so a profile covers exactly one measurement window (no start-up, no connection ramp).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.EASEL_BENCH_PROFILE_DIR ?? '.';
const label = process.env.EASEL_BENCH_PROFILE_LABEL ?? 'easel';
const session = new Session();
session.connect();
let running = false;
let count = 0;

process.on('SIGUSR2', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () => session.post('Profiler.start'));
    return;
  }
  running = false;
  session.post('Profiler.stop', (error, result) => {
    if (error || !result) return;
    count += 1;
    writeFileSync(join(dir, `${label}-${process.pid}-${count}.cpuprofile`), JSON.stringify(result.profile));
  });
});

/**
 * Issue 2 probe: CPU per `token.set` (a ~200 B value, as the fan-out bench sends) on the gateway's
 * command path, measured in this process with `process.cpuUsage` (every thread, the writer thread
 * included) and the event loop's utilization.
 * - default: `GatewayCore.submit` called directly, closed loop with `--concurrency` in flight:
 *   validate → lens → apply → envelope → durable append (writer thread, FULL sync) → publish on
 *   the bus to one listener. No HTTP, no sockets.
 * - `--full`: the same through the whole composition (`createGateway`: metrics, plugins, jobs…).
 * - `--full --http`: the gateway listens on loopback and the bench's writer client process posts
 *   the commands (64 closed-loop writers); every command then also pays node's HTTP parsing, the
 *   token check, the body read and the answer. `PROF=<file>` writes a V8 CPU profile of the
 *   measured windows (beware: it attributes time the thread waited for a CPU to the frame it was in).
 * `P_ROLE` (default admin) is the writer's role.
 * `pnpm exec tsx bench/src/cpu/commandPathProbe.ts [--commands 20000] [--concurrency 64] [--rounds 3] [--full [--http]]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MemoryBus } from '../../../gateway/src/bus/MemoryBus.ts';
import { GatewayCore } from '../../../gateway/src/core/GatewayCore.ts';
import { createGateway } from '../../../gateway/src/compose.ts';
import { openSqliteSpine } from '../../../gateway/src/spine/openSqliteSpine.ts';
import { benchCommandRate } from '../easel/gatewayEntry.ts';
import { argOption } from '../lib/argOption.ts';
import { markedValue } from '../lib/payload.ts';

const commands = Number(argOption('commands', '20000'));
const concurrency = Number(argOption('concurrency', '64'));
const rounds = Number(argOption('rounds', '3'));
const principal = {
  actorId: 'ada',
  tenantId: 'acme',
  kind: process.env.P_KIND ?? 'human',
  roles: [process.env.P_ROLE ?? 'admin'],
} as const;
const scope = {
  tenant_id: 'acme',
  project_id: 'p1',
  app_id: 'app',
  surface_id: 'main',
  mode: 'edit',
  canvas_id: 'bench',
};

const dir = mkdtempSync(join(tmpdir(), 'easel-cmdprobe-'));
const opened = openSqliteSpine({ path: join(dir, 'easel.db'), durability: 'full' });
if (!opened.ok) throw new Error(opened.error.message);
const bus = new MemoryBus();
let delivered = 0;
bus.subscribe('acme/p1', (batch) => {
  delivered += batch.length;
});
const full = process.argv.includes('--full');
// One writer actor at full speed: the per-actor command rate limit out of reach, its check still paid.
if (full) benchCommandRate();
const gw = full
  ? await createGateway({ spine: opened.value, bus, auth: { secret: 'x'.repeat(32) }, presence: false })
  : null;
const core = gw ? gw.core : await GatewayCore.open({ spine: opened.value, bus });
const created = await core.submit(principal as never, {
  command_id: 'create',
  type: 'canvas.create',
  scope,
  payload: { canvas_type: 'board', title: 'Bench' },
});
if (!created.ok) throw new Error(JSON.stringify(created.error));

let seq = 0;
async function run(total: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      const n = seq++;
      const text = JSON.stringify({
        command_id: `run-${n}`,
        type: 'token.set',
        scope,
        payload: { token_id: 'plan.note', value: markedValue(n, 'plan.note') },
      });
      const r = await core.submit(principal as never, JSON.parse(text));
      if (!r.ok) throw new Error(JSON.stringify(r.error));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

if (process.argv.includes('--http')) {
  if (!gw) throw new Error('--http needs --full');
  const { ClientProcess } = await import('../client/ClientProcess.ts');
  const { signJwt } = await import('../easel/signJwt.ts');
  const { sleep } = await import('../lib/sleep.ts');
  const addr = await gw.listen(0, '127.0.0.1');
  const token = signJwt(
    { sub: 'w', tenant_id: 'acme', kind: 'agent', roles: [process.env.P_ROLE ?? 'admin'] },
    'x'.repeat(32),
  );
  const writers = ClientProcess.start(join(import.meta.dirname, '../../..'));
  await writers.startLoad({
    writer: {
      url: `${addr.url}/v1/commands`,
      headers: { authorization: `Bearer ${token}` },
      body: { kind: 'easel', scope, runId: 'h', tokenIds: ['plan.note'] },
    },
    concurrency: 64,
  } as never);
  await sleep(1500);
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  if (process.env.PROF) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  for (let r = 0; r < rounds; r++) {
    const d0 = delivered;
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    await sleep(3000);
    const ms = performance.now() - t0;
    const n = delivered - d0;
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    console.log(
      `http round ${r + 1}: ${((n / ms) * 1000).toFixed(0)} commands/s; CPU per command ${((cpu.user + cpu.system) / n).toFixed(1)} µs (user ${(cpu.user / n).toFixed(1)}, sys ${(cpu.system / n).toFixed(1)}); main busy per command ${((elu.active * 1000) / n).toFixed(1)} µs, ELU ${(elu.utilization * 100).toFixed(0)} %`,
    );
  }
  if (process.env.PROF) {
    const { profile } = await session.post('Profiler.stop');
    (await import('node:fs')).writeFileSync(process.env.PROF, JSON.stringify(profile));
  }
  await writers.stopLoad();
  await writers.stop();
} else await run(3000); // warm-up
for (let r = 0; r < rounds; r++) {
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  await run(commands);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  console.log(
    `round ${r + 1}: ${((commands / ms) * 1000).toFixed(0)} commands/s; process CPU per command ` +
      `${((cpu.user + cpu.system) / commands).toFixed(1)} µs (user ${(cpu.user / commands).toFixed(1)}, sys ${(cpu.system / commands).toFixed(1)}); ` +
      `main thread busy per command ${((elu.active * 1000) / commands).toFixed(1)} µs`,
  );
}
console.log(`delivered ${delivered}`);
if (gw) await gw.close();
else {
  await core.close();
  await bus.close();
  await opened.value.close();
}
rmSync(dir, { recursive: true, force: true });

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { benchSchemaName, hostTag, parseBenchSchemaName, processAlive, staleBenchSchemas } from './benchSchemaName.ts';

describe('benchSchemaName (throwaway PostgreSQL schema per run)', () => {
  it('names a fresh, valid, unquoted identifier carrying host and pid', () => {
    const a = benchSchemaName(4242, 'abc123');
    const b = benchSchemaName(4242, 'abc123');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z_][a-z0-9_]*$/);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(parseBenchSchemaName(a)).toEqual({ host: 'abc123', pid: 4242 });
  });

  it('parses only its own names', () => {
    expect(parseBenchSchemaName('easel')).toBeNull();
    expect(parseBenchSchemaName('easel_bench_64ea7d7512')).toBeNull();
    expect(parseBenchSchemaName('easel_t_0123456789ab')).toBeNull();
    expect(parseBenchSchemaName('easel_scaleout_abc123_12_zzzzzzzz')).toBeNull();
  });

  it('sweeps only dead processes of this host', () => {
    const host = hostTag('machine-a');
    const other = hostTag('machine-b');
    expect(host).not.toBe(other);
    const live = benchSchemaName(1, host);
    const dead = benchSchemaName(2, host);
    const foreign = benchSchemaName(2, other);
    const stale = staleBenchSchemas([live, dead, foreign, 'easel', 'public'], host, (pid) => pid === 1);
    expect(stale).toEqual([dead]);
  });

  it('tells a running process from an exited one', () => {
    expect(processAlive(process.pid)).toBe(true);
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    expect(processAlive(Number(child.stdout.toString()))).toBe(false);
  });
});

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { alive, waitFor } from '../testing/pluginTestKit.ts';
import { descendantPids, killProcessTree } from './killProcessTree.ts';

/** Starts `sh` with two background sleeps (one of them a grandchild) and waits until all are there. */
async function startTree(): Promise<{ root: number; descendants: number[] }> {
  const child = spawn('sh', ['-c', 'sleep 30 & (sleep 30 & wait) & wait'], { stdio: 'ignore' });
  child.on('error', () => {});
  const root = child.pid ?? 0;
  let descendants: number[] = [];
  await waitFor(() => {
    descendants = descendantPids(root);
    return descendants.length >= 3;
  }, 3000);
  return { root, descendants };
}

describe('[CONTRACT 9] killing a plugin process and what it started', () => {
  it.runIf(process.platform === 'linux')(
    '[CONTRACT 9] descendantPids finds children and grandchildren; killProcessTree kills them all',
    async () => {
      const { root, descendants } = await startTree();
      // sleep, the subshell, and the subshell's sleep
      expect(descendants.length).toBeGreaterThanOrEqual(3);
      expect(descendants).not.toContain(root);
      for (const pid of [root, ...descendants]) expect(alive(pid)).toBe(true);
      expect(killProcessTree(root)).toBe(1 + descendants.length);
      for (const pid of [root, ...descendants]) {
        expect(await waitFor(() => !alive(pid), 2000)).toBe(true);
      }
    },
  );

  it('[CONTRACT 9] a pid without children has no descendants; a gone pid is no error', () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    child.on('error', () => {});
    const pid = child.pid ?? 0;
    expect(descendantPids(pid)).toEqual([]);
    expect(killProcessTree(pid)).toBe(1);
    expect(descendantPids(2 ** 22 + 17)).toEqual([]);
    expect(killProcessTree(2 ** 22 + 17)).toBe(0);
  });

  it.runIf(process.platform === 'linux')('[CONTRACT 9] the number of descendants collected is bounded', async () => {
    const { root } = await startTree();
    expect(descendantPids(root, 1)).toHaveLength(1);
    killProcessTree(root);
  });
});

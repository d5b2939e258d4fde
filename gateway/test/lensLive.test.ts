import { describe, expect, it } from 'vitest';
import { api } from './harness/api.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';
import { type SseFrame, SseClient } from './harness/SseClient.ts';
import { plannerLensPolicy } from './harness/plannerLensPolicy.ts';

const env = gatewayPerFile({
  admin: { tenant: 'acme', sub: 'ann' },
  planner: { tenant: 'acme', sub: 'pat', roles: ['planner'] },
});

const policy = plannerLensPolicy;

/** PUT the project's lens with `policy(plannerReads)` as admin; returns the HTTP status. */
async function putPolicy(project: string, plannerReads: string[]): Promise<number> {
  const res = await api(env.gateway.url, 'PUT', `/v1/projects/${project}/lens`, {
    token: env.tokens.admin,
    body: policy(plannerReads),
  });
  return res.status;
}

const patchOf = (f: SseFrame) =>
  f.event === 'token_patch' ? `${f.json.payload.token_id}=${f.json.payload.value}` : null;

describe('TokenLens on a live stream', () => {
  it('[CONTRACT 6] a lens policy change is applied to an open stream at once, without a reconnect', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'lenslive', 'c1');
    const project = scope.project_id!;
    await env.world.commit(env.tokens.admin, 'token.set', scope, { token_id: 'plan.title', value: 'p0' });
    await env.world.commit(env.tokens.admin, 'token.set', scope, { token_id: 'style.color', value: '#abcdef' });
    expect(await putPolicy(project, ['plan.*'])).toBe(200);
    const s = new SseClient(env.world.streamUrl(scope), { token: env.tokens.planner });
    try {
      const first = await s.waitFor((f) => f.event === 'CANVAS_READY');
      expect(first.json.payload.snapshot.tokens).toHaveProperty('plan.title', 'p0');
      expect(first.json.payload.snapshot.tokens).not.toHaveProperty('style.color');
      await env.world.commit(env.tokens.admin, 'token.set', scope, { token_id: 'plan.title', value: 'p1' });
      await env.world.commit(env.tokens.admin, 'token.set', scope, { token_id: 'style.color', value: '#000001' });
      await s.waitFor((f) => patchOf(f) === 'plan.title=p1');

      // Widen: the planner may now read style.* too — the open stream gets a fresh snapshot.
      expect(await putPolicy(project, ['plan.*', 'style.*'])).toBe(200);
      const widened = await s.waitFor((f) => f.event === 'CANVAS_READY' && f.json.payload.reason === 'lens_changed');
      expect(widened.json.payload.reset).toBe(true);
      expect(widened.json.payload.snapshot.tokens).toHaveProperty('style.color', '#000001');
      await env.world.commit(env.tokens.admin, 'token.set', scope, { token_id: 'style.color', value: '#000002' });
      await s.waitFor((f) => patchOf(f) === 'style.color=#000002');

      // Narrow: plan.* is hidden again; what follows never reaches the stream.
      expect(await putPolicy(project, ['style.*'])).toBe(200);
      await s.until(
        () => s.frames.filter((f) => f.event === 'CANVAS_READY').length === 3,
        5000,
        'the third CANVAS_READY',
      );
      const narrowed = s.frames.filter((f) => f.event === 'CANVAS_READY')[2]!;
      expect(narrowed.json.payload.snapshot.tokens).not.toHaveProperty('plan.title');
      await env.world.commit(env.tokens.admin, 'token.set', scope, { token_id: 'plan.title', value: 'secret-p2' });
      await env.world.commit(env.tokens.admin, 'token.set', scope, { token_id: 'style.color', value: '#000003' });
      await s.waitFor((f) => patchOf(f) === 'style.color=#000003');
      expect(s.frames.some((f) => f.data.includes('secret-p2'))).toBe(false);
      expect(s.frames.some((f) => f.data.includes('#000001') && f.event === 'token_patch')).toBe(false);
      expect(s.ended).toBe(false);
      expect(s.frames.map(patchOf).filter(Boolean)).toEqual([
        'plan.title=p1',
        'style.color=#000002',
        'style.color=#000003',
      ]);
    } finally {
      s.close();
    }
  });
});

import { CONTRACT_EXAMPLE_LENS_POLICY } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import { canSendCommand, canWriteAnyRoot, canWriteToken, effectivePermissions } from './effectivePermissions.ts';

describe('effectivePermissions (contract §6)', () => {
  it('[CONTRACT 6] a planner under the §6 policy writes plan.* tokens and the notes root only', () => {
    const p = effectivePermissions(CONTRACT_EXAMPLE_LENS_POLICY, ['planner']);
    expect(canWriteToken(p, 'plan.title')).toBe(true);
    expect(canWriteToken(p, 'style.accent')).toBe(false);
    expect(canWriteAnyRoot(p, ['notes', 'layout'])).toBe(true);
    expect(canWriteAnyRoot(p, ['layout'])).toBe(false);
    expect(canSendCommand(p, 'chat.send')).toBe(true);
    expect(canSendCommand(p, 'canvas.commit')).toBe(false);
  });

  it('[CONTRACT 6] without a policy, viewers read everything and write nothing; unknown roles get nothing', () => {
    const viewer = effectivePermissions(null, ['viewer']);
    expect(viewer.tokens.read).toEqual(['*']);
    expect(canWriteToken(viewer, 'plan.title')).toBe(false);
    expect(canWriteAnyRoot(viewer, ['notes'])).toBe(false);
    const stranger = effectivePermissions(null, ['stranger']);
    expect(stranger.tokens.read).toEqual([]);
    expect(stranger.commands).toEqual([]);
  });

  it('[CONTRACT 6] permissions are the union over roles; admin keeps every right', () => {
    const both = effectivePermissions(CONTRACT_EXAMPLE_LENS_POLICY, ['planner', 'director']);
    expect(both.tokens.write).toEqual(['*']);
    const admin = effectivePermissions(
      {
        roles: {
          viewer: {
            tokens: { read: [], write: [] },
            state: { read: [], write: [] },
            sidecars: { see: false, resolve: false },
            commands: [],
          },
        },
      },
      ['admin'],
    );
    expect(canWriteToken(admin, 'anything')).toBe(true);
  });

  it('[CONTRACT 6] default_role applies when none of the roles is listed', () => {
    const p = effectivePermissions({ ...CONTRACT_EXAMPLE_LENS_POLICY, default_role: 'planner' }, ['nobody']);
    expect(canWriteToken(p, 'plan.x')).toBe(true);
    expect(canWriteToken(p, 'style.x')).toBe(false);
  });
});

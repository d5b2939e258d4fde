import { describe, expect, it } from 'vitest';
import { describeZodError } from '../errors/describeZodError.ts';
import { batchRequestSchema, MAX_BATCH_COMMANDS } from './batchRequestSchema.ts';
import { commandSchema } from './commandSchema.ts';
import { MAX_STATE_UPDATE_BYTES } from './payloads/stateUpdateCommandPayloadSchema.ts';

const scope = {
  tenant_id: 'acme',
  project_id: 'demo',
  app_id: 'host',
  surface_id: 'main',
  mode: 'edit',
  canvas_id: 'c1',
};

function body(type: string, payload: unknown, extra: Record<string, unknown> = {}) {
  return { command_id: '01J9ZQ5W8XKQ3N4M5P6R7S8T9V', type, scope, payload, ...extra };
}

/** The validation message for `input`, or '' when it parses. */
function messageOf(input: unknown): string {
  const r = commandSchema.safeParse(input);
  return r.success ? '' : describeZodError(r.error).message;
}

describe('[CONTRACT 5] commands validate and name the failing field', () => {
  it('accepts every v1 command type', () => {
    const good = [
      body('canvas.create', { canvas_type: 'board', title: 'Plan' }),
      body('token.set', { token_id: 'plan.title', value: 'Hello' }),
      body('token.delete', { token_id: 'plan.title' }),
      body('state.update', { update: 'AQID' }),
      body('state.ops', { ops: [{ op: 'insert', root: 'notes', key: 'n1', value: { text: 'hi' } }] }),
      body('canvas.commit', { message: 'first draft' }),
      body('canvas.revert', { revision: 0 }),
      body('chat.send', { text: 'tidy the board' }),
      body('turn.cancel', { turn_id: 't-1' }),
      body('token.set', { token_id: 'style.color', value: '#fff' }, { expected_revision: 3 }),
    ];
    for (const input of good) expect(messageOf(input), JSON.stringify(input)).toBe('');
  });

  it('[CONTRACT 1] a canvas command without scope.canvas_id names scope.canvas_id', () => {
    const { canvas_id: _omit, ...noCanvas } = scope;
    expect(messageOf({ ...body('canvas.create', { canvas_type: 'board' }), scope: noCanvas })).toBe(
      'scope.canvas_id: required',
    );
  });

  it('[CONTRACT 1] a malformed scope field names it and the rule', () => {
    expect(messageOf({ ...body('token.delete', { token_id: 'a' }), scope: { ...scope, project_id: 'Demo!' } })).toBe(
      'scope.project_id: must be a slug matching ^[a-z0-9][a-z0-9_.-]{0,63}$',
    );
    const { app_id: _omit, ...noApp } = scope;
    expect(messageOf({ ...body('token.delete', { token_id: 'a' }), scope: noApp })).toBe('scope.app_id: required');
    expect(
      messageOf({ ...body('token.delete', { token_id: 'a' }), scope: { ...scope, canvas_id: 'Not A Slug' } }),
    ).toMatch(/^scope\.canvas_id: must be a slug .* or a ULID/);
  });

  it('refuses unknown top-level keys, naming them', () => {
    expect(messageOf(body('chat.send', { text: 'x' }, { actor: 'me', extra: 1 }))).toBe(
      'actor: unknown field; remove it; extra: unknown field; remove it',
    );
  });

  it('names an unknown type and lists the known ones', () => {
    expect(messageOf(body('canvas.delete', {}))).toMatch(
      /^type: must be one of canvas\.create, token\.set, .*turn\.cancel$/,
    );
    const { type: _omit, ...noType } = body('chat.send', { text: 'x' });
    expect(messageOf(noType)).toMatch(/^type: must be one of /);
  });

  it('names missing and malformed top-level fields', () => {
    const { command_id: _omit, ...noId } = body('chat.send', { text: 'x' });
    expect(messageOf(noId)).toBe('command_id: required');
    expect(messageOf(body('chat.send', { text: 'x' }, { command_id: 'has space' }))).toMatch(
      /^command_id: must be an id matching/,
    );
    expect(messageOf(body('chat.send', { text: 'x' }, { expected_revision: -1 }))).toBe(
      'expected_revision: must be an integer >= 0',
    );
    expect(messageOf(body('chat.send', { text: 'x' }, { expected_revision: 1.5 }))).toMatch(/^expected_revision: /);
    expect(messageOf(42)).toBe('(body): must be an object (got number)');
  });

  it('names payload fields', () => {
    expect(messageOf(body('canvas.create', {}))).toBe('payload.canvas_type: required');
    expect(messageOf(body('token.set', { token_id: 'plan.title' }))).toBe('payload.value: required');
    expect(messageOf(body('token.set', { token_id: 'Plan Title', value: 1 }))).toMatch(
      /^payload\.token_id: must be a token id/,
    );
    expect(messageOf(body('canvas.commit', { message: '' }))).toBe('payload.message: must not be empty');
    expect(messageOf(body('canvas.commit', { message: 'x'.repeat(501) }))).toBe(
      'payload.message: must be at most 500 characters',
    );
    expect(messageOf(body('canvas.revert', { revision: -2 }))).toBe('payload.revision: must be an integer >= 0');
    expect(messageOf(body('canvas.revert', {}))).toBe('payload.revision: required');
    expect(messageOf(body('chat.send', { text: 'x', model: 'y' }))).toBe('payload.model: unknown field; remove it');
  });

  it('state.update: base64, non-empty, at most 64 KiB decoded', () => {
    expect(messageOf(body('state.update', { update: '' }))).toBe('payload.update: must not be empty');
    expect(messageOf(body('state.update', { update: 'not base64!' }))).toMatch(
      /^payload\.update: must be standard base64/,
    );
    const exact = Buffer.alloc(MAX_STATE_UPDATE_BYTES, 7).toString('base64');
    expect(messageOf(body('state.update', { update: exact }))).toBe('');
    const over = Buffer.alloc(MAX_STATE_UPDATE_BYTES + 1, 7).toString('base64');
    expect(messageOf(body('state.update', { update: over }))).toMatch(
      /^payload\.update: must decode to at most 65536 bytes \(64 KiB\)/,
    );
  });

  it('state.ops: 1..500 typed ops, each path named', () => {
    expect(messageOf(body('state.ops', { ops: [] }))).toBe('payload.ops: must hold at least one op');
    const many = Array.from({ length: 501 }, () => ({ op: 'move', root: 'layers', from: 0, to: 1 }));
    expect(messageOf(body('state.ops', { ops: many }))).toMatch(/^payload\.ops: must hold at most 500 ops/);
    expect(messageOf(body('state.ops', { ops: [{ op: 'explode', root: 'notes' }] }))).toBe(
      'payload.ops[0].op: must be one of insert, update, delete, move',
    );
    expect(messageOf(body('state.ops', { ops: [{ op: 'update', root: 'notes', value: 1 }] }))).toBe(
      'payload.ops[0].key: required: key (map root) or index (array/text root)',
    );
    expect(
      messageOf(body('state.ops', { ops: [{ op: 'insert', root: 'notes', key: 'a', index: 1, value: 1 }] })),
    ).toMatch(/^payload\.ops\[0\]\.index: give key .* not both$/);
    expect(messageOf(body('state.ops', { ops: [{ op: 'delete', root: 'notes', key: 'a', length: 2 }] }))).toBe(
      'payload.ops[0].length: length needs index',
    );
    expect(messageOf(body('state.ops', { ops: [{ op: 'insert', root: '9lives', value: 1 }] }))).toMatch(
      /^payload\.ops\[0\]\.root: must be a root name/,
    );
    expect(
      messageOf(
        body('state.ops', {
          ops: [
            { op: 'insert', root: 'text', index: 0, value: 'hello' },
            { op: 'delete', root: 'text', index: 0, length: 2 },
            { op: 'update', root: 'notes', key: 'n1', path: ['style', 'color'], value: 'red' },
            { op: 'move', root: 'layers', from: 2, to: 0 },
          ],
        }),
      ),
    ).toBe('');
  });

  it('[CONTRACT 5] batch: 1..500 commands; item errors carry the item path', () => {
    const one = body('chat.send', { text: 'x' });
    expect(batchRequestSchema.safeParse({ commands: [one] }).success).toBe(true);
    expect(batchRequestSchema.safeParse({ commands: [] }).success).toBe(false);
    expect(
      batchRequestSchema.safeParse({ commands: Array.from({ length: MAX_BATCH_COMMANDS + 1 }, () => one) }).success,
    ).toBe(false);
    const bad = batchRequestSchema.safeParse({ commands: [one, { ...one, scope: { ...scope, mode: '' } }] });
    expect(bad.success).toBe(false);
    if (!bad.success)
      expect(describeZodError(bad.error).message).toMatch(/^commands\[1\]\.scope\.mode: must be a slug/);
  });
});

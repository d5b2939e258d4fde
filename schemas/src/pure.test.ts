import { describe, expect, it } from 'vitest';
import * as index from './index.ts';
import * as pure from './pure.ts';

describe('@easel/schemas/pure', () => {
  it('is a part of @easel/schemas: every pure export is the same value on the main entry', () => {
    const main = new Map(Object.entries(index));
    const entries = Object.entries(pure);
    expect(entries.length).toBeGreaterThan(0);
    for (const [name, value] of entries) expect(main.get(name), name).toBe(value);
  });

  it('exports no zod schema objects', () => {
    for (const [name, value] of Object.entries(pure)) {
      expect(name.endsWith('Schema'), name).toBe(false);
      expect(typeof (value as { safeParse?: unknown })?.safeParse, name).not.toBe('function');
    }
  });
});

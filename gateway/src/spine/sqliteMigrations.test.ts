import { join } from 'node:path';
import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, newEpoch, SQLITE_MIGRATIONS, type SqliteMigration } from './sqliteMigrations.ts';
import { openSqliteSpine } from './openSqliteSpine.ts';
import { tempDir } from './sqliteTestHarness.ts';

const addTags: SqliteMigration = {
  id: '0002-test-add-tags',
  up(db) {
    db.exec('ALTER TABLE records ADD COLUMN tags TEXT');
  },
};

describe('SQLite spine migrations', () => {
  const removers: Array<() => void> = [];
  afterEach(() => {
    for (const remove of removers.splice(0)) remove();
  });
  function open(): { db: Database.Database; path: string } {
    const { dir, remove } = tempDir();
    removers.push(remove);
    const path = join(dir, 'm.db');
    return { db: new Database(path), path };
  }
  const tables = (db: Database.Database) =>
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").raw().all() as string[][]).map(
      (r) => r[0],
    );

  it('[SPINE] ids are unique and the list starts with 0001-initial', () => {
    const ids = SQLITE_MIGRATIONS.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe('0001-initial');
  });

  it('[SPINE] a new file gets every table, schema_version and an epoch; applying again changes nothing', () => {
    const { db } = open();
    const first = applyMigrations(db);
    expect(first.ok && first.value.applied).toEqual(['0001-initial']);
    expect(tables(db)).toEqual(['commands', 'events', 'meta', 'migrations', 'records', 'snapshots']);
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").raw().get()).toEqual(['1']);
    const again = applyMigrations(db);
    expect(again.ok && again.value.applied).toEqual([]);
    expect(again.ok && first.ok && again.value.epoch === first.value.epoch).toBe(true);
    db.close();
  });

  it('[SPINE] a later migration is applied once, in order, keeping the data', () => {
    const { db } = open();
    applyMigrations(db);
    db.exec(`INSERT INTO records (kind, key, value) VALUES ('k', 'a', 'v')`);
    const next = applyMigrations(db, [...SQLITE_MIGRATIONS, addTags]);
    expect(next.ok && next.value).toMatchObject({ applied: ['0002-test-add-tags'], schemaVersion: 2 });
    expect(db.prepare('SELECT key, value, tags FROM records').raw().all()).toEqual([['a', 'v', null]]);
    const ids = db.prepare('SELECT version, id FROM migrations ORDER BY version').raw().all();
    expect(ids).toEqual([
      [1, '0001-initial'],
      [2, '0002-test-add-tags'],
    ]);
    db.close();
  });

  it('[SPINE] a failing migration rolls back whole and is an open_failed value', () => {
    const { db } = open();
    applyMigrations(db);
    const broken: SqliteMigration = {
      id: '0002-test-broken',
      up(d) {
        d.exec('CREATE TABLE half_done (x INTEGER)');
        d.exec('SELECT * FROM no_such_table');
      },
    };
    const result = applyMigrations(db, [...SQLITE_MIGRATIONS, broken]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code: 'open_failed' });
    expect(tables(db)).not.toContain('half_done');
    expect(db.prepare('SELECT count(*) FROM migrations').raw().get()).toEqual([1]);
    expect(db.inTransaction).toBe(false);
    db.close();
  });

  it('[SPINE] a file from a newer build, or with a different history, is refused', () => {
    const { db, path } = open();
    applyMigrations(db, [...SQLITE_MIGRATIONS, addTags]);
    const older = applyMigrations(db);
    expect(!older.ok && older.error.message).toMatch(/newer than this build/);
    const renamed = applyMigrations(db, [...SQLITE_MIGRATIONS, { ...addTags, id: '0002-other' }]);
    expect(!renamed.ok && renamed.error.message).toMatch(/expected "0002-other"/);
    db.close();
    const opened = openSqliteSpine({ path });
    expect(opened.ok).toBe(false);
    if (!opened.ok) expect(opened.error.code).toBe('open_failed');
  });

  it('[SPINE] epochs are 12 characters of [a-z0-9] and do not repeat', () => {
    const seen = new Set(Array.from({ length: 200 }, newEpoch));
    expect(seen.size).toBe(200);
    for (const epoch of seen) expect(epoch).toMatch(/^[a-z0-9]{12}$/);
  });
});

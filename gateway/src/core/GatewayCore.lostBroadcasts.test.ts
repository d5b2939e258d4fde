import { afterEach, describe, expect, it } from 'vitest';
import { BUS_DISCONNECTED_TOPIC, BUS_RESYNC_TOPIC } from './bus/EventBus.ts';
import { MemoryBus } from '../bus/MemoryBus.ts';
import { GatewayCore } from './GatewayCore.ts';
import type { ProposalCommit } from './commands/ProposalCommit.ts';
import { ADMIN, command, EDITOR, scopeOf } from './testing/coreHarness.ts';
import { MemorySpine } from './testing/MemorySpine.ts';
import { CLOSED, docCanvasOn, eventually, OPEN, sleep, twoMemoryNodes } from './testing/lostBroadcastFixtures.ts';
import { DOC_V11 } from './testing/docTypeVersions.ts';

/**
 * Two nodes on one shared log, each with its own in-process bus: every broadcast between them is
 * lost (as in a Redis outage). What another node changed must still hold here: in write turns
 * (which re-read the lens), while the bus says it is down (periodic re-checks) and after it is
 * back (`BUS_RESYNC_TOPIC`).
 */
let cores: GatewayCore[] = [];

afterEach(async () => {
  await Promise.all(cores.map((c) => c.close()));
  cores = [];
});

/** The durable change marker's poll (which would also find every lost change) is off (60 s): these
 * tests prove the bus-signalled re-checks alone; `GatewayCore.lostPublish.test.ts` the marker. */
const twoNodes = () => twoMemoryNodes(cores, { busDownRecheckMs: 50, changePollMs: 60_000 }, () => new MemoryBus());

function proposal(commandId: string, key: string): ProposalCommit {
  return {
    principal: EDITOR,
    actor: { id: 'agent:test', kind: 'agent' },
    scope: scopeOf('c1'),
    commandId,
    ops: [{ op: 'insert', root: 'notes', key, value: { id: key, text: 'hi', column: 'todo' } }],
    message: 'agent change',
    outcomeEvents: [{ type: 'commit_succeeded', payload: {} }],
  };
}

describe('GatewayCore on a shared spine with lost broadcasts', () => {
  it('[CONTRACT 6] an agent proposal is judged by the lens policy in force in its write turn (a PUT answered by another node)', async () => {
    const { log, a, b } = await twoNodes();
    expect((await a.putLensPolicy(ADMIN, 'p1', OPEN)).ok).toBe(true);
    expect((await b.submit(ADMIN, command('canvas.create', scopeOf('c1'), { canvas_type: 'board' }))).ok).toBe(true);
    // Node b caches the open policy: the editor's proposal commits.
    const first = await b.commitProposal(proposal('prop-1', 'n1'));
    expect(first.ok && first.value.status).toBe('committed');
    // Node a takes state.ops away; its broadcast never reaches b.
    expect((await a.putLensPolicy(ADMIN, 'p1', CLOSED)).ok).toBe(true);
    const head = await log.backing.head('acme/p1');
    const refused = await b.commitProposal(proposal('prop-2', 'n2'));
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error).toEqual({
      code: 'forbidden',
      message: "your roles may not run command 'state.ops'; nothing was applied",
      details: { type: 'state.ops' },
    });
    expect(await log.backing.head('acme/p1')).toBe(head);
    const read = await a.readCanvas(ADMIN, scopeOf('c1'));
    expect(read.ok && Object.keys(read.value.state.notes as object)).toEqual(['n1']);
  });

  it('[CONTRACT 6] while the bus is down, a node that runs no write turn learns a lens PUT answered by another node; it stops looking once the bus is back', async () => {
    const { a, b, busB } = await twoNodes();
    expect((await b.lensView(EDITOR, 'acme/p1')).canRunCommand('state.ops')).toBe(true); // the default, cached
    const changed: string[] = [];
    b.onLensChanged((p) => changed.push(p));
    busB.broadcast(BUS_DISCONNECTED_TOPIC, '');
    expect((await a.putLensPolicy(ADMIN, 'p1', CLOSED)).ok).toBe(true);
    expect(await eventually(() => changed.length > 0)).toBe(true);
    expect(changed).toEqual(['acme/p1']);
    expect((await b.lensView(EDITOR, 'acme/p1')).canRunCommand('state.ops')).toBe(false);

    // The bus is back: no more periodic checks (a later lost broadcast waits for the next resync).
    busB.broadcast(BUS_RESYNC_TOPIC, '');
    await sleep(100);
    changed.length = 0;
    expect((await b.lensView(EDITOR, 'acme/p1')).canRunCommand('state.ops')).toBe(false);
    expect((await a.putLensPolicy(ADMIN, 'p1', OPEN)).ok).toBe(true);
    await sleep(300);
    expect(changed).toEqual([]);
    busB.broadcast(BUS_RESYNC_TOPIC, '');
    expect(await eventually(() => changed.length > 0)).toBe(true);
    expect((await b.lensView(EDITOR, 'acme/p1')).canRunCommand('state.ops')).toBe(true);
  });

  it('[SCALE-OUT] a single-node spine does not re-check while the bus is down (nothing else writes to it)', async () => {
    const spine = new MemorySpine();
    let lists = 0;
    const listRecords = spine.listRecords.bind(spine);
    spine.listRecords = (kind, prefix) => {
      lists += 1;
      return listRecords(kind, prefix);
    };
    const bus = new MemoryBus();
    const core = await GatewayCore.open({ spine, bus, limits: { busDownRecheckMs: 20 } });
    cores.push(core);
    await core.lensView(EDITOR, 'acme/p1');
    bus.broadcast(BUS_DISCONNECTED_TOPIC, '');
    await sleep(200);
    expect(lists).toBe(0);
  });

  for (const signal of [BUS_RESYNC_TOPIC, BUS_DISCONNECTED_TOPIC]) {
    it(`[CONTRACT 5] a canvas type re-registered through another node, its broadcast lost, holds here after '${signal}': manifest and open canvases' text fields`, async () => {
      const { log, a, b, busB } = await twoNodes();
      // Only node b holds the canvas (and the type, cached); its blocks' texts are plain strings.
      const { scope: s, revision } = await docCanvasOn(a, b);

      expect((await a.putCanvasType(ADMIN, 'p1', 'doc', DOC_V11)).ok).toBe(true);
      const onB = async () => {
        const got = await b.getCanvasType(ADMIN, 'p1', 'doc');
        return got.ok ? got.value.version : null;
      };
      expect(await onB()).toBe('1.0.0'); // stale: the broadcast was lost

      busB.broadcast(signal, '');
      expect(await eventually(async () => (await onB()) === '1.1.0')).toBe(true);
      // Node b's canvas adopted the text fields and converted its plain string (once, by the gateway).
      const converted = async () => {
        const events = await log.backing.read('acme/p1', 0, { canvasId: 'd1', limit: 100 });
        return events.filter((e) => JSON.parse(e.envelope).actor?.id === 'easel-gateway');
      };
      expect(await eventually(async () => (await converted()).length > 0)).toBe(true);
      const read = await b.readCanvas(ADMIN, s);
      expect(read.ok && read.value.revision).toBe(revision + 1);
      expect((await converted()).map((e) => e.type)).toEqual(['state_patch']);
    });
  }
});

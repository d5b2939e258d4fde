import type { Actor, CanvasTypeManifest, Scope } from '@easel/schemas';
import type { AppendContext } from '../commands/appendDurableEvents.ts';
import { chainAppend } from '../commands/chainAppend.ts';
import { type PlannedEvent, statePatch } from '../commands/commandEffects.ts';
import { sizedEnvelopes } from '../commands/sizedEnvelopes.ts';
import { toBusEvents } from '../commands/toBusEvents.ts';
import type { EventSpine, PartitionId } from '../spine/EventSpine.ts';
import type { CanvasDoc } from './CanvasDoc.ts';
import type { CanvasRegistry } from './CanvasRegistry.ts';
import { hasTextFieldsIn } from './mergeTextFields.ts';
import { convertPlainTextFields, findPlainTextFields, groupPlainTextFields } from './plainTextFields.ts';

/** The actor of the conversion events: the gateway itself (as CANVAS_READY and turn recovery). */
export const TEXT_FIELD_UPGRADE_ACTOR: Actor = Object.freeze({ id: 'easel-gateway', kind: 'service' }) as Actor;

/** What {@link TextFieldUpgrades} needs: what appending needs, the canvases and the registered types. */
export interface TextFieldUpgradesDeps extends AppendContext {
  readonly canvases: CanvasRegistry;
  /** The currently registered manifest of a canvas type in a partition (null: unknown). */
  readonly manifestOf: (partition: PartitionId, type: string) => Promise<CanvasTypeManifest | null>;
}

/**
 * Upgrades canvases created before their type declared `text_fields` (WIRE-NOTES "Text fields"):
 * a canvas adopts the `text_fields` of the currently registered manifest of its type, and every
 * plain string at a text field becomes a Y.Text holding the same text, in server transactions
 * appended as `state_patch` events by the gateway's actor (revision +1 each; one event per root
 * and size group, all in one append), published to subscribers like any command's.
 *
 * When: on load (before the canvas is installed, so no command or reader sees it unconverted) and
 * when its type is (re-)registered while it is loaded. Ordering: the find-convert-append step is
 * synchronous (no await), like a command's apply-and-append, and on shared spines runs inside the
 * partition's write turn after catching the canvas up, so it applies to the authoritative doc
 * between two commands and another node's conversion is seen before converting. Idempotent: a
 * canvas without plain strings at text fields appends nothing and changes nothing.
 */
export class TextFieldUpgrades {
  /** Canvases whose conversion could not be stored in this process (not retried until restart). */
  private readonly refused = new Set<string>();

  constructor(private readonly deps: TextFieldUpgradesDeps) {}

  /** The {@link CanvasRegistry} load hook. Never throws. */
  readonly onLoad = async (canvas: CanvasDoc, convert: boolean): Promise<void> => {
    try {
      const manifest = await this.deps.manifestOf(canvas.partition, canvas.canvasType);
      canvas.adoptTextFields(manifest?.text_fields);
      if (convert) await this.upgrade(canvas);
    } catch (err) {
      this.deps.logger?.warn(
        { err, canvas: canvas.canvasId },
        'text field upgrade failed; the canvas keeps its strings',
      );
    }
  };

  /** A canvas type was (re-)registered: upgrades the loaded canvases of that type. Never throws. */
  async typeRegistered(partition: PartitionId, type: string): Promise<void> {
    try {
      const loaded = this.deps.canvases.loadedIn(partition).filter((c) => c.canvasType === type);
      if (loaded.length === 0) return;
      const manifest = await this.deps.manifestOf(partition, type);
      for (const canvas of loaded) {
        canvas.adoptTextFields(manifest?.text_fields);
        await this.upgrade(canvas);
      }
    } catch (err) {
      this.deps.logger?.warn({ err, partition, type }, 'text field upgrade failed; canvases keep their strings');
    }
  }

  /** Converts a canvas's plain strings at text fields, if any (see the class comment). */
  private async upgrade(canvas: CanvasDoc): Promise<void> {
    if (!hasTextFieldsIn(canvas.textFields) || this.refused.has(keyOf(canvas))) return;
    const { turns } = this.deps;
    if (turns === null) {
      await this.convertAndAppend(canvas, null);
      return;
    }
    // Nothing to convert in what this node holds: no write turn. (Strings another node wrote
    // before it adopted the text fields are converted by that node, on the same registration.)
    if (findPlainTextFields(canvas.doc, canvas.manifest.roots, canvas.textFields).length === 0) return;
    // Durability is awaited after the turn: a turn's appends may become durable only once it ends.
    const started = await turns.submit(canvas.partition, undefined, async (_stored, head) => {
      if (canvas.disposed) return { done: Promise.resolve() };
      await this.deps.canvases.catchUp(canvas, head);
      return { done: this.convertAndAppend(canvas, head) };
    });
    await started.done;
  }

  /**
   * The synchronous part: find, convert (one transaction per group), append, publish. `turnHead`:
   * the head of the write turn it runs in (shared spines), else null. The promise resolves once
   * the events are durable and published (or failed: the canvas is then discarded and reloads
   * from the spine); it never rejects.
   */
  private convertAndAppend(canvas: CanvasDoc, turnHead: number | null): Promise<void> {
    if (canvas.disposed) return Promise.resolve();
    const fields = findPlainTextFields(canvas.doc, canvas.manifest.roots, canvas.textFields);
    if (fields.length === 0) return Promise.resolve();
    const max = this.deps.maxEventBytes;
    const groups = groupPlainTextFields(fields, { bytes: Math.floor(max / 4), fields: 256 });
    const events: PlannedEvent[] = [];
    let revision = canvas.revision;
    for (const group of groups) {
      // A string too long for one event stays a string (it could not be stored converted).
      const fitting = group.filter((f) => Buffer.byteLength(f.text, 'utf8') <= Math.floor(max * 0.6));
      if (fitting.length === 0) continue;
      let converted = 0;
      const update = canvas.transactCapturing(() => {
        converted = convertPlainTextFields(fitting);
      });
      if (update === null) return this.failed(canvas, 'converting text fields failed');
      if (converted === 0) continue;
      revision += 1;
      events.push(statePatch(canvas, update, [group[0]!.root], revision));
    }
    if (events.length === 0) return Promise.resolve();
    const scope = scopeOf(canvas);
    const sized = sizedEnvelopes(
      events,
      { scope, actor: TEXT_FIELD_UPGRADE_ACTOR, durable: true, now: this.deps.now() },
      max,
    );
    if (!sized.ok) return this.failed(canvas, sized.error.message);
    const envelopes = sized.value;
    let appended: ReturnType<EventSpine['append']>;
    try {
      appended = this.deps.spine.append({
        partition: canvas.partition,
        events: events.map((e, i) => ({ type: e.type, canvasId: canvas.canvasId, envelope: envelopes[i]! })),
      });
    } catch (err) {
      return this.failed(canvas, (err as Error).message);
    }
    const { seqs, durable } = appended;
    if (seqs.length !== events.length) return this.failed(canvas, 'the event spine refused the conversion');
    const lastSeq = seqs[seqs.length - 1]!;
    canvas.revision = revision;
    canvas.lastSeq = Math.max(canvas.lastSeq, lastSeq);
    if (turnHead !== null) canvas.syncedSeq = lastSeq;
    for (let i = 0; i < events.length; i++) this.deps.canvases.noteMutation(canvas);
    chainAppend(canvas, durable);
    const busEvents = toBusEvents(canvas.partition, canvas.canvasId, seqs, events, envelopes);
    return this.deps.publisher.publish(canvas.partition, durable, busEvents).then(
      () => {
        this.deps.logger?.info(
          { canvas: canvas.canvasId, fields: fields.length, revision },
          'converted plain strings at text fields to Y.Text',
        );
      },
      (err: unknown) => {
        this.deps.canvases.discard(canvas);
        this.deps.logger?.warn({ err, canvas: canvas.canvasId }, 'storing the text field conversion failed');
      },
    );
  }

  /** The doc was touched but nothing will be stored: drop it (it reloads from the spine). */
  private failed(canvas: CanvasDoc, reason: string): Promise<void> {
    this.refused.add(keyOf(canvas));
    this.deps.canvases.discard(canvas);
    this.deps.logger?.error({ canvas: canvas.canvasId, reason }, 'text field conversion not stored');
    return Promise.resolve();
  }
}

function keyOf(canvas: CanvasDoc): string {
  return `${canvas.partition}/${canvas.canvasId}`;
}

/** The envelope scope of a canvas (a partition id is `<tenant_id>/<project_id>`, both slugs). */
function scopeOf(canvas: CanvasDoc): Scope {
  const at = canvas.partition.indexOf('/');
  return {
    tenant_id: canvas.partition.slice(0, at),
    project_id: canvas.partition.slice(at + 1),
    canvas_id: canvas.canvasId,
  } as Scope;
}

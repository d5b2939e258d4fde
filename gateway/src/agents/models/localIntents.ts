import type { JsonValue, StateOp } from '@easel/schemas';
import { capitalize, cleanPhrase, hashText, parseCount, pick, seededRandom, spell } from './localText.ts';
import type { ModelContext } from './ModelAdapter.ts';

/** What `LocalModel` answers to one request text: the reply and the canvas change it proposes. */
export interface LocalPlan {
  /** The intent recognized (`none` when the text asks for no canvas change). */
  intent: 'add_notes' | 'draw_shapes' | 'clear' | 'rename' | 'move' | 'remove' | 'none';
  text: string;
  ops: StateOp[];
}

const ASPECTS = [
  'goals',
  'open questions',
  'risks',
  'next steps',
  'owners',
  'timeline',
  'success metrics',
  'dependencies',
  'quick wins',
  'constraints',
  'feedback so far',
  'ideas to test',
  'what we learned',
  'budget',
] as const;

const COLORS: Record<string, string> = {
  red: '#ef4444',
  orange: '#f97316',
  yellow: '#eab308',
  green: '#22c55e',
  blue: '#3b82f6',
  purple: '#a855f7',
  pink: '#ec4899',
  black: '#111827',
  white: '#ffffff',
  gray: '#6b7280',
  grey: '#6b7280',
};
const PALETTE = Object.values(COLORS).slice(0, 7);

const SHAPE_KINDS: Record<string, string> = {
  circle: 'circle',
  ellipse: 'ellipse',
  square: 'square',
  rectangle: 'rect',
  rect: 'rect',
  box: 'rect',
  shape: 'rect',
  triangle: 'triangle',
  star: 'star',
  line: 'line',
};

const ADD_NOTES =
  /\b(?:add|create|make|write|put|jot(?:\s+down)?)\s+(?:(\w+)\s+)?(?:(?:more|new|sticky|short)\s+)?(?:notes?|stickies|cards?|ideas?)\b(.*)$/i;
const DRAW =
  /\b(?:draw|add|create|make|place|sketch)\s+(?:(\w+)\s+)?(?:(red|orange|yellow|green|blue|purple|pink|black|white|gr[ae]y)\s+)?(circle|ellipse|square|rectangle|rect|box|shape|triangle|star|line)(?:e?s)?\b/i;
const CLEAR = /\b(?:clear|empty|wipe|reset)\b|\b(?:delete|remove)\s+(?:all|everything)\b/i;
const RENAME = /\brename\s+(.+?)\s+(?:to|as|into)\s+(.+)$/i;
const MOVE = /\bmove\s+(.+?)\s+(?:to|into)\s+(?:the\s+)?([\w-]+)(?:\s+column)?\s*[.!?]?$/i;
const REMOVE = /\b(?:delete|remove)\s+(?:the\s+)?(?:note|shape|card)?\s*(.+)$/i;

type Block = Record<string, JsonValue>;

function mapRoot(canvas: ModelContext | null, name: string): string | null {
  return canvas !== null && canvas.roots[name] === 'map' ? name : null;
}

/** Blocks of a map root the model can see (empty when the root is unreadable). */
function blocksOf(canvas: ModelContext, root: string): Array<[string, Block]> {
  const json = canvas.state[root];
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return [];
  return Object.entries(json).filter((e): e is [string, Block] => {
    const v = e[1];
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  });
}

/** Fresh ids `<prefix>-<hash>-<n>` that no visible block uses. */
function freshIds(canvas: ModelContext, root: string, prefix: string, seed: number, count: number): string[] {
  const taken = new Set(blocksOf(canvas, root).map(([k]) => k));
  const tag = seed.toString(36).slice(0, 6);
  const out: string[] = [];
  for (let n = 1; out.length < count && n <= count + taken.size + 1; n++) {
    const id = `${prefix}-${tag}-${n}`;
    if (!taken.has(id)) out.push(id);
  }
  return out;
}

function columnsOf(canvas: ModelContext): string[] {
  const cols = canvas.tokens['board.columns'];
  if (Array.isArray(cols) && cols.every((c) => typeof c === 'string') && cols.length > 0) return cols as string[];
  return ['todo', 'doing', 'done'];
}

function addNotes(canvas: ModelContext | null, m: RegExpMatchArray, seed: number): LocalPlan {
  const count = parseCount(m[1]) ?? 1;
  let rest = m[2] ?? '';
  let column: string | undefined;
  const inColumn = /\s+(?:in|to|into|under)\s+(?:the\s+)?([\w-]+)(?:\s+column)?\s*[.!?]?$/i.exec(rest);
  if (canvas && inColumn && columnsOf(canvas).includes(inColumn[1]!.toLowerCase())) {
    column = inColumn[1]!.toLowerCase();
    rest = rest.slice(0, inColumn.index);
  }
  const about = /^\s*(?:about|on|for|regarding|around|covering)\s+(.+)$/i.exec(rest);
  const topic = about ? cleanPhrase(about[1]!) || 'the plan' : 'the plan';
  const rand = seededRandom(seed);
  const aspects = [...ASPECTS];
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const aspect = aspects.length > 0 ? aspects.splice(Math.floor(rand() * aspects.length), 1)[0]! : `idea ${i + 1}`;
    texts.push(`${capitalize(topic)}: ${aspect}`);
  }
  const plural = count === 1 ? 'note' : 'notes';
  const quoted = texts.map((t) => `“${t}”`).join(', ');
  const root = mapRoot(canvas, 'notes') ?? mapRoot(canvas, 'shapes');
  if (canvas === null || root === null) {
    return { intent: 'add_notes', text: `Here are ${spell(count)} ${plural} about ${topic}: ${quoted}.`, ops: [] };
  }
  const ids = freshIds(canvas, root, 'note', seed, count);
  const ops: StateOp[] = ids.map((id, i) => {
    const value: Block =
      root === 'notes'
        ? { id, text: texts[i]!, column: column ?? columnsOf(canvas)[0]! }
        : {
            id,
            kind: 'note',
            text: texts[i]!,
            x: 40 + 180 * (i % 5),
            y: 40 + 140 * Math.floor(i / 5),
            w: 160,
            h: 120,
            fill: '#fde68a',
          };
    return { op: 'insert', root, key: id, value };
  });
  const where = column ? ` to ${column}` : '';
  return { intent: 'add_notes', text: `Adding ${spell(count)} ${plural} about ${topic}${where}: ${quoted}.`, ops };
}

function drawShapes(canvas: ModelContext | null, m: RegExpMatchArray, seed: number): LocalPlan {
  const count = parseCount(m[1]) ?? 1;
  const colorWord = m[2]?.toLowerCase();
  const kind = SHAPE_KINDS[m[3]!.toLowerCase()] ?? 'rect';
  const noun = m[3]!.toLowerCase();
  const label = `${spell(count)} ${colorWord ? `${colorWord} ` : ''}${noun}${count === 1 ? '' : noun.endsWith('x') ? 'es' : 's'}`;
  const root = mapRoot(canvas, 'shapes');
  if (canvas === null || root === null) {
    return { intent: 'draw_shapes', text: `This canvas has no shapes to draw on, so I cannot draw ${label}.`, ops: [] };
  }
  const rand = seededRandom(seed);
  const tokenFill = canvas.tokens['style.fill'];
  const ids = freshIds(canvas, root, 'shape', seed, count);
  const ops: StateOp[] = ids.map((id) => {
    const w = 60 + 10 * Math.floor(rand() * 11);
    const h = kind === 'circle' || kind === 'square' ? w : 60 + 10 * Math.floor(rand() * 11);
    const fill = colorWord
      ? COLORS[colorWord]!
      : typeof tokenFill === 'string' && tokenFill !== '#ffffff'
        ? tokenFill
        : pick(PALETTE, rand);
    const x = 20 + 10 * Math.floor(rand() * 80);
    const y = 20 + 10 * Math.floor(rand() * 50);
    return { op: 'insert', root, key: id, value: { id, kind, x, y, w, h, fill } };
  });
  return { intent: 'draw_shapes', text: `Drawing ${label}.`, ops };
}

/** The blocks a clear / rename / move / remove acts on: `notes`, `shapes`, or both. */
function targetRoots(canvas: ModelContext, text: string): string[] {
  const mapRoots = Object.keys(canvas.roots).filter((r) => canvas.roots[r] === 'map');
  const named = mapRoots.filter((r) => new RegExp(`\\b${r.replace(/s$/, '')}s?\\b`, 'i').test(text));
  if (named.length > 0) return named;
  const usual = mapRoots.filter((r) => r === 'notes' || r === 'shapes');
  return usual.length > 0 ? usual : mapRoots.slice(0, 1);
}

function findBlock(canvas: ModelContext, roots: readonly string[], target: string): [string, string, Block] | null {
  const t = cleanPhrase(target)
    .replace(/^(?:the\s+)?(?:note|shape|card)\s+/i, '')
    .toLowerCase();
  if (!t) return null;
  for (const root of roots) {
    for (const [key, block] of blocksOf(canvas, root)) if (key.toLowerCase() === t) return [root, key, block];
  }
  for (const root of roots) {
    for (const [key, block] of blocksOf(canvas, root)) {
      const label = typeof block.text === 'string' ? block.text : typeof block.label === 'string' ? block.label : '';
      if (label.toLowerCase().includes(t)) return [root, key, block];
    }
  }
  return null;
}

/**
 * Plans the reply to one request text (deterministic: the same text on the same canvas state
 * gives the same reply and ops). Recognized: "add three notes about X [in done]", "draw two
 * [red] circles", "clear the board", "rename X to Y", "move X to done", "remove X". Anything
 * else gets a short help text and no ops.
 */
export function planLocalReply(requestText: string, canvas: ModelContext | null): LocalPlan {
  const text = requestText.trim().replace(/\s+/g, ' ');
  const seed = hashText(`${canvas?.canvasId ?? ''}\u0000${text}`);
  const draw = DRAW.exec(text);
  const add = ADD_NOTES.exec(text);
  // The request's own verb comes first ("add notes about how to draw circles" adds notes).
  if (draw && (!add || draw.index < add.index)) return drawShapes(canvas, draw, seed);
  if (add) return addNotes(canvas, add, seed);
  if (canvas !== null) {
    if (CLEAR.test(text) && !RENAME.test(text)) {
      const roots = targetRoots(canvas, text);
      const ops: StateOp[] = [];
      for (const root of roots) for (const [key] of blocksOf(canvas, root)) ops.push({ op: 'delete', root, key });
      return ops.length === 0
        ? { intent: 'clear', text: 'There is nothing I can see to clear.', ops }
        : {
            intent: 'clear',
            text: `Clearing ${ops.length} block${ops.length === 1 ? '' : 's'} from ${roots.join(' and ')}.`,
            ops,
          };
    }
    const rename = RENAME.exec(text);
    if (rename) {
      const found = findBlock(canvas, targetRoots(canvas, rename[1]!), rename[1]!);
      const name = cleanPhrase(rename[2]!);
      if (!found || !name) return { intent: 'rename', text: `I could not find “${cleanPhrase(rename[1]!)}”.`, ops: [] };
      const [root, key, block] = found;
      const field = typeof block.text === 'string' || typeof block.label !== 'string' ? 'text' : 'label';
      return {
        intent: 'rename',
        text: `Renaming ${key} to “${name}”.`,
        ops: [{ op: 'update', root, key, path: [field], value: name }],
      };
    }
    const move = MOVE.exec(text);
    if (move && mapRoot(canvas, 'notes') && columnsOf(canvas).includes(move[2]!.toLowerCase())) {
      const found = findBlock(canvas, ['notes'], move[1]!);
      if (!found) return { intent: 'move', text: `I could not find “${cleanPhrase(move[1]!)}”.`, ops: [] };
      const column = move[2]!.toLowerCase();
      return {
        intent: 'move',
        text: `Moving ${found[1]} to ${column}.`,
        ops: [{ op: 'update', root: 'notes', key: found[1], path: ['column'], value: column }],
      };
    }
    const remove = REMOVE.exec(text);
    if (remove) {
      const found = findBlock(canvas, targetRoots(canvas, text), remove[1]!);
      if (!found) return { intent: 'remove', text: `I could not find “${cleanPhrase(remove[1]!)}”.`, ops: [] };
      return {
        intent: 'remove',
        text: `Removing ${found[1]}.`,
        ops: [{ op: 'delete', root: found[0], key: found[1] }],
      };
    }
  }
  const echo = text.length > 120 ? `${text.slice(0, 117)}…` : text;
  return {
    intent: 'none',
    text: `I can add notes (“add three notes about X”), draw shapes (“draw two circles”), rename, move, remove or clear them. Nothing to change for “${echo}”.`,
    ops: [],
  };
}

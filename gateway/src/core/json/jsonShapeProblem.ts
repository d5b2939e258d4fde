/**
 * The deepest nesting of objects and arrays a request body may have (the body itself is level 1).
 * Command bodies need ≈ 6 levels around their value and a doc block tree 2 per level, so 64
 * leaves room; far deeper input would overflow the stack of the recursive steps after the parse
 * (zod's schemas, Yjs types built from `state.ops` values, `JSON.stringify`), which would answer
 * a client's mistake as a 503 "retry".
 */
export const MAX_JSON_DEPTH = 64;

/** What is wrong with a parsed body's shape, and where (a path like `payload.ops[0].value`). */
export interface JsonShapeProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * The first shape problem of a parsed JSON body, or null:
 * - nesting deeper than `maxDepth` levels of objects and arrays;
 * - an object key `__proto__`: `JSON.parse` keeps it as an own property, but every later plain
 *   object copy (`Object.assign`, Yjs `toJSON`, a client's merge) turns it into the object's
 *   prototype, so the field silently disappears from state (or pollutes what reads it).
 *
 * Iterative (any depth is safe) and allocation-light: paths are only built for the answer.
 */
export function jsonShapeProblem(value: unknown, maxDepth: number = MAX_JSON_DEPTH): JsonShapeProblem | null {
  if (value === null || typeof value !== 'object') return null;
  const nodes: object[] = [value];
  const depths: number[] = [1];
  const parents: number[] = [-1];
  const keys: Array<string | number> = [''];
  const stack: number[] = [0];
  while (stack.length > 0) {
    const at = stack.pop() as number;
    const node = nodes[at] as object;
    const depth = depths[at] as number;
    if (depth > maxDepth) {
      return { path: pathOf(at, parents, keys), message: `nested deeper than ${maxDepth} levels; flatten the value` };
    }
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) {
        const child: unknown = node[i];
        if (child !== null && typeof child === 'object') push(child, depth + 1, at, i);
      }
      continue;
    }
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue;
      if (key === '__proto__') {
        return {
          path: joinPath(pathOf(at, parents, keys), key),
          message: '"__proto__" is not allowed as an object key; rename the field',
        };
      }
      const child: unknown = (node as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') push(child, depth + 1, at, key);
    }
  }
  return null;

  function push(child: object, depth: number, parent: number, key: string | number): void {
    nodes.push(child);
    depths.push(depth);
    parents.push(parent);
    keys.push(key);
    stack.push(nodes.length - 1);
  }
}

/**
 * The path of node `at`: keys from the root, `a.b[0].c` (an empty key as `[""]`); over 200
 * characters it is cut with `…`.
 */
function pathOf(at: number, parents: readonly number[], keys: ReadonlyArray<string | number>): string {
  const parts: Array<string | number> = [];
  for (let i = at; i > 0; i = parents[i] as number) parts.push(keys[i] as string | number);
  let path = '';
  for (let i = parts.length - 1; i >= 0; i--) {
    path = joinPath(path, parts[i] as string | number);
    if (path.length > 200) return `${path.slice(0, 200)}…`;
  }
  return path || '(body)';
}

function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  // An empty key would vanish from `a..b`: it is written `a[""].b`.
  if (key === '') return `${path === '(body)' ? '' : path}[""]`;
  return path === '' || path === '(body)' ? key : `${path}.${key}`;
}

/**
 * Init-script snippets the profiling scripts install in the bench page (inside their own
 * `(() => { const hooks = …; … })()`; they expect a `hooks` object with `chunks` and `parses`):
 * every stream chunk read (time, bytes) and every large `JSON.parse` (start, end, characters).
 */
export const RECORD_CHUNKS_AND_BIG_PARSES = `
  const read = ReadableStreamDefaultReader.prototype.read;
  ReadableStreamDefaultReader.prototype.read = async function () {
    const r = await read.call(this);
    if (!r.done && r.value && r.value.byteLength !== undefined) hooks.chunks.push({ at: performance.now(), bytes: r.value.byteLength });
    return r;
  };
  const parse = JSON.parse;
  JSON.parse = function (text, reviver) {
    if (typeof text !== 'string' || text.length < 100000) return parse(text, reviver);
    const start = performance.now();
    const out = parse(text, reviver);
    hooks.parses.push({ start, end: performance.now(), chars: text.length });
    return out;
  };
`;

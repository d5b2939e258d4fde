// node watch-token.mjs <baseUrl> <token of tenant acme> [canvas_id]
// sdk/transport/examples/watch-token.ts as plain JavaScript, for a project that installed the packed
// @easel/transport (sdk/transport/README.md "Outside the repository"; run by e2e/src/packedConsumer.test.ts).
import { CanvasTransport } from '@easel/transport';

const [baseUrl = 'http://127.0.0.1:8787', token = '', canvas_id = 'plan'] = process.argv.slice(2);
const scope = { tenant_id: 'acme', project_id: 'demo', app_id: 'web', surface_id: 'main', mode: 'edit', canvas_id };
/** @param {string} what @param {import('@easel/transport').CommandError} error @returns {never} */
function fail(what, error) {
  console.error(`${what} failed: ${error.code}: ${error.message}`);
  process.exit(1);
}
const canvas = new CanvasTransport({ baseUrl, token, scope });
const created = await canvas.createCanvas('board'); // before connect(): a wrong URL fails in seconds
if (!created.ok && created.error.code !== 'conflict') fail('canvas.create', created.error); // conflict: it exists
canvas.connect(); // opens the stream
const ready = await canvas.ready({ timeoutMs: 10_000 }); // the first snapshot that applied: canvas.tokens holds the canvas
if (!ready.ok) fail('connect', ready.error);
const off = canvas.onToken('plan.title', (value) => console.log(`plan.title is now ${JSON.stringify(value)}`));
const set = await canvas.setToken('plan.title', `Q3 launch (${new Date().toISOString()})`);
if (!set.ok) fail('token.set', set.error);
const seen = await canvas.awaitCursor(set.value.cursor); // read-your-writes: the mirror has it now
if (!seen.ok) fail('awaitCursor', seen.error);
console.log(JSON.stringify({ title: canvas.tokens['plan.title'], revision: canvas.revision, cursor: canvas.cursor }));
off();
canvas.close();

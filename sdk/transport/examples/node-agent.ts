// node --import tsx sdk/transport/examples/node-agent.ts <baseUrl> <token> '<scope JSON of a board canvas>' (or env EASEL_URL, EASEL_TOKEN, EASEL_SCOPE)
import { CanvasTransport, type CommandError, type Result } from '@easel/transport';

const { EASEL_URL = '', EASEL_TOKEN = '', EASEL_SCOPE = '{}' } = process.env;
const [baseUrl = EASEL_URL, token = EASEL_TOKEN, scope = EASEL_SCOPE] = process.argv.slice(2);
const must = <T>(what: string, result: Result<T, CommandError>): T => {
  if (result.ok) return result.value;
  throw new Error(`${what} failed: ${result.error.code}: ${result.error.message}`);
};
const canvas = new CanvasTransport({ baseUrl, token, scope: JSON.parse(scope) }).connect();
must('connect', await canvas.ready()); // a CANVAS_READY whose snapshot applied: the mirror holds the canvas
must('token.set', await canvas.setToken('plan.title', 'Planned by node-agent'));
const key = `agent-${Date.now()}`;
const inserted = await canvas.applyOps([{ op: 'insert', root: 'notes', key, value: { text: 'Hello from an agent' } }]);
const { cursor } = must('state.ops', inserted);
must('awaitCursor', await canvas.awaitCursor(cursor)); // read-your-writes: the mirror has our note
const note = canvas.doc.getMap('notes').toJSON()[key];
console.log(JSON.stringify({ revision: canvas.revision, tokens: canvas.tokens, note: { key, ...note } }));
canvas.close();

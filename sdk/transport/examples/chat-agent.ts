// node --import tsx sdk/transport/examples/chat-agent.ts <baseUrl> <token minted with --kind agent> '<scope JSON>' ['<prompt>']
// (or env EASEL_URL, EASEL_TOKEN, EASEL_SCOPE). Joins a canvas, appears in presence as an agent,
// streams one turn to stdout, prints its commit outcome as the last line, and leaves.
import { EaselAgent } from '@easel/transport/agent';

const { EASEL_URL = '', EASEL_TOKEN = '', EASEL_SCOPE = '{}' } = process.env;
const args = process.argv.slice(2);
const [baseUrl = EASEL_URL, token = EASEL_TOKEN, scope = EASEL_SCOPE] = args;
const prompt = args[3] ?? 'add three notes about the launch';
function fail(what: string, error: { code: string; message: string }): never {
  console.error(`${what} failed: ${error.code}: ${error.message}`);
  process.exit(1);
}

const joined = await EaselAgent.join({ baseUrl, token, scope: JSON.parse(scope), name: 'Chat agent' });
if (!joined.ok) fail('join', joined.error);
const agent = joined.value; // on the canvas, and in everyone's presence list
const said = await agent.say(prompt);
if (!said.ok) fail('chat.send', said.error);
const turn = said.value;
for await (const delta of turn.tokens) process.stdout.write(delta); // streamed as the model writes
const outcome = await turn.outcome; // committed (with the revision), failed or cancelled
console.log(`\n${JSON.stringify({ turn_id: turn.id, outcome, revision: agent.transport.revision })}`);
agent.leave();
process.exitCode = outcome.status === 'committed' ? 0 : 1;

import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../gateway/test/harness/GatewayProcess.ts';
import { gatewayWorldPerSuite } from './support/gatewayWorldPerSuite.ts';
import { runExample } from './support/runExample.ts';
import { api } from './support/world.ts';

const EXAMPLE = 'sdk/transport/examples/watch-token.ts';
/** The example hard-codes this scope (the README's), all but the canvas id. */
const SCOPE = { tenant_id: 'acme', project_id: 'demo', app_id: 'web', surface_id: 'main', mode: 'edit' } as const;

/** A port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('examples/watch-token.ts (sdk/transport/README.md "Your first script")', () => {
  const suite = gatewayWorldPerSuite();

  it('the README shows the example verbatim', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'sdk/transport/README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Your first script (Node)'));
    const shown = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    const example = readFileSync(path.join(REPO_ROOT, EXAMPLE), 'utf8');
    expect(shown).toBe(example.slice(example.indexOf('\n') + 1));
  });

  it('[CONTRACT 5] creates the canvas, sees its own token.set on the stream, prints it, exits 0; again on the same canvas', async () => {
    const admin = await suite.gateway.token({ tenant: 'acme', sub: 'ada', roles: ['admin'] });
    const canvasId = suite.world.name('watch');
    for (const round of [1, 2]) {
      const { code, stdout, stderr } = await runExample(EXAMPLE, [suite.gateway.url, admin, canvasId], 60_000);
      expect(code, stderr).toBe(0);
      const lines = stdout.trim().split('\n');
      const printed = JSON.parse(lines.at(-1)!);
      expect(lines[0]).toBe(`plan.title is now ${JSON.stringify(printed.title)}`);
      expect(printed.title).toMatch(/^Q3 launch \(\d{4}-/);
      expect(printed.revision).toBe(round); // canvas.create is revision 0, each run's token.set one more
      const query = new URLSearchParams(SCOPE).toString();
      const read = await api(suite.gateway.url, 'GET', `/v1/canvases/${canvasId}?${query}`, { token: admin });
      expect(read.status, read.text).toBe(200);
      expect(read.json.tokens['plan.title']).toBe(printed.title);
      expect(read.json.cursor).toBe(printed.cursor);
    }
  });

  it('a wrong port, a refused token, a forbidden role: exit 1 with one coded line, no stack', async () => {
    const port = await closedPort();
    const admin = await suite.gateway.token({ tenant: 'acme', sub: 'ada', roles: ['admin'] });
    const other = await suite.gateway.token({ tenant: 'other', sub: 'ada', roles: ['admin'] });
    const viewer = await suite.gateway.token({ tenant: 'acme', sub: 'vic', roles: ['viewer'] });
    const cases: Array<[string[], string]> = [
      [[`http://127.0.0.1:${port}`, admin], `canvas.create failed: network: POST /v1/commands: fetch failed`],
      [[suite.gateway.url, 'not-a-jwt'], 'canvas.create failed: unauthenticated: the bearer token is not a valid JWT'],
      [
        [suite.gateway.url, other],
        "canvas.create failed: tenant_mismatch: scope tenant_id 'acme' is not the token's tenant",
      ],
      [[suite.gateway.url, viewer], "canvas.create failed: forbidden: your roles may not run command 'canvas.create'"],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await runExample(EXAMPLE, [...args, suite.world.name('bad')], 60_000);
      expect(code, stdout).toBe(1);
      expect(stderr).toContain(message);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });
});

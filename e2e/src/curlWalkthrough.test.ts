import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GatewayProcess, REPO_ROOT } from '../../gateway/test/harness/GatewayProcess.ts';
import { runChild } from '../../gateway/test/harness/runChild.ts';

/**
 * Runs docs/curl-walkthrough.md as a reader would: every ```sh block, in order, in bash with
 * curl, from the repository root, against a real gateway started with the doc's secret. Each
 * block's full-line `# {…}` comment (continued on `#   ` lines) is the answer the doc promises:
 * `…` stands for anything, the doc's example epoch for any epoch. Changes a reader would make are
 * the only edits: the port, the doc's example cursor (ours differs), a tmp dir for files, bounded
 * `curl -N`, a moment for a background stream to open and for the turn to commit.
 */
const DOC = path.join(REPO_ROOT, 'docs/curl-walkthrough.md');
const DOC_SECRET = 'dev-secret-change-me';
const DOC_EPOCH = '2ugfy9yn4wgw';

const hasTools = ['bash', 'curl', 'sha256sum'].every(
  (tool) => spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status === 0,
);

/** The ```sh blocks under each `## ` heading, in order. */
function shellBlocks(markdown: string): Array<{ heading: string; code: string }> {
  const blocks: Array<{ heading: string; code: string }> = [];
  let heading = '';
  let code: string[] | null = null;
  for (const line of markdown.split('\n')) {
    if (code !== null) {
      if (line.startsWith('```')) {
        blocks.push({ heading, code: code.join('\n') });
        code = null;
      } else code.push(line);
    } else if (line.startsWith('## ')) heading = line.slice(3);
    else if (line === '```sh') code = [];
  }
  return blocks;
}

/** The promised answers: full-line comments that start with `{` (or `201 {`), joined with their `#   ` continuations. */
function promisedAnswers(code: string): string[] {
  const answers: string[] = [];
  let open: string | null = null;
  for (const line of code.split('\n')) {
    const continued = /^#\s{2,}(.*)$/.exec(line);
    if (open !== null && continued) {
      open += continued[1]!.trim();
      continue;
    }
    if (open !== null) answers.push(open);
    open = null;
    const start = /^# (?:201 )?(\{.*)$/.exec(line);
    if (start) open = start[1]!;
  }
  if (open !== null) answers.push(open);
  return answers.map(balancedJson);
}

/** The text up to the `}` that closes the first `{` (drops trailing prose). */
function balancedJson(text: string): string {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(0, i + 1);
  }
  return text;
}

/** `…` = anything (lazily), the doc's epoch = any epoch, everything else literal. */
function answerPattern(answer: string): RegExp {
  const parts = answer.split('…').map((part) =>
    part
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .split(DOC_EPOCH)
      .join('[0-9a-z]+'),
  );
  return new RegExp(parts.join('[\\s\\S]*?'));
}

/** A reader's edits: our port and cursor, files in `work`, streams that end, a moment to connect. */
function adapt(code: string, port: number, work: string, cursor1: string | null): string {
  const out: string[] = [];
  for (const raw of code.split('\n')) {
    if (/pnpm easel serve/.test(raw)) continue; // the test's GatewayProcess is that gateway
    let line = raw
      .replaceAll('8787', String(port))
      .replaceAll('f.txt', path.join(work, 'f.txt'))
      .replaceAll('curl -N', 'timeout 4 curl -sN');
    if (cursor1 !== null) line = line.replaceAll(`${DOC_EPOCH}-1`, cursor1);
    if (line.includes('/turns?')) {
      out.push(
        `for i in $(seq 60); do curl -s "$B/v1/canvases/plan/turns?$Q" -H "authorization: Bearer $TOKEN" | grep -q commit_succeeded && break; sleep 0.5; done`,
      );
    }
    out.push(line);
    if (/&\s*(#.*)?$/.test(line) && !/&&\s*(#.*)?$/.test(line)) out.push('sleep 1');
  }
  return out.join('\n');
}

/** Runs one block in bash with the variables earlier blocks set; returns stdout plus the values it set. */
async function runBlock(
  script: string,
  work: string,
): Promise<{ code: number | null; output: string; stderr: string }> {
  const env = path.join(work, 'env.sh');
  const values = path.join(work, 'values.txt');
  const wrapped = [
    '__before="$(compgen -v | sort)"',
    `[ -f ${env} ] && source ${env}`,
    script,
    `__new="$(comm -13 <(echo "$__before") <(compgen -v | sort) | grep -v '^__')"`,
    `for v in $__new; do declare -p "$v"; done > ${env}.next 2>/dev/null; mv ${env}.next ${env}`,
    `for v in $__new; do printf '%s\\n' "\${!v}"; done > ${values}`,
  ].join('\n');
  const run = await runChild('bash', ['-c', wrapped], { cwd: REPO_ROOT, timeoutMs: 90_000 });
  let set = '';
  try {
    set = readFileSync(values, 'utf8');
  } catch {
    // the block set nothing
  }
  return { code: run.code, output: `${run.stdout}\n${set}`, stderr: run.stderr };
}

describe.skipIf(!hasTools)('docs/curl-walkthrough.md, run literally with bash and curl', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'easel-walk-'));
  let gateway: GatewayProcess | undefined;
  afterAll(async () => {
    await gateway?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('[CONTRACT 4, 5, 6] every step answers what the doc says', async () => {
    gateway = await GatewayProcess.start({ secret: DOC_SECRET });
    writeFileSync(path.join(work, 'env.sh'), '');
    const blocks = shellBlocks(readFileSync(DOC, 'utf8'));
    expect(blocks.map((b) => b.heading.split(' ')[0])).toEqual([
      '1.',
      '2.',
      '2.',
      '3.',
      '4.',
      '5.',
      '6.',
      '7.',
      '8.',
      '9.',
    ]);
    let cursor1: string | null = null;
    let checked = 0;
    for (const [index, block] of blocks.entries()) {
      const where = `block ${index + 1} (${block.heading})`;
      const ran = await runBlock(adapt(block.code, gateway.port, work, cursor1), work);
      expect(ran.code, `${where}: ${ran.stderr}`).toBe(0);
      for (const answer of promisedAnswers(block.code)) {
        expect(ran.output, `${where} promises ${answer}\nstderr: ${ran.stderr}`).toMatch(answerPattern(answer));
        checked++;
      }
      if (index === 1) {
        // §2: the live stream saw the snapshot, then the token_patch of c2.
        cursor1 = /"cursor":"([0-9a-z]+-1)"/.exec(ran.output)?.[1] ?? null;
        expect(cursor1, ran.output).not.toBeNull();
        expect(ran.output).toMatch(/event: CANVAS_READY[\s\S]*event: token_patch/);
        expect(ran.output).toContain('"payload":{"token_id":"plan.title","op":"set","value":"Q3 launch","revision":1}');
      }
      if (block.heading.startsWith('3.')) {
        // Both resumes replay exactly what followed cursor 1: the token_patch at -2, not -1 again.
        const epoch = cursor1!.split('-')[0]!;
        expect(ran.output.match(new RegExp(`id: ${epoch}-2\\n`, 'g'))).toHaveLength(2);
        expect(ran.output).not.toContain(`id: ${epoch}-1\n`);
        expect(ran.output).toContain('"reset":false');
      }
    }
    expect(checked).toBeGreaterThanOrEqual(12); // every `# {…}` answer of the doc was found and held
  });
});

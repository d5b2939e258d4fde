import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { errorBodySchema, makeErrorBody } from './errorBodySchema.ts';
import { ERROR_CODE_LIST, ERROR_CODES } from './errorCodes.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const errorsDoc = readFileSync(path.join(here, '../../ERRORS.md'), 'utf8');

/** Rows of the ERRORS.md table: code → status (cells may be padded). */
function documentedCodes(): Map<string, number> {
  return new Map([...errorsDoc.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [m[1]!, Number(m[2])]));
}

function contractSection3(): string {
  try {
    const contract = readFileSync(path.resolve(here, '../../../../shared/CONTRACT.md'), 'utf8');
    return contract.split(/^## 3\. /m)[1]?.split(/^## 4\. /m)[0] ?? '';
  } catch {
    return '';
  }
}

describe('[CONTRACT 3] error registry', () => {
  it('has the contract codes with their statuses', () => {
    expect(Object.fromEntries(ERROR_CODE_LIST.map((c) => [c, ERROR_CODES[c].status]))).toEqual({
      validation_failed: 400,
      unauthenticated: 401,
      forbidden: 403,
      tenant_mismatch: 403,
      not_found: 404,
      conflict: 409,
      payload_too_large: 413,
      rate_limited: 429,
      unavailable: 503,
    });
  });

  it('every code has a one-line summary', () => {
    for (const code of ERROR_CODE_LIST) {
      const { summary } = ERROR_CODES[code];
      expect(summary.length).toBeGreaterThan(10);
      expect(summary).not.toContain('\n');
    }
  });

  it('every code is documented (schemas/ERRORS.md table, or CONTRACT §3)', () => {
    const section3 = contractSection3();
    for (const code of ERROR_CODE_LIST) {
      const status = documentedCodes().get(code);
      if (status !== undefined) expect(status, `ERRORS.md status of ${code}`).toBe(ERROR_CODES[code].status);
      const inDoc = status !== undefined;
      const inContract = section3.includes(`\`${code}\``);
      expect(inDoc || inContract, `${code} is not documented`).toBe(true);
    }
  });

  it('ERRORS.md lists no code the registry lacks', () => {
    expect([...documentedCodes().keys()].sort()).toEqual([...ERROR_CODE_LIST].sort());
  });

  it('makeErrorBody builds a valid body', () => {
    const body = makeErrorBody('conflict', 'expected_revision 3 but the canvas is at 4', 'req-1', { revision: 4 });
    expect(errorBodySchema.parse(body)).toEqual(body);
    expect(errorBodySchema.safeParse({ error: { code: 'teapot', message: 'x', request_id: 'r' } }).success).toBe(false);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeJsonBodyFailure } from './describeJsonBodyFailure.ts';
import { parseStrictJson } from './readJsonBody.ts';

/** The message for `text` as the strict parser sees it (what the routes answer). */
function messageFor(text: string): string | null {
  const parsed = parseStrictJson(text);
  return parsed.ok ? null : describeJsonBodyFailure(text, parsed.message);
}

describe('describeJsonBodyFailure', () => {
  it('[CONTRACT 3] valid JSON that is not an object says "must be a JSON object", naming what it is', () => {
    expect(messageFor('"x"')).toBe(
      "request body must be a JSON object, not a string; send {...} with the request's fields",
    );
    expect(messageFor('null')).toMatch(/^request body must be a JSON object, not null;/);
    expect(messageFor(' 5 ')).toMatch(/^request body must be a JSON object, not a number;/);
    expect(messageFor('true')).toMatch(/^request body must be a JSON object, not true;/);
  });

  it('[CONTRACT 3] malformed JSON stays "not valid JSON" with the parser\'s reason', () => {
    expect(messageFor('{"a": [1, 2')).toMatch(/^request body is not valid JSON: /);
    expect(messageFor('x')).toMatch(/^request body is not valid JSON: /);
    expect(describeJsonBodyFailure(undefined, 'Unexpected end')).toBe('request body is not valid JSON: Unexpected end');
  });

  it('[CONTRACT 3] any JSON scalar body is "must be a JSON object"', () => {
    const scalar = fc.oneof(
      fc.string(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    );
    fc.assert(
      fc.property(scalar, (value) => {
        expect(messageFor(JSON.stringify(value))).toMatch(/^request body must be a JSON object, not /);
      }),
    );
  });
});

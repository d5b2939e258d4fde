/** How a top-level JSON value that is not an object or array is named in a message. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return typeof value;
}

/**
 * The contract §3 message for a JSON request body the strict parser refused (`express.json`
 * `strict: true`, or `parseStrictJson`): a body that is valid JSON but not an object (`"x"`,
 * `null`, `5`) says it "must be a JSON object"; anything else is "not valid JSON" with the
 * parser's reason (at most 200 characters). `text` is the raw body when known (body-parser's
 * `err.body`).
 */
export function describeJsonBodyFailure(text: unknown, parserMessage: string): string {
  if (typeof text === 'string' && text.length > 0) {
    let parsed: { value: unknown } | null = null;
    try {
      parsed = { value: JSON.parse(text) };
    } catch {
      // Not JSON at all: the parser's own reason below.
    }
    if (parsed !== null && (parsed.value === null || typeof parsed.value !== 'object')) {
      return `request body must be a JSON object, not ${kindOf(parsed.value)}; send {...} with the request's fields`;
    }
  }
  return `request body is not valid JSON: ${parserMessage.slice(0, 200)}`;
}

import { BASE64_RE } from './patterns.ts';

/** Bytes a well-formed base64 string decodes to, or `undefined` when it is not base64. */
export function base64DecodedLength(text: string): number | undefined {
  if (text.length % 4 !== 0 || !BASE64_RE.test(text)) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

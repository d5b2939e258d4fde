import type { ServerResponse } from 'node:http';

/**
 * Answers `body` as JSON with `status`: what `res.status(s).json(body)` sends for a POST, without
 * Express's `send` machinery (charset and ETag negotiation, freshness checks).
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

import type { CanvasTransport } from '../CanvasTransport.ts';
import type { FakeFetch, FakeRequest, FakeStream } from './FakeFetch.ts';

/**
 * Connects `transport` and answers its canvas stream request with an open SSE body: `get` is that
 * request, `stream` feeds the body (nothing is pushed yet).
 */
export async function openStream(t: {
  readonly transport: CanvasTransport;
  readonly fake: FakeFetch;
}): Promise<{ get: FakeRequest; stream: FakeStream }> {
  t.transport.connect();
  const get = await t.fake.next();
  return { get, stream: get.respondStream() };
}

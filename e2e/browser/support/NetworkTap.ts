import type { CDPSession, Page } from 'playwright-core';

/**
 * Records every byte a page receives from the network through the DevTools protocol: response
 * bodies (JSON), event streams as they arrive (`Network.streamResourceContent`), and WebSocket
 * frames. What a test asserts on is what crossed the wire, not what the page chose to show.
 */
export class NetworkTap {
  readonly #chunks: Array<{ url: string; text: string }> = [];
  readonly #urls = new Map<string, string>();
  readonly #pending: Promise<unknown>[] = [];

  private constructor(private readonly session: CDPSession) {}

  static async attach(page: Page): Promise<NetworkTap> {
    const session = await page.context().newCDPSession(page);
    const tap = new NetworkTap(session);
    await session.send('Network.enable');
    session.on('Network.responseReceived', (e) => {
      const { requestId, response } = e;
      tap.#urls.set(requestId, response.url);
      if (response.mimeType === 'text/event-stream') {
        tap.#pending.push(
          session
            .send('Network.streamResourceContent', { requestId })
            .then((r) => tap.#add(requestId, r.bufferedData, true))
            .catch(() => undefined),
        );
      }
    });
    session.on('Network.dataReceived', (e) => {
      if (e.data) tap.#add(e.requestId, e.data, true);
    });
    session.on('Network.loadingFinished', (e) => {
      const url = tap.#urls.get(e.requestId);
      if (!url?.includes('/v1/')) return;
      tap.#pending.push(
        session
          .send('Network.getResponseBody', { requestId: e.requestId })
          .then((r) => tap.#add(e.requestId, r.body, r.base64Encoded))
          .catch(() => undefined),
      );
    });
    session.on('Network.webSocketFrameReceived', (e) => {
      tap.#add(e.requestId, e.response.payloadData, e.response.opcode === 2);
    });
    return tap;
  }

  #add(requestId: string, data: string, base64: boolean): void {
    const text = base64 ? Buffer.from(data, 'base64').toString('latin1') : data;
    this.#chunks.push({ url: this.#urls.get(requestId) ?? '', text });
  }

  /** Everything received so far whose URL contains `urlPart` (all of it by default), concatenated. */
  async received(urlPart = ''): Promise<string> {
    await Promise.allSettled(this.#pending.splice(0));
    return this.#chunks
      .filter((c) => c.url.includes(urlPart))
      .map((c) => c.text)
      .join('\n');
  }

  /** How many bytes of event streams were seen (to prove the tap saw the stream at all). */
  async streamBytes(): Promise<number> {
    const text = await this.received('/events');
    return text.length;
  }

  async detach(): Promise<void> {
    await this.session.detach().catch(() => undefined);
  }
}

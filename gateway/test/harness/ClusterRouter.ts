import type { FetchLike } from '@easel/transport';

/** The origin a client is configured with; {@link ClusterRouter} rewrites it to a real node. */
export const ROUTER_ORIGIN = 'http://easel-lb.invalid';

/** What the router needs to know about the cluster: each node's current URL, null while it is down. */
export type NodeUrls = () => ReadonlyArray<string | null>;

/** One request the router forwarded. */
export interface RoutedRequest {
  readonly node: number;
  readonly method: string;
  readonly path: string;
}

/**
 * A load balancer in front of a gateway cluster, as one client sees it: the SSE stream
 * (`GET …/events`) goes to the node it is pinned to (`streamNode`; moved to a live node when that
 * one is down, as a balancer's health check would), every other request to the next live node in
 * turn, skipping the stream's node while another is up (commands go through other nodes than
 * the one the stream reads from). Clients use `baseUrl: ROUTER_ORIGIN` and `fetch: router.fetch`;
 * a node's URL is looked up per request, so a restarted node (new port) is reached again.
 */
export class ClusterRouter {
  /** The node the stream is pinned to. */
  streamNode: number;
  /** Every request forwarded, in order. */
  readonly log: RoutedRequest[] = [];
  private next: number;

  constructor(
    private readonly urls: NodeUrls,
    streamNode: number,
    private readonly inner: FetchLike = (input, init) => fetch(input, init),
  ) {
    this.streamNode = streamNode;
    this.next = streamNode + 1;
  }

  /** The live nodes, in index order. */
  up(): number[] {
    const out: number[] = [];
    for (const [i, url] of this.urls().entries()) if (url !== null) out.push(i);
    return out;
  }

  /** Pins the stream to `node` (the next stream request goes there). */
  pin(node: number): void {
    this.streamNode = node;
  }

  /** The node the next stream request goes to: the pinned one, or the next live one (and pinned there). */
  private streamTarget(): number {
    const up = this.up();
    if (up.length === 0) throw new TypeError('fetch failed (no gateway node is up)');
    if (!up.includes(this.streamNode)) this.streamNode = up.find((n) => n > this.streamNode) ?? up[0]!;
    return this.streamNode;
  }

  private commandTarget(): number {
    const up = this.up();
    if (up.length === 0) throw new TypeError('fetch failed (no gateway node is up)');
    const others = up.length > 1 ? up.filter((n) => n !== this.streamNode) : up;
    const count = this.urls().length;
    for (let i = 0; i < count; i++) {
      const candidate = (this.next + i) % count;
      if (others.includes(candidate)) {
        this.next = candidate + 1;
        return candidate;
      }
    }
    return others[0]!;
  }

  readonly fetch: FetchLike = async (input, init) => {
    if (!input.startsWith(ROUTER_ORIGIN)) return this.inner(input, init);
    const path = input.slice(ROUTER_ORIGIN.length);
    const method = init?.method ?? 'GET';
    const isStream = method === 'GET' && /^\/v1\/canvases\/[^/?]+\/events\b/.test(path);
    const node = isStream ? this.streamTarget() : this.commandTarget();
    const url = this.urls()[node];
    if (url === null || url === undefined) throw new TypeError(`fetch failed (node ${node} is down)`);
    this.log.push({ node, method, path: path.split('?')[0]! });
    return this.inner(url + path, init);
  };
}

import { createReadStream, type Stats, statSync } from 'node:fs';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import path from 'node:path';
import type { GatewayListener } from './createHttpServer.ts';

/** Content types by file extension (anything else is `application/octet-stream`). */
export const STATIC_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/** Path prefixes the static host never answers (the gateway's own routes). */
const RESERVED = ['/v1', '/healthz', '/readyz', '/metrics'] as const;

/** A file name with a content hash, as Vite writes them (`index-B3x9_kQz.js`): cached for a year. */
const HASHED_NAME = /[.-][A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/** Options of {@link createStaticHost}. */
export interface StaticHostOptions {
  /** The built app (`host/dist`): holds `index.html` and usually `assets/`. */
  dir: string;
  /** The page answered for unknown extension-less paths (SPA fallback). Default `index.html`. */
  fallback?: string;
}

/**
 * Serves a built single-page app: `GET`/`HEAD` of files under `dir` with their content type;
 * an unknown path without a file extension answers `index.html` (client-side routes, `/?actor=…`).
 * Never answers `/v1…`, `/healthz`, `/readyz` or `/metrics`, other methods, or a missing file with
 * an extension: for those it returns false and the gateway answers as usual (a contract §3 404).
 * Hashed assets (`assets/…`) are immutable for a year; everything else must be revalidated
 * (`no-cache` with an ETag), so a rebuilt host is picked up on reload.
 */
export function createStaticHost(options: StaticHostOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const root = path.resolve(options.dir);
  const fallback = options.fallback ?? 'index.html';
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const target = resolveTarget(root, req.url ?? '');
    if (target === null) return false;
    let file = target.file;
    let stats = statFile(file);
    if (stats === null) {
      if (target.hasExtension) return false;
      file = path.join(root, fallback);
      stats = statFile(file);
      if (stats === null) return false;
    }
    sendFile(req, res, root, file, stats);
    return true;
  };
}

/**
 * Wraps a gateway request listener: the static host answers first what is its own (see
 * {@link createStaticHost}); everything else goes to `listener` unchanged. Keeps `listener`'s
 * `beforeContinue` (the static host reads no bodies).
 */
export function withStaticHost(listener: GatewayListener, options: StaticHostOptions): GatewayListener {
  const host = createStaticHost(options);
  const wrapped: RequestListener = (req, res) => {
    if (!host(req, res)) listener(req, res);
  };
  return listener.beforeContinue === undefined
    ? wrapped
    : Object.assign(wrapped, { beforeContinue: listener.beforeContinue });
}

/** True when `pathname` is one of the gateway's own routes (or below one). */
export function isReservedPath(pathname: string): boolean {
  return RESERVED.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/** The file a request URL names under `root`, or null when it is not the static host's to answer. */
function resolveTarget(root: string, url: string): { file: string; hasExtension: boolean } | null {
  if (url.charCodeAt(0) !== 47 /* '/' */) return null;
  const q = url.search(/[?#]/);
  const raw = q === -1 ? url : url.slice(0, q);
  let pathname: string;
  try {
    pathname = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  // Reserved routes are checked on the raw and the decoded path (`/%761/…` must not slip through).
  if (isReservedPath(raw) || isReservedPath(pathname) || isReservedPath(pathname.toLowerCase())) return null;
  const normalized = path.posix.normalize(pathname);
  if (normalized.split('/').some((part) => part === '..' || (part.startsWith('.') && part.length > 1))) return null;
  const relative = normalized === '/' || normalized.endsWith('/') ? `${normalized}index.html` : normalized;
  const file = path.join(root, relative);
  if (file !== root && !file.startsWith(`${root}${path.sep}`)) return null;
  const base = path.posix.basename(normalized);
  return { file, hasExtension: base.includes('.') };
}

function statFile(file: string): Stats | null {
  try {
    const stats = statSync(file);
    return stats.isFile() ? stats : null;
  } catch {
    return null;
  }
}

function sendFile(req: IncomingMessage, res: ServerResponse, root: string, file: string, stats: Stats): void {
  const ext = path.extname(file).toLowerCase();
  const relative = path.relative(root, file).split(path.sep).join('/');
  const immutable = relative.startsWith('assets/') && HASHED_NAME.test(relative);
  const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
  res.setHeader('content-type', STATIC_CONTENT_TYPES[ext] ?? 'application/octet-stream');
  res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  res.setHeader('etag', etag);
  res.setHeader('last-modified', stats.mtime.toUTCString());
  res.setHeader('x-content-type-options', 'nosniff');
  if (ext === '.html') res.setHeader('x-frame-options', 'SAMEORIGIN');
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch?.split(/\s*,\s*/).includes(etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader('content-length', String(stats.size));
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}

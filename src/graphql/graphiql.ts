import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';

/**
 * GraphiQL, offline and cacheable. `@graphql-yoga/render-graphiql` ships GraphiQL's script and
 * style, a favicon and Monaco's three editor workers as strings, which its own renderer inlines
 * into one page of 9 MB. Here each is a file under `/graphiql/`, named after a hash of its
 * content and served with `Cache-Control: public, max-age=31536000, immutable`, compressed with
 * brotli or gzip once per process (the first time an encoding is asked for; never per request).
 * The page itself is 2 kB of HTML with `Cache-Control: no-cache` and an ETag: it names the files
 * of this version, so an upgrade that changes a file changes its name. (Browsers fetch the page
 * again on each visit all the same: GraphiQL's POSTs to its URL take it out of their cache.)
 * `GET /` redirects to the page. Nothing is ever fetched from anywhere but the gateway.
 */

export const ASSET_PREFIX = '/graphiql/';
const IMMUTABLE = 'public, max-age=31536000, immutable';

type Coding = 'br' | 'gzip';

interface Asset {
  body: Buffer;
  type: string;
  /** The hash in the file name. */
  hash: string;
  /** The compressed bodies, made on first demand; null when compression does not shrink it. */
  encoded: Partial<Record<Coding, Promise<Buffer | null>>>;
}

interface Catalogue {
  /** By path, for example `/graphiql/graphiql.3f9c0a1b2c4d5e6f.js`. */
  assets: Map<string, Asset>;
  js: string;
  css: string;
  favicon: string;
  /** Monaco's worker URLs by the label Monaco asks for. */
  workers: { editorWorkerService: string; json: string; graphql: string };
}

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

function hashOf(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

function dataUrlBody(url: string): { type: string; body: Buffer } {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (!match?.[1] || match[2] === undefined) throw new Error('GraphiQL favicon: not a data: URL');
  return { type: match[1], body: Buffer.from(match[2], 'base64') };
}

let loading: Promise<Catalogue> | undefined;

/** GraphiQL's files, read from node_modules on the first visit (9 MB of strings) and hashed. */
function catalogue(): Promise<Catalogue> {
  loading ??= import('@graphql-yoga/render-graphiql/graphiql').then((files) => {
    const assets = new Map<string, Asset>();
    const add = (name: string, ext: string, type: string, content: Buffer | string): string => {
      const body = typeof content === 'string' ? Buffer.from(content) : content;
      const hash = hashOf(body);
      const path = `${ASSET_PREFIX}${name}.${hash}.${ext}`;
      assets.set(path, { body, type, hash, encoded: {} });
      return path;
    };
    const script = 'text/javascript; charset=utf-8';
    const icon = dataUrlBody(files.favicon);
    return {
      assets,
      js: add('graphiql', 'js', script, files.js),
      css: add('graphiql', 'css', 'text/css; charset=utf-8', files.css),
      favicon: add('favicon', 'ico', icon.type, icon.body),
      workers: {
        editorWorkerService: add('editor.worker', 'js', script, files.editorWorkerService),
        json: add('json.worker', 'js', script, files.jsonWorker),
        graphql: add('graphql.worker', 'js', script, files.graphqlWorker),
      },
    };
  });
  return loading;
}

/**
 * The asset's body in the coding, compressed once, in libuv's thread pool. Brotli quality 6:
 * within 3 % of quality 9's size at half its time (11 takes 20 s for the script).
 */
function encoded(asset: Asset, coding: Coding): Promise<Buffer | null> {
  let body = asset.encoded[coding];
  if (body === undefined) {
    const compressed =
      coding === 'br'
        ? brotli(asset.body, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: 6,
              [constants.BROTLI_PARAM_SIZE_HINT]: asset.body.length,
            },
          })
        : gzipped(asset.body, { level: 9 });
    body = compressed.then((bytes) => (bytes.length < asset.body.length ? bytes : null));
    asset.encoded[coding] = body;
  }
  return body;
}

/** The codings an `Accept-Encoding` header accepts (q above 0), brotli first. */
function acceptedCodings(header: string | null): Coding[] {
  const q = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (name === '') continue;
    const weight = params.find((p) => p.startsWith('q='));
    q.set(name, weight === undefined ? 1 : Number(weight.slice(2)) || 0);
  }
  const wildcard = q.get('*') ?? 0;
  return (['br', 'gzip'] as const).filter((coding) => (q.get(coding) ?? wildcard) > 0);
}

/** Whether an `If-None-Match` header names the ETag. */
function matches(header: string | null, etag: string): boolean {
  if (header === null) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

/** JSON that is safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page: the assets by name, the options in JSON, and the call that renders GraphiQL. */
function renderPage(files: Catalogue, options: GraphiQLOptions): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(options.title ?? 'GraphiQL')}</title>
    <link rel="icon" href="${files.favicon}" />
    <link rel="stylesheet" href="${files.css}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root"></div>
    <script>
      const workers = ${scriptJson(files.workers)};
      self.MonacoEnvironment = {
        globalAPI: false,
        getWorkerUrl: (moduleId, label) => workers[label],
      };
    </script>
    <script src="${files.js}"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), ${scriptJson(options)});
    </script>
  </body>
</html>
`;
}

/** Sends one of the page's files, compressed when the browser takes a coding that shrinks it. */
async function sendAsset(
  asset: Asset | undefined,
  codings: Coding[],
  send: (status: number, body: Buffer, headers: Record<string, string>) => void,
): Promise<void> {
  if (!asset) {
    send(404, Buffer.from('Not found'), { 'content-type': 'text/plain; charset=utf-8' });
    return;
  }
  const headers: Record<string, string> = {
    'content-type': asset.type,
    'cache-control': IMMUTABLE,
    vary: 'accept-encoding',
  };
  for (const coding of codings) {
    const body = await encoded(asset, coding);
    if (body === null) continue;
    send(200, body, { ...headers, 'content-encoding': coding, etag: `"${asset.hash}-${coding}"` });
    return;
  }
  send(200, asset.body, { ...headers, etag: `"${asset.hash}"` });
}

/**
 * Serves GraphiQL: the page on a browser's `GET` of the GraphQL endpoint, its assets under
 * `/graphiql/`, and a redirect from `/`. Every other request passes by after a method check.
 */
export function useOfflineGraphiQL(endpoint: string, options: GraphiQLOptions): Plugin {
  let page: { html: Buffer; etag: string } | undefined;
  return {
    onRequest(event) {
      const { request, url, fetchAPI } = event;
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const { pathname } = url;
      if (pathname === '/') {
        event.endResponse(
          new fetchAPI.Response(null, { status: 302, headers: { location: endpoint } }),
        );
        return;
      }
      const wantsPage =
        (pathname === endpoint || pathname === `${endpoint}/`) &&
        (request.headers.get('accept') ?? '').includes('text/html');
      if (!wantsPage && !pathname.startsWith(ASSET_PREFIX)) return;

      const codings = acceptedCodings(request.headers.get('accept-encoding'));
      const send = (status: number, body: Buffer, headers: Record<string, string>): void => {
        const etag = headers.etag;
        if (status === 200 && etag && matches(request.headers.get('if-none-match'), etag)) {
          event.endResponse(new fetchAPI.Response(null, { status: 304, headers }));
          return;
        }
        headers['content-length'] = String(body.length);
        // A view of the buffer, not a copy (Node's buffers are on an ArrayBuffer, never shared).
        const view = new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength);
        event.endResponse(new fetchAPI.Response(view, { status, headers }));
      };
      return catalogue()
        .then(async (files) => {
          if (wantsPage) {
            if (!page) {
              const html = Buffer.from(renderPage(files, options));
              page = { html, etag: `"${hashOf(html)}"` };
            }
            // The browser asks for the assets next: have them compressed by then.
            const coding = codings[0];
            if (coding) for (const asset of files.assets.values()) void encoded(asset, coding);
            send(200, page.html, {
              'content-type': 'text/html; charset=utf-8',
              'cache-control': 'no-cache',
              etag: page.etag,
            });
            return;
          }
          await sendAsset(files.assets.get(pathname), codings, send);
        })
        .catch(() => {
          send(500, Buffer.from('GraphiQL is unavailable'), {
            'content-type': 'text/plain; charset=utf-8',
          });
        });
    },
  };
}

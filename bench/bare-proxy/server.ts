/**
 * Leg (a)'s baseline: the least a gateway can do for the 20-tag page. A node:http server that
 * makes the gateway's upstream call with undici (same pool settings) and reshapes the JSON into
 * the GraphQL response's shape, byte for byte, with no GraphQL at all: it ignores the query.
 *
 *   SWR_ENDPOINT=http://127.0.0.1:… PORT=… node bench/dist/bench/bare-proxy/server.js
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { Pool } from 'undici';
import { serveUntilStopped } from '../lib/serve';

interface Tag {
  Tag: string;
  digest: string;
  size: number;
  updated: string;
}

const endpoint = process.env.SWR_ENDPOINT ?? 'http://127.0.0.1:4010';
const pool = new Pool(endpoint, { connections: 64, keepAliveTimeout: 10_000 });
const PATH =
  '/v2/manage/namespaces/library/repos/app/tags?offset=0&limit=20&order_column=updated_at&order_type=desc';
// The gateway's cursor: base64url("c1:{scope}:{offset}:{tag}@{updated}"), scope a hash of
// the list, the tag's name and time naming its edge.
const scope = createHash('sha256')
  .update(JSON.stringify(['library', 'app', 'UPDATED_AT', 'DESC', '']))
  .digest('base64url')
  .slice(0, 10);
const cursor = (offset: number, tag: Tag): string =>
  Buffer.from(`c1:${scope}:${offset}:${tag.Tag}@${tag.updated}`).toString('base64url');

async function page(token: string): Promise<string> {
  const response = await pool.request({
    method: 'GET',
    path: PATH,
    headers: { 'x-auth-token': token, 'content-type': 'application/json' },
  });
  const tags = (await response.body.json()) as Tag[];
  if (response.statusCode !== 200) throw new Error(`SWR answered ${response.statusCode}`);
  const total = Number(/\/(\d+)$/.exec(String(response.headers['content-range']))?.[1]);
  const edges = tags.map((t, i) => ({
    cursor: cursor(i, t),
    node: {
      name: t.Tag,
      digest: t.digest,
      size: String(t.size),
      updatedAt: t.updated,
    },
  }));
  const last = tags[tags.length - 1];
  const pageInfo = {
    hasNextPage: tags.length < total,
    endCursor: last === undefined ? null : cursor(tags.length - 1, last),
  };
  return JSON.stringify({ data: { repository: { tags: { totalCount: total, pageInfo, edges } } } });
}

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const token = req.headers['x-auth-token'];
    page(typeof token === 'string' ? token : '').then(
      (body) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
      },
      (error: unknown) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: String(error) }] }));
      },
    );
  });
});
serveUntilStopped(server, 4001, () => pool.close());

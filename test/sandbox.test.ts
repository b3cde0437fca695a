/**
 * The embedded SWR sandbox, over real HTTP: every rule of the tag-list endpoint, status and body.
 */
import { createHash } from 'node:crypto';
import { Agent, get as httpGet } from 'node:http';

import type { SwrTag } from '../src/swr/types';
import { buildDataset, defaultDataset } from '../src/sandbox/dataset';
import { DEMO_DOMAIN_ID, OTHER_DOMAIN_ID } from '../src/sandbox/specs';
import { expectedTags } from './support/sandbox-data';
import { serializeTag } from '../src/sandbox/wire';
import { DEMO_TOKEN, OTHER_TOKEN, startSandbox } from '../src/sandbox/server';
import type { SandboxHandle } from '../src/sandbox/server';
import {
  BAD_TOKEN_BODY,
  NAMESPACE_NOT_FOUND_BODY,
  NO_TOKEN_BODY,
  OFFSET_ERROR_BODY,
  callSandbox,
  invalidParameters,
  untimed,
  type SandboxRequestOptions,
} from './support/sandbox-client';

const CONTENT_TYPE_BODY = {
  errors: [
    {
      errorCode: 'SVCSTG.SWR.4001025',
      errorMessage: 'Web Bad request error: invalid parameters',
      detail: 'Content-Type must be application/json',
    },
  ],
};
const REPOSITORY_NOT_FOUND_BODY = {
  error_code: 'SVCSTG.SWR.4041057',
  error_msg: 'Tag list not found',
};

let sandbox: SandboxHandle;

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(async () => {
  await sandbox.close();
});

function tagsPath(namespace: string, repository: string, query = ''): string {
  return `/v2/manage/namespaces/${namespace}/repos/${repository}/tags${query === '' ? '' : '?'}${query}`;
}

function get(path: string, options: SandboxRequestOptions = {}, base = sandbox.url) {
  return callSandbox(base + path, options);
}

function pageBody(tags: readonly SwrTag[]): string {
  return `[${tags.map(serializeTag).join(',')}]`;
}

function names(json: unknown): string[] {
  return (json as { Tag: string }[]).map((t) => t.Tag);
}

const ORDER = 'order_column=tag&order_type=asc';

describe('offset and limit', () => {
  it('answers a valid page with the right slice and Content-Range', async () => {
    const res = await get(tagsPath('library', 'nginx', `offset=20&limit=10&${ORDER}`));
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/json');
    expect(res.contentRange).toBe('20-10/97');
    expect(res.text).toBe(pageBody(expectedTags('library', 'nginx', 'tag', 'asc').slice(20, 30)));
  });

  it('rejects an offset that is not a multiple of limit', async () => {
    const res = await get(tagsPath('library', 'nginx', `offset=5&limit=10&${ORDER}`));
    expect(res.status).toBe(400);
    expect(res.json).toEqual(OFFSET_ERROR_BODY);
    expect(res.contentRange).toBeNull();
  });

  it('rejects limit without offset with 4001072', async () => {
    const res = await get(tagsPath('library', 'nginx', `limit=10&${ORDER}`));
    expect(res.status).toBe(400);
    expect(res.json).toEqual(OFFSET_ERROR_BODY);
  });

  it('rejects offset without limit with 4001072', async () => {
    const res = await get(tagsPath('library', 'nginx', `offset=0&${ORDER}`));
    expect(res.status).toBe(400);
    expect(res.json).toEqual(OFFSET_ERROR_BODY);
  });

  it('rejects a negative or non-numeric offset with 4001072', async () => {
    for (const offset of ['-10', 'abc', '1e1', '']) {
      const res = await get(tagsPath('library', 'nginx', `offset=${offset}&limit=10&${ORDER}`));
      expect([offset, res.status]).toEqual([offset, 400]);
      expect(res.json).toEqual(OFFSET_ERROR_BODY);
    }
  });

  it('accepts limit 1000 and rejects limit 1001 with 4000056', async () => {
    const ok = await get(tagsPath('library', 'app', `offset=1000&limit=1000&${ORDER}`));
    expect(ok.status).toBe(200);
    expect(ok.contentRange).toBe('1000-1000/2500');
    expect((ok.json as unknown[]).length).toBe(1000);

    const res = await get(tagsPath('library', 'app', `offset=0&limit=1001&${ORDER}`));
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      errors: [
        {
          errorCode: 'SVCSTG.SWR.4000056',
          errorMessage: 'Invalid page size',
          detail: 'limit must be 1..1000',
        },
      ],
    });
  });

  it('rejects limit 0, negative, non-numeric or fractional with 4000056', async () => {
    for (const limit of ['0', '-5', 'ten', '2.5', '', '99999999999999999999']) {
      const res = await get(tagsPath('library', 'nginx', `offset=0&limit=${limit}&${ORDER}`));
      expect([limit, res.status]).toEqual([limit, 400]);
      expect((res.json as { errors: { errorCode: string }[] }).errors[0]?.errorCode).toBe(
        'SVCSTG.SWR.4000056',
      );
    }
  });

  it('returns every record when both are absent (old-server behaviour)', async () => {
    const res = await get(tagsPath('library', 'app', ORDER));
    expect(res.status).toBe(200);
    expect(res.contentRange).toBe('0-2500/2500');
    expect(res.text).toBe(pageBody(expectedTags('library', 'app', 'tag', 'asc')));
  });
});

describe('order_column and order_type', () => {
  it('rejects order_column without order_type and vice versa', async () => {
    const a = await get(tagsPath('library', 'nginx', 'offset=0&limit=10&order_column=tag'));
    expect(a.status).toBe(400);
    expect(a.json).toEqual(invalidParameters('order_column and order_type must be sent together'));
    const b = await get(tagsPath('library', 'nginx', 'offset=0&limit=10&order_type=asc'));
    expect(b.status).toBe(400);
    expect(b.json).toEqual(invalidParameters('order_column and order_type must be sent together'));
  });

  it('rejects bad values', async () => {
    const a = await get(
      tagsPath('library', 'nginx', 'offset=0&limit=10&order_column=name&order_type=asc'),
    );
    expect(a.status).toBe(400);
    expect(a.json).toEqual(invalidParameters('order_column must be updated_at or tag'));
    const b = await get(
      tagsPath('library', 'nginx', 'offset=0&limit=10&order_column=tag&order_type=ASC'),
    );
    expect(b.status).toBe(400);
    expect(b.json).toEqual(invalidParameters('order_type must be asc or desc'));
  });

  it('defaults to updated_at desc when both are absent', async () => {
    const res = await get(tagsPath('library', 'nginx', 'offset=0&limit=97'));
    expect(res.status).toBe(200);
    expect(res.text).toBe(pageBody(expectedTags('library', 'nginx', 'updated_at', 'desc')));
  });

  it.each([
    ['updated_at', 'asc'],
    ['updated_at', 'desc'],
    ['tag', 'asc'],
    ['tag', 'desc'],
  ] as const)('pages through nginx in %s %s order', async (column, type) => {
    const collected: SwrTag[] = [];
    for (let offset = 0; offset < 97; offset += 10) {
      const res = await get(
        tagsPath(
          'library',
          'nginx',
          `offset=${offset}&limit=10&order_column=${column}&order_type=${type}`,
        ),
      );
      expect(res.status).toBe(200);
      expect(res.contentRange).toBe(`${offset}-${Math.min(10, 97 - offset)}/97`);
      collected.push(...(res.json as SwrTag[]));
    }
    expect(collected.map((t) => t.id)).toEqual(
      expectedTags('library', 'nginx', column, type).map((t) => t.id),
    );
    // Check the order independently of the implementation's comparator.
    const sign = type === 'asc' ? 1 : -1;
    for (let i = 1; i < collected.length; i++) {
      const prev = collected[i - 1] as SwrTag;
      const cur = collected[i] as SwrTag;
      if (column === 'tag') {
        expect(sign * (prev.Tag < cur.Tag ? -1 : 1)).toBe(-1);
      } else {
        const cmp =
          prev.updated === cur.updated ? prev.id - cur.id : prev.updated < cur.updated ? -1 : 1;
        expect(sign * cmp).toBeLessThan(0);
      }
    }
    expect(new Set(collected.map((t) => t.id)).size).toBe(97);
  });

  it('orders tag names in plain code-unit order', async () => {
    const res = await get(tagsPath('library', 'app', ORDER));
    const got = names(res.json);
    const sorted = [...got].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(got).toEqual(sorted);
  });

  it('breaks ties on updated by id, desc being the exact reverse of asc', async () => {
    const q = (type: string): string => `order_column=updated_at&order_type=${type}`;
    const asc = (await get(tagsPath('library', 'tied', q('asc')))).json as SwrTag[];
    const desc = (await get(tagsPath('library', 'tied', q('desc')))).json as SwrTag[];
    expect(asc).toHaveLength(40);
    expect(new Set(asc.map((t) => t.updated)).size).toBe(8);
    for (let i = 1; i < asc.length; i++) {
      const prev = asc[i - 1] as SwrTag;
      const cur = asc[i] as SwrTag;
      expect(prev.updated <= cur.updated).toBe(true);
      if (prev.updated === cur.updated) expect(prev.id).toBeLessThan(cur.id);
    }
    expect(desc.map((t) => t.id)).toEqual(asc.map((t) => t.id).reverse());
    // Paging across tie groups neither drops nor repeats a tag.
    const pages: string[] = [];
    for (let offset = 0; offset < 40; offset += 3) {
      const res = await get(tagsPath('library', 'tied', `offset=${offset}&limit=3&${q('asc')}`));
      pages.push(...names(res.json));
    }
    expect(pages).toEqual(asc.map((t) => t.Tag));
  });
});

describe('token and headers', () => {
  it('answers 400 4001048 (bare array) without a token', async () => {
    const res = await get(tagsPath('library', 'nginx', `offset=0&limit=10&${ORDER}`), {
      token: null,
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual(NO_TOKEN_BODY);
  });

  it('answers 400 4001048 for an empty token', async () => {
    const res = await get(tagsPath('library', 'nginx', `offset=0&limit=10&${ORDER}`), {
      token: '',
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual(NO_TOKEN_BODY);
  });

  it('answers 401 4010000 (bare array) for an unknown token', async () => {
    const res = await get(tagsPath('library', 'nginx', `offset=0&limit=10&${ORDER}`), {
      token: 'Bearer sandbox-demo-token',
    });
    expect(res.status).toBe(401);
    expect(res.json).toEqual(BAD_TOKEN_BODY);
  });

  it('checks the token before the Content-Type', async () => {
    const res = await get(tagsPath('library', 'nginx', 'limit=10'), {
      token: null,
      contentType: null,
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual(NO_TOKEN_BODY);
  });

  it('answers 400 4001025 (live shape) without Content-Type or with another one', async () => {
    for (const contentType of [null, 'text/plain', 'application/jsonx', 'application/xml']) {
      const res = await get(tagsPath('library', 'nginx', `offset=0&limit=10&${ORDER}`), {
        contentType,
      });
      expect([contentType, res.status]).toEqual([contentType, 400]);
      expect(res.json).toEqual(CONTENT_TYPE_BODY);
    }
  });

  it('accepts the charset variants of application/json', async () => {
    for (const contentType of [
      'application/json',
      'application/json;charset=utf-8',
      'application/json; charset=UTF-8',
      'charset=utf-8 application/json',
    ]) {
      const res = await get(tagsPath('library', 'hello', ORDER), { contentType });
      expect([contentType, res.status]).toEqual([contentType, 200]);
      expect(names(res.json)).toEqual(['latest']);
    }
  });

  it('checks the Content-Type before namespace visibility', async () => {
    const res = await get(tagsPath('globex', 'secret', ORDER), { contentType: null });
    expect(res.status).toBe(400);
    expect(res.json).toEqual(CONTENT_TYPE_BODY);
  });
});

describe('namespaces and repositories', () => {
  it('hides a foreign namespace exactly like an unknown one (404 4040058)', async () => {
    const foreign = await get(tagsPath('globex', 'app', `offset=0&limit=10&${ORDER}`));
    const unknown = await get(tagsPath('nosuchns', 'app', `offset=0&limit=10&${ORDER}`));
    expect(foreign.status).toBe(404);
    expect(foreign.json).toEqual(NAMESPACE_NOT_FOUND_BODY);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toBe(foreign.text);
  });

  it('checks visibility before the query parameters', async () => {
    const res = await get(tagsPath('globex', 'secret', 'limit=5000'));
    expect(res.status).toBe(404);
    expect(res.json).toEqual(NAMESPACE_NOT_FOUND_BODY);
  });

  it('never shows one account the other account’s data', async () => {
    const other = await get(tagsPath('globex', 'app', ORDER), { token: OTHER_TOKEN });
    expect(other.status).toBe(200);
    expect(other.contentRange).toBe('0-3/3');
    const otherTags = other.json as SwrTag[];
    expect(otherTags.every((t) => t.domain_id === OTHER_DOMAIN_ID)).toBe(true);
    expect(otherTags.every((t) => t.path.includes('/globex/app:'))).toBe(true);

    const demo = await get(tagsPath('library', 'app', `offset=0&limit=10&${ORDER}`));
    expect((demo.json as SwrTag[]).every((t) => t.domain_id === DEMO_DOMAIN_ID)).toBe(true);

    const cross = await get(tagsPath('library', 'app', ORDER), { token: OTHER_TOKEN });
    expect(cross.status).toBe(404);
    expect(cross.json).toEqual(NAMESPACE_NOT_FOUND_BODY);
  });

  it('answers 404 4041057 for an unknown repository in an owned namespace', async () => {
    const res = await get(tagsPath('library', 'nosuchrepo', `offset=0&limit=10&${ORDER}`));
    expect(res.status).toBe(404);
    expect(res.json).toEqual(REPOSITORY_NOT_FOUND_BODY);
  });

  it('answers an empty repository with [] and 0-0/0', async () => {
    const res = await get(tagsPath('library', 'empty', `offset=0&limit=10&${ORDER}`));
    expect(res.status).toBe(200);
    expect(res.text).toBe('[]');
    expect(res.contentRange).toBe('0-0/0');
  });

  it('reads $ and %24 as / in the repository name', async () => {
    const expected = pageBody(expectedTags('library', 'team/app', 'tag', 'asc'));
    for (const repo of ['team$app', 'team%24app']) {
      const res = await get(tagsPath('library', repo, ORDER));
      expect([repo, res.status]).toEqual([repo, 200]);
      expect(res.contentRange).toBe('0-23/23');
      expect(res.text).toBe(expected);
    }
    expect(
      expectedTags('library', 'team/app', 'tag', 'asc').every((t) =>
        t.path.startsWith('swr.eu-de.otc.t-systems.com/library/team/app:'),
      ),
    ).toBe(true);
  });

  it('does not resolve a raw or percent-encoded / inside the repository part', async () => {
    const raw = await get(tagsPath('library', 'team/app', ORDER));
    expect(raw.status).toBe(404);
    expect(raw.json).toEqual({ error_code: 'SVCSTG.SWR.4040001', error_msg: 'Resource not found' });
    const encoded = await get(tagsPath('library', 'team%2Fapp', ORDER));
    expect(encoded.status).toBe(404);
    expect(encoded.json).toEqual(REPOSITORY_NOT_FOUND_BODY);
  });

  it('answers any other method or path with an SWR-shaped 404', async () => {
    for (const [method, path] of [
      ['POST', tagsPath('library', 'nginx')],
      ['DELETE', tagsPath('library', 'nginx')],
      ['POST', '/v2/manage/namespaces'],
      ['GET', '/v2/manage/namespaces/library/repos/nginx/tags/latest'],
      ['GET', '/'],
    ] as const) {
      const res = await get(path, { method });
      expect([method, path, res.status]).toEqual([method, path, 404]);
      expect(res.json).toEqual({
        error_code: 'SVCSTG.SWR.4040001',
        error_msg: 'Resource not found',
      });
    }
  });
});

describe('filter and tag', () => {
  it('reads the parameters from filter', async () => {
    const filter = encodeURIComponent('offset::10|limit::5|order_column::tag|order_type::desc');
    const res = await get(tagsPath('library', 'nginx', `filter=${filter}`));
    expect(res.status).toBe(200);
    expect(res.contentRange).toBe('10-5/97');
    expect(res.text).toBe(pageBody(expectedTags('library', 'nginx', 'tag', 'desc').slice(10, 15)));
  });

  it('lets filter win entirely over the plain parameters', async () => {
    const filter = encodeURIComponent('offset::0|limit::5|order_column::tag|order_type::asc');
    const res = await get(
      tagsPath(
        'library',
        'nginx',
        `filter=${filter}&offset=3&limit=7&order_column=bogus&order_type=desc&tag=zzz`,
      ),
    );
    expect(res.status).toBe(200);
    expect(res.contentRange).toBe('0-5/97');
    expect(res.text).toBe(pageBody(expectedTags('library', 'nginx', 'tag', 'asc').slice(0, 5)));

    // A filter without offset/limit returns everything even when plain offset/limit are sent.
    const all = await get(
      tagsPath(
        'library',
        'nginx',
        `filter=${encodeURIComponent('order_column::tag|order_type::asc')}&offset=0&limit=5`,
      ),
    );
    expect(all.contentRange).toBe('0-97/97');
  });

  it('applies the rules inside filter too', async () => {
    const res = await get(
      tagsPath('library', 'nginx', `filter=${encodeURIComponent('limit::10|order_column::tag')}`),
    );
    expect(res.status).toBe(400);
    expect(res.json).toEqual(OFFSET_ERROR_BODY);
    const big = await get(
      tagsPath('library', 'nginx', `filter=${encodeURIComponent('offset::0|limit::2000')}`),
    );
    expect(big.status).toBe(400);
    expect((big.json as { errors: { errorCode: string }[] }).errors[0]?.errorCode).toBe(
      'SVCSTG.SWR.4000056',
    );
  });

  it('rejects a malformed filter with 400 4001025', async () => {
    for (const [filter, detail] of [
      ['offset=0|limit=10', 'Invalid parameter in filter: offset=0'],
      ['offset::0|limit::10|color::red', 'Invalid parameter in filter: color'],
      ['offset::0|offset::10|limit::10', 'Invalid parameter in filter: offset'],
      ['', 'Invalid parameter in filter: empty filter'],
    ] as const) {
      const res = await get(tagsPath('library', 'nginx', `filter=${encodeURIComponent(filter)}`));
      expect([filter, res.status]).toEqual([filter, 400]);
      expect(res.json).toEqual(invalidParameters(detail));
    }
  });

  it('filters by tag substring, case-sensitively, with the filtered total', async () => {
    const expected = expectedTags('library', 'app', 'tag', 'asc', 'alpine');
    expect(expected.length).toBeGreaterThan(20);
    const res = await get(tagsPath('library', 'app', `offset=20&limit=20&${ORDER}&tag=alpine`));
    expect(res.status).toBe(200);
    expect(res.contentRange).toBe(`20-${Math.min(20, expected.length - 20)}/${expected.length}`);
    expect(res.text).toBe(pageBody(expected.slice(20, 40)));
    expect(names(res.json).every((n) => n.includes('alpine'))).toBe(true);

    const upper = await get(tagsPath('library', 'app', `offset=0&limit=20&${ORDER}&tag=ALPINE`));
    expect(upper.text).toBe('[]');
    expect(upper.contentRange).toBe('0-0/0');

    const empty = await get(tagsPath('library', 'app', `offset=0&limit=20&${ORDER}&tag=`));
    expect(empty.contentRange).toBe('0-20/2500');
  });

  it('matches a substring anywhere in the name, also through filter', async () => {
    const res = await get(
      tagsPath(
        'library',
        'busybox',
        `filter=${encodeURIComponent('tag::36.1|order_column::tag|order_type::asc')}`,
      ),
    );
    expect(res.status).toBe(200);
    expect(names(res.json)).toEqual(['1.36.1', '1.36.1-glibc', '1.36.1-musl']);
    expect(res.contentRange).toBe('0-3/3');
  });
});

describe('Content-Range and pages', () => {
  it('reports full, partial and past-the-end pages', async () => {
    const full = await get(tagsPath('library', 'nginx', `offset=0&limit=20&${ORDER}`));
    expect(full.contentRange).toBe('0-20/97');
    expect((full.json as unknown[]).length).toBe(20);

    const partial = await get(tagsPath('library', 'nginx', `offset=80&limit=20&${ORDER}`));
    expect(partial.contentRange).toBe('80-17/97');
    expect(partial.text).toBe(pageBody(expectedTags('library', 'nginx', 'tag', 'asc').slice(80)));

    const past = await get(tagsPath('library', 'nginx', `offset=200&limit=20&${ORDER}`));
    expect(past.status).toBe(200);
    expect(past.text).toBe('[]');
    expect(past.contentRange).toBe('200-0/97');
  });
});

describe('the data', () => {
  it('emits the 2^63-1 size as exact integer digits', async () => {
    const res = await get(tagsPath('library', 'busybox', `${ORDER}&tag=huge`));
    expect(res.status).toBe(200);
    expect(res.text).toContain('"size":9223372036854775807,');
    expect(res.text).not.toContain('9223372036854776000');
    const huge = expectedTags('library', 'busybox', 'tag', 'asc', 'huge')[0];
    expect(huge?.size).toBe(9223372036854775807n);
    // Its manifest carries the same exact digits.
    expect(huge?.manifest).toContain('"size":9223372036854775807,');
  });

  it('has the documented repositories, sizes and shapes', () => {
    const counts = new Map<string, number>();
    const ids = new Set<number>();
    let lists = 0;
    let total = 0;
    let scannedAbsent = 0;
    for (const ns of defaultDataset().namespaces.values()) {
      for (const repo of ns.repositories.values()) {
        counts.set(`${ns.name}/${repo.name}`, repo.tags.length);
        const tagNames = new Set<string>();
        for (const { tag, json } of repo.tags) {
          total++;
          ids.add(tag.id);
          tagNames.add(tag.Tag);
          expect(tag.repo_id).toBe(repo.id);
          expect(tag.image_id).toMatch(/^[0-9a-f]{64}$/);
          expect(tag.domain_id).toMatch(/^[0-9a-f]{32}$/);
          expect(tag.digest).toBe(
            `sha256:${createHash('sha256').update(tag.manifest).digest('hex')}`,
          );
          expect(tag.path).toBe(`swr.eu-de.otc.t-systems.com/${ns.name}/${repo.name}:${tag.Tag}`);
          expect(tag.internal_path).toBe(`10.125.0.198:20202/${ns.name}/${repo.name}:${tag.Tag}`);
          expect(tag.created <= tag.updated).toBe(true);
          expect(tag.updated).toMatch(/^202[3-6]-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
          expect(tag.created).toMatch(/^202[3-6]-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
          expect(tag.deleted).toBeNull();
          expect(tag.schema).toBe(2);
          if (tag.scanned === undefined) scannedAbsent++;
          const manifest = JSON.parse(tag.manifest) as {
            mediaType: string;
            layers?: { size: number }[];
            manifests?: { platform: { os: string; architecture: string } }[];
          };
          if (tag.tag_type === 1) {
            lists++;
            expect(manifest.mediaType).toBe(
              'application/vnd.docker.distribution.manifest.list.v2+json',
            );
            expect(manifest.manifests?.length).toBeGreaterThanOrEqual(2);
            expect(manifest.manifests?.length).toBeLessThanOrEqual(4);
          } else {
            expect(tag.tag_type).toBe(0);
            expect(manifest.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
            expect(manifest.layers?.length).toBeGreaterThanOrEqual(1);
            expect(manifest.layers?.length).toBeLessThanOrEqual(6);
            if (typeof tag.size === 'number') {
              expect(manifest.layers?.reduce((s, l) => s + l.size, 0)).toBe(tag.size);
            }
          }
          if (typeof tag.size === 'number') {
            expect(tag.size).toBeGreaterThanOrEqual(2_000_000);
            expect(tag.size).toBeLessThanOrEqual(900_000_000);
          }
          expect(JSON.parse(json)).toEqual(JSON.parse(serializeTag(tag)));
        }
        expect(tagNames.size).toBe(repo.tags.length);
      }
    }
    expect(ids.size).toBe(total);
    expect(Object.fromEntries(counts)).toEqual({
      'library/empty': 0,
      'library/hello': 1,
      'library/busybox': 7,
      'library/nginx': 97,
      'library/app': 2500,
      'library/team/app': 23,
      'library/tied': 40,
      'library/multiarch': 12,
      ...Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`acme/svc-${i}`, 25])),
      'globex/secret': 5,
      'globex/app': 3,
      'team/api': 3,
      'team/web': 3,
      'team/team-tools': 3,
      'team/docs/site': 3,
      'team-b/api': 2,
      'team-b/worker': 2,
      'team-b/team-tools': 2,
      'myteam/web': 2,
      'myteam/db': 2,
      'myteam/aaa-first': 2,
    });
    expect(
      expectedTags('library', 'multiarch', 'tag', 'asc').filter((t) => t.tag_type === 1),
    ).toHaveLength(6);
    expect(lists / total).toBeGreaterThan(0.12);
    expect(lists / total).toBeLessThan(0.3);
    expect(scannedAbsent).toBeGreaterThan(0);
    expect(scannedAbsent).toBeLessThan(total);
    expect(defaultDataset().accounts.get('demo')?.namespaces).toEqual(['library', 'acme']);
    expect(defaultDataset().accounts.get('partner')?.namespaces).toEqual([
      'team',
      'team-b',
      'myteam',
    ]);
  });

  it('is deterministic: two starts give byte-identical pages, two builds identical data', async () => {
    const second = await startSandbox();
    try {
      for (const query of [
        `offset=0&limit=20&${ORDER}`,
        'offset=40&limit=20&order_column=updated_at&order_type=desc',
        ORDER,
      ]) {
        const a = await get(tagsPath('library', 'app', query));
        const b = await get(tagsPath('library', 'app', query), {}, second.url);
        expect(b.status).toBe(200);
        expect(b.text).toBe(a.text);
      }
    } finally {
      await second.close();
    }
    const dump = (seed?: number): string => {
      const parts: string[] = [];
      for (const ns of buildDataset(seed).namespaces.values()) {
        for (const repo of ns.repositories.values()) parts.push(...repo.tags.map((t) => t.json));
      }
      return parts.join('\n');
    };
    const first = dump();
    expect(dump()).toBe(first);
    expect(dump(12345)).not.toBe(first);
    expect(createHash('sha256').update(first).digest('hex')).toBe(
      createHash('sha256')
        .update(
          [...defaultDataset().namespaces.values()]
            .flatMap((ns) =>
              [...ns.repositories.values()].flatMap((r) => r.tags.map((t) => t.json)),
            )
            .join('\n'),
        )
        .digest('hex'),
    );
  });
});

describe('request log', () => {
  it('records every request, in order, with the account but never the token', async () => {
    sandbox.resetRequests();
    expect(sandbox.requests).toHaveLength(0);
    await get(tagsPath('library', 'team%24app', `offset=0&limit=5&${ORDER}`));
    await get(tagsPath('globex', 'secret', ORDER), { token: OTHER_TOKEN });
    await get(tagsPath('library', 'nginx'), { token: null });
    await get(tagsPath('library', 'nginx'), { token: 'not-a-token' });
    expect(untimed(sandbox.requests)).toEqual([
      {
        method: 'GET',
        path: '/v2/manage/namespaces/library/repos/team%24app/tags',
        query: { offset: '0', limit: '5', order_column: 'tag', order_type: 'asc' },
        status: 200,
        account: 'demo',
      },
      {
        method: 'GET',
        path: '/v2/manage/namespaces/globex/repos/secret/tags',
        query: { order_column: 'tag', order_type: 'asc' },
        status: 200,
        account: 'other',
      },
      {
        method: 'GET',
        path: '/v2/manage/namespaces/library/repos/nginx/tags',
        query: {},
        status: 400,
      },
      {
        method: 'GET',
        path: '/v2/manage/namespaces/library/repos/nginx/tags',
        query: {},
        status: 401,
      },
    ]);
    const logged = JSON.stringify(sandbox.requests);
    expect(logged).not.toContain(DEMO_TOKEN);
    expect(logged).not.toContain(OTHER_TOKEN);
    expect(logged).not.toContain('not-a-token');
    sandbox.resetRequests();
    expect(sandbox.requests).toHaveLength(0);
  });
});

describe('connections', () => {
  /** A GET over node:http on the agent's one connection: its headers and whether it reused one. */
  function onAgent(agent: Agent, path: string) {
    return new Promise<{ status: number; keepAlive: unknown; reused: boolean }>(
      (resolve, reject) => {
        const req = httpGet(
          `${sandbox.url}${path}`,
          { agent, headers: { 'X-Auth-Token': DEMO_TOKEN, 'Content-Type': 'application/json' } },
          (res) => {
            res.resume();
            res.on('end', () => {
              resolve({
                status: res.statusCode ?? 0,
                keepAlive: res.headers['keep-alive'],
                reused: req.reusedSocket,
              });
            });
          },
        );
        req.on('error', reject);
      },
    );
  }

  it('leaves closing an idle keep-alive connection to the client', async () => {
    // A server that closes idle connections races a client's next request on them: the
    // client gets ECONNRESET when its own event loop was held up past the server's timeout.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await onAgent(agent, tagsPath('library', 'hello'));
      expect(first).toEqual({ status: 200, keepAlive: undefined, reused: false });
      // Longer than Node's default keepAliveTimeout of 5 s.
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      const second = await onAgent(agent, tagsPath('library', 'hello'));
      expect(second).toEqual({ status: 200, keepAlive: undefined, reused: true });
    } finally {
      agent.destroy();
    }
  });
});

/**
 * The embedded SWR sandbox's browsing endpoints over real HTTP — organizations, the repository
 * list, a repository's details, deleting a tag — with every rule violation's status and body.
 */
import { defaultDataset } from '../src/sandbox/dataset';
import { expectedRepositories, expectedTags } from './support/sandbox-data';
import { stringifyExact } from '../src/sandbox/wire';
import type { RepositorySummaryRecord } from '../src/sandbox/wire';
import { DEMO_TOKEN, OTHER_TOKEN, startSandbox, type SandboxHandle } from '../src/sandbox/server';
import {
  BAD_TOKEN_BODY,
  NAMESPACE_NOT_FOUND_BODY,
  NO_TOKEN_BODY,
  OFFSET_ERROR_BODY,
  callSandbox,
  invalidParameters,
  untimed,
  type SandboxRequestOptions,
  type SandboxResponse,
} from './support/sandbox-client';

let sandbox: SandboxHandle;

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(async () => {
  await sandbox.close();
});

function call(path: string, options: SandboxRequestOptions = {}, base = sandbox.url) {
  return callSandbox(base + path, options);
}

const PAGE_SIZE_BODY = {
  errors: [
    {
      errorCode: 'SVCSTG.SWR.4000056',
      errorMessage: 'Invalid page size',
      detail: 'limit must be 1..1000',
    },
  ],
};
const REPOSITORY_UNKNOWN_BODY = {
  error_code: 'SVCSTG.SWR.4040059',
  error_msg: 'Repository not found',
};
const TAG_UNKNOWN_BODY = { error_code: 'SVCSTG.SWR.4040060', error_msg: 'Tag not found' };
const ROUTE_NOT_FOUND_BODY = { error_code: 'SVCSTG.SWR.4040001', error_msg: 'Resource not found' };

/** The list's wire body for these records and the query's total. */
function listBody(records: readonly RepositorySummaryRecord[], total: number): string {
  return `[${records
    .map((record) => `${stringifyExact(record).slice(0, -1)},"total_range":${total}}`)
    .join(',')}]`;
}

const reposPath = (query: string): string => `/v2/manage/repos?${query}`;
const BY_NAME = 'order_column=name&order_type=asc';

describe('the rules every new endpoint shares', () => {
  const GETS = [
    '/v2/manage/namespaces',
    '/v2/manage/namespaces/library',
    reposPath(`namespace=library&offset=0&limit=10&${BY_NAME}`),
    '/v2/manage/namespaces/library/repos/nginx',
  ];

  test.each(GETS)('GET %s without a token: 400 4001048 (bare array)', async (path) => {
    const res = await call(path, { token: null });
    expect(res.status).toBe(400);
    expect(res.json).toEqual(NO_TOKEN_BODY);
  });

  test.each(GETS)('GET %s with an unknown token: 401 4010000', async (path) => {
    const res = await call(path, { token: 'not-a-token' });
    expect(res.status).toBe(401);
    expect(res.json).toEqual(BAD_TOKEN_BODY);
  });

  test.each(GETS)('GET %s without Content-Type: 400 4001025', async (path) => {
    for (const contentType of [null, 'text/plain']) {
      const res = await call(path, { contentType });
      expect(res.status).toBe(400);
      expect(res.json).toEqual(invalidParameters('Content-Type must be application/json'));
    }
  });

  test('other methods on the new paths: 404 Resource not found', async () => {
    for (const [method, path] of [
      ['POST', '/v2/manage/namespaces'],
      ['DELETE', '/v2/manage/namespaces/library'],
      ['POST', '/v2/manage/repos'],
      ['DELETE', '/v2/manage/namespaces/library/repos/nginx'],
      ['GET', '/v2/manage/namespaces/library/repos/nginx/tags/latest'],
      ['PUT', '/v2/manage/namespaces/library/repos/nginx/tags/latest'],
      ['DELETE', '/v2/manage/namespaces/library/repos/nginx/tags/latest/x'],
      ['GET', '/v2/manage/repos/library'],
    ] as const) {
      const res = await call(path, { method });
      expect([method, path, res.status]).toEqual([method, path, 404]);
      expect(res.json).toEqual(ROUTE_NOT_FOUND_BODY);
    }
  });
});

describe('GET /v2/manage/namespaces', () => {
  test('lists the account’s organizations as {"namespaces": [...]}', async () => {
    const res = await call('/v2/manage/namespaces');
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/json');
    expect(res.contentRange).toBeNull();
    expect(res.json).toEqual({
      namespaces: [
        { id: 11, name: 'library', creator_name: 'demo-admin', auth: 7 },
        { id: 12, name: 'acme', creator_name: 'demo-admin', auth: 1 },
      ],
    });
    const other = await call('/v2/manage/namespaces', { token: OTHER_TOKEN });
    expect(other.json).toEqual({
      namespaces: [{ id: 13, name: 'globex', creator_name: 'other-admin', auth: 7 }],
    });
  });

  test('GET /v2/manage/namespaces/{name}: the record; 404 4040058 when foreign or unknown', async () => {
    const acme = await call('/v2/manage/namespaces/acme');
    expect(acme.status).toBe(200);
    expect(acme.json).toEqual({ id: 12, name: 'acme', creator_name: 'demo-admin', auth: 1 });
    for (const name of ['globex', 'nosuchorg']) {
      const res = await call(`/v2/manage/namespaces/${name}`);
      expect([name, res.status]).toEqual([name, 404]);
      expect(res.json).toEqual(NAMESPACE_NOT_FOUND_BODY);
    }
  });
});

describe('GET /v2/manage/repos', () => {
  test('answers a page with Content-Range and the documented fields', async () => {
    const res = await call(reposPath(`namespace=acme&offset=5&limit=5&${BY_NAME}`));
    expect(res.status).toBe(200);
    expect(res.contentRange).toBe('5-5/24');
    const expected = expectedRepositories('acme', 'name', 'asc');
    expect(res.text).toBe(listBody(expected.slice(5, 10), 24));
    const first = (res.json as Record<string, unknown>[])[0];
    expect(Object.keys(first ?? {})).toEqual([
      'name',
      'category',
      'description',
      'size',
      'is_public',
      'num_images',
      'num_download',
      'created_at',
      'updated_at',
      'logo',
      'url',
      'path',
      'internal_path',
      'domain_name',
      'namespace',
      'tags',
      'status',
      'total_range',
    ]);
    expect(first).toMatchObject({
      namespace: 'acme',
      num_images: 25,
      domain_name: 'demo',
      total_range: 24,
      path: `swr.eu-de.otc.t-systems.com/acme/${String(first?.name)}`,
    });
    // `tags` names every tag of the repository.
    expect([...(first?.tags as string[])].sort()).toEqual(
      expectedTags('acme', String(first?.name), 'tag', 'asc').map((tag) => tag.Tag),
    );
  });

  test('rejects an offset that is not a multiple of limit, or one without the other (4001072)', async () => {
    for (const query of [
      'offset=5&limit=10',
      'limit=10',
      'offset=0',
      'offset=-10&limit=10',
      'offset=abc&limit=10',
    ]) {
      const res = await call(reposPath(`namespace=acme&${query}&${BY_NAME}`));
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.json).toEqual(OFFSET_ERROR_BODY);
    }
  });

  test('rejects a limit outside 1..1000 (4000056), and accepts 1000', async () => {
    for (const limit of ['0', '1001', '-5', 'ten', '2.5']) {
      const res = await call(reposPath(`namespace=acme&offset=0&limit=${limit}&${BY_NAME}`));
      expect([limit, res.status]).toEqual([limit, 400]);
      expect(res.json).toEqual(PAGE_SIZE_BODY);
    }
    const ok = await call(reposPath(`namespace=acme&offset=0&limit=1000&${BY_NAME}`));
    expect(ok.status).toBe(200);
    expect(ok.contentRange).toBe('0-24/24');
  });

  test('rejects order_column and order_type sent alone, or with values SWR does not know', async () => {
    for (const [query, detail] of [
      ['order_column=name', 'order_column and order_type must be sent together'],
      ['order_type=asc', 'order_column and order_type must be sent together'],
      [
        'order_column=updated_at&order_type=asc',
        'order_column must be updated_time, name, tag_count, namespace or is_public',
      ],
      ['order_column=name&order_type=ASC', 'order_type must be asc or desc'],
    ] as const) {
      const res = await call(reposPath(`namespace=acme&offset=0&limit=10&${query}`));
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.json).toEqual(invalidParameters(detail));
    }
  });

  test.each([
    ['updated_time', 'asc'],
    ['updated_time', 'desc'],
    ['name', 'asc'],
    ['name', 'desc'],
    ['tag_count', 'asc'],
    ['tag_count', 'desc'],
    ['namespace', 'asc'],
    ['is_public', 'desc'],
  ] as const)(
    'pages through acme in %s %s order without dropping or repeating',
    async (column, type) => {
      const names: string[] = [];
      for (let offset = 0; offset < 24; offset += 5) {
        const res = await call(
          reposPath(
            `namespace=acme&offset=${offset}&limit=5&order_column=${column}&order_type=${type}`,
          ),
        );
        expect(res.status).toBe(200);
        expect(res.contentRange).toBe(`${offset}-${Math.min(5, 24 - offset)}/24`);
        names.push(...(res.json as { name: string }[]).map((r) => r.name));
      }
      expect(names).toEqual(expectedRepositories('acme', column, type).map((r) => r.name));
      expect(new Set(names).size).toBe(24);
    },
  );

  test('breaks ties by name, descending being the exact reverse of ascending', async () => {
    const asc = (await call(reposPath('namespace=acme&order_column=tag_count&order_type=asc')))
      .json as { name: string; num_images: number }[];
    const desc = (await call(reposPath('namespace=acme&order_column=tag_count&order_type=desc')))
      .json as { name: string }[];
    expect(new Set(asc.map((r) => r.num_images))).toEqual(new Set([25]));
    expect(asc.map((r) => r.name)).toEqual(asc.map((r) => r.name).sort());
    expect(desc.map((r) => r.name)).toEqual(asc.map((r) => r.name).reverse());
  });

  test('defaults to updated_time desc and to every record without paging parameters', async () => {
    const res = await call(reposPath('namespace=library'));
    expect(res.status).toBe(200);
    expect(res.contentRange).toBe('0-8/8');
    expect(res.text).toBe(listBody(expectedRepositories('library', 'updated_time', 'desc'), 8));
  });

  test('filters by name substring and exact category, with the filtered total', async () => {
    const app = await call(reposPath(`namespace=library&name=app&${BY_NAME}`));
    expect(app.text).toBe(
      listBody(expectedRepositories('library', 'name', 'asc', { name: 'app' }), 2),
    );
    expect((app.json as { name: string }[]).map((r) => r.name)).toEqual(['app', 'team/app']);
    const category = expectedRepositories('acme', 'name', 'asc')[0]?.category ?? '';
    const expected = expectedRepositories('acme', 'name', 'asc', { category });
    const res = await call(
      reposPath(`namespace=acme&category=${category}&offset=0&limit=100&${BY_NAME}`),
    );
    expect(res.contentRange).toBe(`0-${expected.length}/${expected.length}`);
    expect(res.text).toBe(listBody(expected, expected.length));
    const none = await call(
      reposPath(`namespace=acme&category=${category.toUpperCase()}&${BY_NAME}`),
    );
    expect(none.text).toBe('[]');
    expect(none.contentRange).toBe('0-0/0');
  });

  test('without namespace: every repository of the account, never another account’s', async () => {
    const res = await call(reposPath('order_column=namespace&order_type=asc'));
    expect(res.status).toBe(200);
    expect(res.contentRange).toBe('0-32/32');
    const records = res.json as { namespace: string; name: string }[];
    expect(new Set(records.map((r) => r.namespace))).toEqual(new Set(['library', 'acme']));
    expect(records.map((r) => r.namespace)).toEqual([
      ...Array<string>(24).fill('acme'),
      ...Array<string>(8).fill('library'),
    ]);
    const other = await call(reposPath('order_column=name&order_type=asc'), { token: OTHER_TOKEN });
    expect((other.json as { name: string }[]).map((r) => r.name)).toEqual(['app', 'secret']);
  });

  test('a foreign or unknown namespace: 404 4040058', async () => {
    for (const namespace of ['globex', 'nosuchorg']) {
      const res = await call(reposPath(`namespace=${namespace}&offset=0&limit=10&${BY_NAME}`));
      expect([namespace, res.status]).toEqual([namespace, 404]);
      expect(res.json).toEqual(NAMESPACE_NOT_FOUND_BODY);
    }
  });

  test('writes a size beyond 2^53 as exact digits', async () => {
    const res = await call(reposPath(`namespace=library&name=busybox&${BY_NAME}`));
    expect(res.text).toContain('"size":9223372036854775807,');
  });
});

describe('GET /v2/manage/namespaces/{namespace}/repos/{repository}', () => {
  test('answers the documented fields', async () => {
    const res = await call('/v2/manage/namespaces/library/repos/nginx');
    expect(res.status).toBe(200);
    const summary = expectedRepositories('library', 'name', 'asc', { name: 'nginx' })[0];
    const repository = defaultDataset().namespaces.get('library')?.repositories.get('nginx');
    expect(res.json).toEqual({
      id: repository?.id,
      ns_id: 11,
      name: 'nginx',
      category: summary?.category,
      description: summary?.description,
      creator_id: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
      creator_name: 'demo-admin',
      size: summary?.size,
      is_public: summary?.is_public,
      num_images: 97,
      num_download: summary?.num_download,
      url: '',
      path: 'swr.eu-de.otc.t-systems.com/library/nginx',
      internal_path: '10.125.0.198:20202/library/nginx',
      created: summary?.created_at,
      updated: summary?.updated_at,
      domain_id: '0503dda878000fed0f75c0096d70a960',
      priority: 0,
    });
  });

  test('reads $ as / and answers an unknown repository with 404', async () => {
    const team = await call('/v2/manage/namespaces/library/repos/team$app');
    expect((team.json as { name: string }).name).toBe('team/app');
    for (const repository of ['nosuchrepo', 'team%2Fapp']) {
      const res = await call(`/v2/manage/namespaces/library/repos/${repository}`);
      expect([repository, res.status]).toEqual([repository, 404]);
      expect(res.json).toEqual(REPOSITORY_UNKNOWN_BODY);
    }
    const foreign = await call('/v2/manage/namespaces/globex/repos/secret');
    expect(foreign.status).toBe(404);
    expect(foreign.json).toEqual(NAMESPACE_NOT_FOUND_BODY);
  });
});

describe('DELETE /v2/manage/namespaces/{namespace}/repos/{repository}/tags/{tag}', () => {
  const tagPath = (namespace: string, repository: string, tag: string): string =>
    `/v2/manage/namespaces/${namespace}/repos/${repository}/tags/${encodeURIComponent(tag)}`;
  const del = (path: string, options: SandboxRequestOptions = {}): Promise<SandboxResponse> =>
    call(path, { ...options, method: 'DELETE' });

  test('answers 204 without a body; the tag is gone from every list and record', async () => {
    const names = expectedTags('library', 'tied', 'tag', 'asc').map((tag) => tag.Tag);
    const victim = names[3] ?? '';
    const before = await call(reposPath('namespace=library&order_column=tag_count&order_type=asc'));
    const res = await del(tagPath('library', 'tied', victim));
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.contentType).toBeNull();

    const tags = await call(
      '/v2/manage/namespaces/library/repos/tied/tags?order_column=tag&order_type=asc',
    );
    expect(tags.contentRange).toBe('0-39/39');
    expect((tags.json as { Tag: string }[]).map((t) => t.Tag)).toEqual(
      names.filter((name) => name !== victim),
    );
    const details = await call('/v2/manage/namespaces/library/repos/tied');
    expect((details.json as { num_images: number }).num_images).toBe(39);
    const list = await call(reposPath(`namespace=library&name=tied&${BY_NAME}`));
    const record = (list.json as { num_images: number; tags: string[] }[])[0];
    expect(record?.num_images).toBe(39);
    expect(record?.tags).not.toContain(victim);
    // The tag-count order is sorted anew: tied (now 39) still sits between 23 and 97 tags.
    const after = await call(reposPath('namespace=library&order_column=tag_count&order_type=asc'));
    expect((after.json as { name: string }[]).map((r) => r.name)).toEqual(
      (before.json as { name: string }[]).map((r) => r.name),
    );

    const again = await del(tagPath('library', 'tied', victim));
    expect(again.status).toBe(404);
    expect(again.json).toEqual(TAG_UNKNOWN_BODY);
  });

  test('a deletion reorders the tag-count order when counts cross', async () => {
    // library/multiarch has 12 tags: without them it ties with empty (0), before hello (1).
    const names = expectedTags('library', 'multiarch', 'tag', 'asc').map((tag) => tag.Tag);
    for (const name of names) {
      expect((await del(tagPath('library', 'multiarch', name))).status).toBe(204);
    }
    const res = await call(reposPath('namespace=library&order_column=tag_count&order_type=asc'));
    const order = (res.json as { name: string; num_images: number }[]).map(
      (r) => `${r.name}:${r.num_images}`,
    );
    expect(order.slice(0, 3)).toEqual(['empty:0', 'multiarch:0', 'hello:1']);
  });

  test('does not change another sandbox in the same process', async () => {
    const second = await startSandbox();
    try {
      const mine = await call(
        '/v2/manage/namespaces/library/repos/multiarch/tags?order_column=tag&order_type=asc',
      );
      expect(mine.contentRange).toBe('0-0/0');
      const theirs = await call(
        '/v2/manage/namespaces/library/repos/multiarch/tags?order_column=tag&order_type=asc',
        {},
        second.url,
      );
      expect(theirs.contentRange).toBe('0-12/12');
      const details = await call('/v2/manage/namespaces/library/repos/tied', {}, second.url);
      expect((details.json as { num_images: number }).num_images).toBe(40);
    } finally {
      await second.close();
    }
  });

  test('an unknown repository or tag: 404; a name matches exactly, never as a substring', async () => {
    const unknownRepository = await del(tagPath('library', 'nosuchrepo', 'latest'));
    expect(unknownRepository.status).toBe(404);
    expect(unknownRepository.json).toEqual(REPOSITORY_UNKNOWN_BODY);
    for (const tag of ['nosuchtag', 'lates', 'LATEST']) {
      const res = await del(tagPath('library', 'hello', tag));
      expect([tag, res.status]).toEqual([tag, 404]);
      expect(res.json).toEqual(TAG_UNKNOWN_BODY);
    }
  });

  test('a foreign namespace: 404 4040058; one the account may only read: 403 4030170', async () => {
    const foreign = await del(tagPath('globex', 'secret', 'latest'));
    expect(foreign.status).toBe(404);
    expect(foreign.json).toEqual(NAMESPACE_NOT_FOUND_BODY);
    const readOnly = await del(tagPath('acme', 'svc-0', 'latest'));
    expect(readOnly.status).toBe(403);
    expect(readOnly.json).toEqual({
      error_code: 'SVCSTG.SWR.4030170',
      error_msg: 'Insufficient permissions',
    });
  });

  test('needs a token and Content-Type, and changes nothing without them', async () => {
    const path = tagPath('library', 'hello', 'latest');
    const noToken = await del(path, { token: null });
    expect(noToken.status).toBe(400);
    expect(noToken.json).toEqual(NO_TOKEN_BODY);
    const badToken = await del(path, { token: 'nope' });
    expect(badToken.status).toBe(401);
    expect(badToken.json).toEqual(BAD_TOKEN_BODY);
    const noContentType = await del(path, { contentType: null });
    expect(noContentType.status).toBe(400);
    expect(noContentType.json).toEqual(invalidParameters('Content-Type must be application/json'));
    const hello = await call('/v2/manage/namespaces/library/repos/hello/tags');
    expect((hello.json as { Tag: string }[]).map((t) => t.Tag)).toEqual(['latest']);
  });

  test('records each DELETE in the request log with the account, never the token', async () => {
    sandbox.resetRequests();
    await del(tagPath('library', 'team$app', 'nosuchtag'));
    await del(tagPath('library', 'hello', 'latest'), { token: null });
    expect(untimed(sandbox.requests)).toEqual([
      {
        method: 'DELETE',
        path: '/v2/manage/namespaces/library/repos/team$app/tags/nosuchtag',
        query: {},
        status: 404,
        account: 'demo',
      },
      {
        method: 'DELETE',
        path: '/v2/manage/namespaces/library/repos/hello/tags/latest',
        query: {},
        status: 400,
      },
    ]);
    expect(JSON.stringify(sandbox.requests)).not.toContain(DEMO_TOKEN);
  });
});

import { DEMO_TOKEN, OTHER_TOKEN, startSandbox, type SandboxHandle } from '../src/sandbox/server';

/** The sandbox's own push route, which lets a list change while a front end pages it. */

let sandbox: SandboxHandle;

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(async () => {
  await sandbox.close();
});

const HEADERS = { 'x-auth-token': DEMO_TOKEN, 'content-type': 'application/json' };

function push(path: string, headers: Record<string, string> = HEADERS): Promise<Response> {
  return fetch(`${sandbox.url}/sandbox/namespaces/${path}`, { method: 'PUT', headers });
}

async function newest(repository: string): Promise<{ Tag: string; updated: string }[]> {
  const response = await fetch(
    `${sandbox.url}/v2/manage/namespaces/library/repos/${repository}/tags?offset=0&limit=3&order_column=updated_at&order_type=desc`,
    { headers: HEADERS },
  );
  expect(response.status).toBe(200);
  return (await response.json()) as { Tag: string; updated: string }[];
}

test('PUT pushes a new tag to the head of the time order', async () => {
  const response = await push('library/repos/busybox/tags/pushed-1');
  expect(response.status).toBe(201);
  const record = (await response.json()) as { Tag: string; path: string };
  expect(record.Tag).toBe('pushed-1');
  expect(record.path.endsWith('/library/busybox:pushed-1')).toBe(true);
  expect((await newest('busybox'))[0]?.Tag).toBe('pushed-1');
});

test('pushing an existing tag again moves it to the head with a new time', async () => {
  const before = await newest('busybox');
  const oldest = before[before.length - 1];
  if (!oldest) throw new Error('busybox has tags');
  expect((await push(`library/repos/busybox/tags/${oldest.Tag}`)).status).toBe(201);
  const after = await newest('busybox');
  expect(after[0]?.Tag).toBe(oldest.Tag);
  expect((after[0]?.updated ?? '') > (before[0]?.updated ?? '')).toBe(true);
});

test('the push is refused like any SWR call: no token, another account, unknown repository, bad name', async () => {
  expect(
    (await push('library/repos/busybox/tags/x', { 'content-type': 'application/json' })).status,
  ).toBe(400);
  expect(
    (await push('library/repos/busybox/tags/x', { ...HEADERS, 'x-auth-token': OTHER_TOKEN }))
      .status,
  ).toBe(404);
  expect((await push('library/repos/nothing-here/tags/x')).status).toBe(404);
  expect((await push('library/repos/busybox/tags/.bad')).status).toBe(400);
  expect((await push('library/repos/empty/tags/first')).status).toBe(400);
});

test('a push in one sandbox is not seen by another', async () => {
  await push('library/repos/hello/tags/only-here');
  const other = await startSandbox();
  try {
    const response = await fetch(
      `${other.url}/v2/manage/namespaces/library/repos/hello/tags?offset=0&limit=10&order_column=tag&order_type=asc`,
      { headers: HEADERS },
    );
    const names = ((await response.json()) as { Tag: string }[]).map((tag) => tag.Tag);
    expect(names).toEqual(['latest']);
  } finally {
    await other.close();
  }
});

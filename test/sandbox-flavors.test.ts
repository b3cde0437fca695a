/**
 * The sandbox plays each SWR server as its vendor's material shows it (src/sandbox/flavors.ts),
 * checked over HTTP, as SWR's own clients would see it, against SWR.md's table of variants.
 */
import { PARTNER_TOKEN, startSandbox, type SandboxHandle } from '../src/sandbox/server';
import type { SandboxFlavor } from '../src/sandbox/flavors';
import { callSandbox } from './support/sandbox-client';
import { expectedTags } from './support/sandbox-data';

const sandboxes = new Map<SandboxFlavor, SandboxHandle>();

beforeAll(async () => {
  for (const flavor of ['reference', 'otc-2025', 'otc-2024', 'huaweicloud'] as const) {
    sandboxes.set(flavor, await startSandbox({ flavor }));
  }
});

afterAll(async () => {
  for (const sandbox of sandboxes.values()) await sandbox.close();
});

function call(flavor: SandboxFlavor, path: string, token?: string | null) {
  const sandbox = sandboxes.get(flavor);
  if (!sandbox) throw new Error(`no ${flavor} sandbox`);
  return callSandbox(`${sandbox.url}${path}`, token === undefined ? {} : { token });
}

const TAGS = '/v2/manage/namespaces/library/repos/busybox/tags';
const PAGED = 'offset=0&limit=10';
type Fields = Record<string, unknown>;

describe('records', () => {
  test('otc-2025 leaves empty fields out and writes nine fractional digits', async () => {
    const repos = await call('otc-2025', `/v2/manage/repos?namespace=library&${PAGED}`);
    const empty = (repos.json as Fields[]).find((record) => record.name === 'empty');
    expect(empty).toBeDefined();
    expect(empty).not.toHaveProperty('description');
    expect(empty).not.toHaveProperty('logo');
    expect(empty).not.toHaveProperty('num_images');
    expect(String(empty?.updated_at)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    const tags = (await call('otc-2025', `${TAGS}?${PAGED}`)).json as Fields[];
    expect(tags.every((tag) => !('deleted' in tag))).toBe(true);
    expect(tags.some((tag) => 'scanned' in tag)).toBe(true);
  });

  test('otc-2024 and huaweicloud write no `scanned`; the reference writes every field', async () => {
    for (const flavor of ['otc-2024', 'huaweicloud'] as const) {
      const tags = (await call(flavor, `${TAGS}?${PAGED}`)).json as Fields[];
      expect(tags.some((tag) => 'scanned' in tag)).toBe(false);
    }
    const tags = (await call('reference', `${TAGS}?${PAGED}`)).json as Fields[];
    expect(tags.every((tag) => tag.deleted === null && typeof tag.is_trusted === 'boolean')).toBe(
      true,
    );
  });
});

describe('filters and orders', () => {
  test('every flavor but the reference matches the repository list’s namespace as a substring', async () => {
    const namespaces = async (flavor: SandboxFlavor) =>
      new Set(
        (
          (await call(flavor, `/v2/manage/repos?namespace=team&${PAGED}`, PARTNER_TOKEN))
            .json as Fields[]
        ).map((record) => record.namespace),
      );
    expect(await namespaces('reference')).toEqual(new Set(['team']));
    for (const flavor of ['otc-2025', 'otc-2024', 'huaweicloud'] as const) {
      expect(await namespaces(flavor)).toEqual(new Set(['team', 'team-b', 'myteam']));
    }
  });

  test('`$` stands for `/` in the name filter', async () => {
    const answer = await call(
      'reference',
      `/v2/manage/repos?namespace=library&name=team%24&${PAGED}`,
    );
    expect((answer.json as Fields[]).map((record) => record.name)).toEqual(['team/app']);
  });

  test('order_column=tag: served, refused with a 400, or ignored for the time order', async () => {
    const byName = `${TAGS}?${PAGED}&order_column=tag&order_type=asc`;
    const names = (answer: { json: unknown }) => (answer.json as Fields[]).map((t) => t.Tag);
    const nameOrder = expectedTags('library', 'busybox', 'tag', 'asc').map((t) => t.Tag);
    const timeOrder = expectedTags('library', 'busybox', 'updated_at', 'asc').map((t) => t.Tag);
    expect(names(await call('otc-2025', byName))).toEqual(nameOrder);
    expect((await call('otc-2024', byName)).status).toBe(400);
    expect(names(await call('huaweicloud', byName))).toEqual(timeOrder);
  });

  test('the repository time column: updated_time, or updated_at where the flavor spells it so', async () => {
    const order = (column: string) =>
      `/v2/manage/repos?namespace=acme&${PAGED}&order_column=${column}&order_type=desc`;
    expect((await call('otc-2025', order('updated_time'))).status).toBe(200);
    expect((await call('otc-2025', order('updated_at'))).status).toBe(400);
    expect((await call('otc-2024', order('updated_time'))).status).toBe(400);
    expect((await call('otc-2024', order('updated_at'))).status).toBe(200);
  });
});

describe('totals and errors', () => {
  test('Content-Range: always, only when paged (otc-2024), never on the repository list (huaweicloud)', async () => {
    expect((await call('otc-2024', `${TAGS}?${PAGED}`)).contentRange).toBe('0-7/7');
    expect((await call('otc-2024', TAGS)).contentRange).toBeNull();
    const repos = await call('huaweicloud', `/v2/manage/repos?namespace=acme&${PAGED}`);
    expect(repos.contentRange).toBeNull();
    expect((repos.json as Fields[])[0]?.total_range).toBe(24);
  });

  test('a bad token in each flavor’s code and shape', async () => {
    expect((await call('otc-2024', TAGS, 'bad')).json).toEqual([
      expect.objectContaining({ errorCode: 'SVCSTG.SWR.4011044' }),
    ]);
    expect((await call('huaweicloud', TAGS, 'bad')).json).toEqual({
      error: { code: 'APIG.1002', message: expect.any(String) as string },
    });
    for (const flavor of ['otc-2024', 'huaweicloud'] as const) {
      expect((await call(flavor, TAGS, 'bad')).status).toBe(401);
    }
  });

  test('otc-2025’s not-found codes: organization 4041061, URL 4040083', async () => {
    const namespace = await call('otc-2025', '/v2/manage/namespaces/nowhere/repos/x/tags');
    expect(namespace.status).toBe(404);
    expect(namespace.json).toMatchObject({ error_code: 'SVCSTG.SWR.4041061' });
    const route = await call('otc-2025', '/v2/manage/nowhere');
    expect(route.json).toMatchObject({ error_code: 'SVCSTG.SWR.4040083' });
  });
});

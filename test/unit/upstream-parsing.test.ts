import fc from 'fast-check';
import { parseTagGlobalId, tagGlobalId } from '../../src/resolvers/ids';
import { parseManifest } from '../../src/resolvers/manifest';
import { parseErrorBody } from '../../src/swr/errors';
import { decodeJson } from '../../src/swr/json';
import { isValidNamespace, isValidRepositoryName, repositorySegment } from '../../src/swr/names';
import {
  isMissing,
  readNamespaceList,
  readRepositorySummary,
  readTag,
  totalRangeOf,
} from '../../src/swr/records';

describe('SWR error bodies', () => {
  it('reads all three shapes', () => {
    expect(
      parseErrorBody(
        '[{"errorCode":"SVCSTG.SWR.4001048","errorMessage":"Failed to get Token from Context","detail":""}]',
      ),
    ).toEqual({
      errorCode: 'SVCSTG.SWR.4001048',
      errorMessage: 'Failed to get Token from Context',
    });
    expect(
      parseErrorBody(
        '{"errors":[{"errorCode":"SVCSTG.SWR.4001072","errorMessage":"param offset error","detail":"x"}]}',
      ),
    ).toEqual({ errorCode: 'SVCSTG.SWR.4001072', errorMessage: 'param offset error' });
    expect(
      parseErrorBody('{"error_code":"SVCSTG.SWR.4030170","error_msg":"Insufficient permissions"}'),
    ).toEqual({ errorCode: 'SVCSTG.SWR.4030170', errorMessage: 'Insufficient permissions' });
    expect(
      parseErrorBody('{"error":{"code":"APIG.0301","message":"Incorrect IAM authentication"}}'),
    ).toEqual({ errorCode: 'APIG.0301', errorMessage: 'Incorrect IAM authentication' });
  });

  it('gives no details, and never throws, for anything else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (body) => {
        const detail = parseErrorBody(body);
        expect(typeof detail).toBe('object');
      }),
      { numRuns: 2000 },
    );
    expect(parseErrorBody('<html><body>502 Bad Gateway</body></html>')).toEqual({});
    expect(parseErrorBody('')).toEqual({});
  });
});

describe('decodeJson', () => {
  it('keeps every integer exact, beyond 2^53 too', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), { maxLength: 20 }),
        (sizes) => {
          const text = `[${sizes.map((size) => `{"size":${size.toString()},"Tag":"1234567890123456789"}`).join(',')}]`;
          const decoded = decodeJson(text) as { size: number | bigint; Tag: string }[];
          expect(decoded.map((tag) => BigInt(tag.size))).toEqual(sizes);
          for (const tag of decoded) {
            expect(typeof tag.size === 'bigint').toBe(
              BigInt(tag.size) > BigInt(Number.MAX_SAFE_INTEGER),
            );
            expect(tag.Tag).toBe('1234567890123456789');
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('names and ids', () => {
  it('accepts SWR names and refuses the rest', () => {
    for (const name of ['library', 'my-org', 'a.b_c', 'a__b', 'x1']) {
      expect(isValidNamespace(name)).toBe(true);
    }
    for (const name of [
      '',
      'Library',
      '1abc',
      'a..b',
      '-a',
      'a-',
      'a/b',
      'a%2fb',
      'x'.repeat(65),
    ]) {
      expect(isValidNamespace(name)).toBe(false);
    }
    for (const name of ['nginx', 'team/app', 'a/b/c', '0day', 'a-b.c_d']) {
      expect(isValidRepositoryName(name)).toBe(true);
    }
    for (const name of ['', 'App', 'a//b', '/a', 'a/', '../etc', 'a?b', 'a#b', 'a$b']) {
      expect(isValidRepositoryName(name)).toBe(false);
    }
  });

  it('spells / as $ in a repository path segment', () => {
    expect(repositorySegment('team/app')).toBe('team$app');
    expect(repositorySegment('a/b/c')).toBe('a$b$c');
  });

  const component = fc.stringMatching(/^[a-z0-9]{1,8}$/);
  const namespace = fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/);
  const repository = fc
    .array(component, { minLength: 1, maxLength: 3 })
    .map((parts) => parts.join('/'));
  const tagName = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,30}$/);

  it('round-trips tag ids', () => {
    fc.assert(
      fc.property(namespace, repository, tagName, (ns, repo, name) => {
        const id = tagGlobalId({ namespace: ns, name: repo }, name);
        expect(parseTagGlobalId(id)).toEqual({
          type: 'Tag',
          repository: { namespace: ns, name: repo },
          name,
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses ids it did not issue', () => {
    fc.assert(
      fc.property(fc.string(), (id) => {
        fc.pre(!id.startsWith('VGFn'));
        expect(parseTagGlobalId(id)).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseManifest', () => {
  it('reads a manifest list and a schema 1 manifest, and refuses what is not an object', () => {
    const list = parseManifest(
      '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[{"mediaType":"m","size":528,"digest":"sha256:a","platform":{"os":"linux","architecture":"arm64","variant":"v8"}}]}',
    );
    expect(list?.manifests).toEqual([
      {
        mediaType: 'm',
        size: 528,
        digest: 'sha256:a',
        platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
      },
    ]);
    expect(list?.config).toBeNull();
    const v1 = parseManifest('{"schemaVersion":1,"fsLayers":[{"blobSum":"sha256:b"}]}');
    expect(v1?.layers).toEqual([{ mediaType: null, size: null, digest: 'sha256:b' }]);
    expect(parseManifest('not json')).toBeNull();
    expect(parseManifest('[1,2]')).toBeNull();
  });
});

/** Any JSON value, or a field left out. */
const anyField = fc.option(fc.jsonValue(), { nil: undefined });
const dateTime = fc
  .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
  .map((date) => date.toISOString());

describe('the tolerant reader: a strict core, a default for everything else', () => {
  const tagFields = [
    'id',
    'repo_id',
    'image_id',
    'manifest',
    'digest',
    'schema',
    'path',
    'internal_path',
    'size',
    'is_trusted',
    'created',
    'deleted',
    'domain_id',
    'scanned',
    'tag_type',
  ];

  it('reads every tag that has a name and an update time, whatever its other fields hold', () => {
    const others = fc.record(Object.fromEntries(tagFields.map((field) => [field, anyField])));
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), dateTime, others, (name, updated, rest) => {
        const read = readTag({ ...rest, Tag: name, updated });
        if (isMissing(read)) throw new Error(`refused: ${read.missing}`);
        expect(read.Tag).toBe(name);
        expect(read.updated).toBe(updated);
        expect(typeof read.digest).toBe('string');
        expect([0, 1]).toContain(read.tag_type);
        expect(read.deleted === null || typeof read.deleted === 'string').toBe(true);
        expect(read.scanned === undefined || typeof read.scanned === 'boolean').toBe(true);
        expect(typeof read.size === 'bigint' || read.size >= 0).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a tag without its name or its update time, naming the field', () => {
    expect(readTag({ updated: '2025-01-01T00:00:00Z' })).toEqual({ missing: 'Tag' });
    expect(readTag({ Tag: '', updated: '2025-01-01T00:00:00Z' })).toEqual({ missing: 'Tag' });
    expect(readTag({ Tag: 'v1', updated: 'yesterday' })).toEqual({ missing: 'updated' });
    expect(readTag(['v1'])).toEqual({ missing: 'the record itself' });
  });

  it('reads the 2025 reference repository: no description, no logo, nine fractional digits', () => {
    const read = readRepositorySummary({
      name: 'app',
      namespace: 'team',
      category: 'linux',
      size: 2,
      is_public: false,
      num_images: 3,
      num_download: 0,
      created_at: '2017-09-11T03:00:02.542841141Z',
      updated_at: '2017-09-11T03:00:02.542841141Z',
      total_range: 1,
    });
    expect(read).toMatchObject({ description: '', updated_at: '2017-09-11T03:00:02.542841141Z' });
    expect(readRepositorySummary({ name: 'app' })).toEqual({ missing: 'namespace' });
    expect(readRepositorySummary({ namespace: 'team' })).toEqual({ missing: 'name' });
    expect(readRepositorySummary({ name: 'app', namespace: 'team' })).toMatchObject({
      created_at: '1970-01-01T00:00:00Z',
      num_images: 0,
      is_public: false,
    });
  });

  it('leaves an organization without a name out of the organization list', () => {
    expect(
      readNamespaceList({ namespaces: [{ name: 'team' }, { auth: 7 }, { name: 'x', auth: 'y' }] }),
    ).toEqual([
      { name: 'team', creator_name: '', auth: 0 },
      { name: 'x', creator_name: '', auth: 0 },
    ]);
  });

  it('reads total_range only as a count', () => {
    expect(totalRangeOf([{ total_range: 12 }])).toBe(12);
    expect(totalRangeOf([{ total_range: -1 }])).toBeNull();
    expect(totalRangeOf([{ total_range: 2 ** 40 }])).toBeNull();
    expect(totalRangeOf([])).toBeNull();
  });
});

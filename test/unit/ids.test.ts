import fc from 'fast-check';
import {
  namespaceGlobalId,
  parseGlobalId,
  parseTagGlobalId,
  repositoryGlobalId,
  tagGlobalId,
  type GlobalId,
} from '../../src/resolvers/ids';
import { isValidNamespace, isValidRepositoryName } from '../../src/swr/names';

const RUNS = { numRuns: 2000 };

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const namespace = fc
  .stringMatching(/^[a-z][a-z0-9]*(?:(?:[._]|__|-+)[a-z0-9]+)*$/)
  .filter(isValidNamespace);
const repository = fc
  .array(fc.stringMatching(COMPONENT), { minLength: 1, maxLength: 4 })
  .map((components) => components.join('/'))
  .filter(isValidRepositoryName);
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/);

const object: fc.Arbitrary<GlobalId> = fc.oneof(
  fc.record({
    type: fc.constant('Tag' as const),
    repository: fc.record({ namespace, name: repository }),
    name: tag,
  }),
  fc.record({
    type: fc.constant('Repository' as const),
    repository: fc.record({ namespace, name: repository }),
  }),
  fc.record({ type: fc.constant('Namespace' as const), name: namespace }),
);

function idOf(object: GlobalId): string {
  switch (object.type) {
    case 'Tag':
      return tagGlobalId(object.repository, object.name);
    case 'Repository':
      return repositoryGlobalId(object.repository);
    case 'Namespace':
      return namespaceGlobalId(object.name);
  }
}

describe('global ids', () => {
  test('every id reads back as the object it was issued for, and is opaque base64url', () => {
    fc.assert(
      fc.property(object, (issued) => {
        const id = idOf(issued);
        expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(parseGlobalId(id)).toEqual(issued);
        expect(parseTagGlobalId(id)).toEqual(issued.type === 'Tag' ? issued : null);
      }),
      RUNS,
    );
  });

  test('different objects have different ids', () => {
    fc.assert(
      fc.property(object, object, (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        expect(idOf(a)).not.toBe(idOf(b));
      }),
      RUNS,
    );
  });

  test('only an issued id reads as an object: an edited payload or another encoding of it does not', () => {
    const edited = fc
      .tuple(object, fc.nat(), fc.string({ maxLength: 3 }), fc.nat({ max: 3 }))
      .map(([issued, at, text, drop]) => {
        const payload = Buffer.from(idOf(issued), 'base64url').toString('utf8');
        const cut = at % (payload.length + 1);
        return payload.slice(0, cut) + text + payload.slice(cut + drop);
      });
    fc.assert(
      fc.property(edited, fc.constantFrom('', 'A', 'AA', '='), (payload, suffix) => {
        const id = Buffer.from(payload).toString('base64url') + suffix;
        const parsed = parseGlobalId(id);
        if (parsed) expect(idOf(parsed)).toBe(id);
      }),
      RUNS,
    );
  });

  test.each([
    '',
    'Tag:library/nginx',
    'Tag:library:latest',
    'Repository:library',
    'Repository:library/',
    'Namespace:Library',
    'Node:library',
  ])('the payload %j is no id', (payload) => {
    expect(parseGlobalId(Buffer.from(payload).toString('base64url'))).toBeNull();
  });
});

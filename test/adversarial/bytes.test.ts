/**
 * Bounded by bytes, not only by count: documents padded with comments (which are no tokens) are
 * refused before they are parsed or cached, and the process's memory stays where it was.
 */
import fc from 'fast-check';
import { DocumentCache } from '../../src/graphql/document-cache';
import { buildGateway, startBuiltGateway, type BuiltGateway } from '../support/process';
import { get, json, onlyError, post, sample } from '../hardening/support';

const MB = 1024 * 1024;

let gateway: BuiltGateway;

beforeAll(async () => {
  buildGateway();
  gateway = await startBuiltGateway();
}, 120_000);

afterAll(async () => {
  await gateway.close();
});

/** The gateway process's resident memory, from its own metrics. */
async function residentBytes(): Promise<number> {
  return sample((await get(gateway.metricsUrl)).text, 'process_resident_memory_bytes');
}

/** `{ __typename }` inside `bytes` of comments, distinct for each `n`. */
function paddedDocument(n: number, bytes: number): string {
  const line = `# ${n} ${'x'.repeat(78)}\n`;
  return `${line.repeat(Math.ceil(bytes / line.length))}{ __typename }`;
}

test('120 distinct documents of 900 kB of comments: refused unparsed, and the RSS stays put', async () => {
  const before = await residentBytes();
  for (let n = 0; n < 120; n++) {
    const answer = await post(gateway.url, { query: paddedDocument(n, 900_000) });
    expect(answer.status).toBe(413);
    expect(onlyError(answer).extensions?.code).toBe('DOCUMENT_TOO_LARGE');
  }
  const after = await residentBytes();
  console.log(`RSS after 120 documents of 900 kB: ${((after - before) / MB).toFixed(1)} MB more`);
  expect(after - before).toBeLessThan(64 * MB);
  expect(json(await post(gateway.url, { query: '{ __typename }' }))).toEqual({
    data: { __typename: 'Query' },
  });
  expect(gateway.upstreamCount()).toBe(0);
});

test('documents just under the limit are served', async () => {
  for (let n = 0; n < 50; n++) {
    const answer = await post(gateway.url, { query: paddedDocument(n, 60_000) });
    expect(json(answer)).toEqual({ data: { __typename: 'Query' } });
  }
});

test('the parse cache never holds more text than its budget, and keeps what was used last', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 200 }),
      fc.array(fc.tuple(fc.boolean(), fc.string({ maxLength: 60 })), { maxLength: 200 }),
      (budget, operations) => {
        const cache = new DocumentCache<string>(budget);
        for (const [isSet, document] of operations) {
          if (isSet) {
            cache.set(document, document);
            if (document.length <= budget) expect(cache.get(document)).toBe(document);
            else expect(cache.get(document)).toBeUndefined();
          } else {
            const found = cache.get(document);
            if (found !== undefined) expect(found).toBe(document);
          }
          expect(cache.size).toBeLessThanOrEqual(budget);
          expect(cache.size).toBeGreaterThanOrEqual(0);
        }
      },
    ),
    { seed: 25, numRuns: 300 },
  );
});

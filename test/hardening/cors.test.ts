/**
 * CORS on the built gateway. The token travels in a header, so any origin may call by default
 * (`*`) and credentials are never allowed; CORS_ORIGINS narrows that to an allowlist, and an
 * origin not on it gets no `Access-Control-Allow-Origin`.
 */
import { DEMO_TOKEN } from '../../src/sandbox/server';
import { buildGateway, startBuiltGateway, type BuiltGateway } from '../support/process';

const EVIL = 'https://evil.example';
const APP = 'https://app.example.com';
const ADMIN = 'http://admin.example.com:8080';

async function preflight(url: string, origin: string): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, x-auth-token, traceparent',
    },
  });
}

async function query(url: string, origin: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json', 'x-auth-token': DEMO_TOKEN },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
}

/** A header's comma-separated values, lower-cased. */
function listed(response: Response, name: string): string[] {
  return (response.headers.get(name) ?? '')
    .split(',')
    .map((value) => value.trim().toLowerCase())
    .filter((value) => value !== '');
}

beforeAll(() => {
  buildGateway();
}, 120_000);

describe('by default', () => {
  let gateway: BuiltGateway;
  beforeAll(async () => {
    gateway = await startBuiltGateway();
  });
  afterAll(async () => {
    await gateway.close();
  });

  test.each([EVIL, APP, 'null'])(
    'a preflight from %s is allowed for any origin (*), without credentials',
    async (origin) => {
      const response = await preflight(gateway.url, origin);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(listed(response, 'access-control-allow-headers')).toEqual(
        expect.arrayContaining(['x-auth-token', 'authorization', 'content-type', 'traceparent']),
      );
      expect(listed(response, 'access-control-allow-methods')).toEqual(
        expect.arrayContaining(['get', 'post']),
      );
      expect(gateway.upstreamCount()).toBe(0);
    },
  );

  test('the answer to a query is readable from any origin, with X-Request-Id exposed', async () => {
    const response = await query(gateway.url, EVIL);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(listed(response, 'access-control-expose-headers')).toContain('x-request-id');
    expect(response.headers.get('x-request-id')).toMatch(/\S/);
  });

  test('an error answer carries the CORS headers too, so that the page can read its code', async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { origin: EVIL, 'content-type': 'application/json' },
      body: '{ not json',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('with CORS_ORIGINS', () => {
  let gateway: BuiltGateway;
  beforeAll(async () => {
    gateway = await startBuiltGateway({ CORS_ORIGINS: `${APP}, ${ADMIN}` });
  });
  afterAll(async () => {
    await gateway.close();
  });

  test.each([APP, ADMIN])(
    'a preflight from the listed %s is allowed for that origin',
    async (origin) => {
      const response = await preflight(gateway.url, origin);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(listed(response, 'vary')).toContain('origin');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(listed(response, 'access-control-allow-headers')).toContain('x-auth-token');
    },
  );

  test('a query from a listed origin is readable by it', async () => {
    const response = await query(gateway.url, APP);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(listed(response, 'access-control-expose-headers')).toContain('x-request-id');
  });

  test.each([EVIL, `${APP}.evil.example`, 'http://app.example.com', 'null'])(
    'the unlisted %s gets no Access-Control-Allow-Origin, on a preflight or an answer',
    async (origin) => {
      const check = (response: Response): void => {
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
        expect(response.headers.get('access-control-allow-headers')).toBeNull();
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
        expect(listed(response, 'vary')).toContain('origin');
      };
      check(await preflight(gateway.url, origin));
      check(await query(gateway.url, origin));
    },
  );
});

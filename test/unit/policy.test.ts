import { SwrError } from '../../src/swr/errors';
import { CircuitOpenError, UpstreamPolicy } from '../../src/swr/policy';

/** The circuit's trial request, with a clock the test moves. */
describe('the circuit after a half-open trial', () => {
  const options = {
    maxRetries: 0,
    baseDelayMs: 100,
    maxDelayMs: 5_000,
    failureThreshold: 2,
    openMs: 1_000,
  };
  let now = 0;
  const deadline = (): number => now + 30_000;
  const fault = (): Promise<never> =>
    Promise.reject(new SwrError('status', 'SWR answered 503', 503));

  async function halfOpen(): Promise<UpstreamPolicy> {
    now = 0;
    const policy = new UpstreamPolicy(options, () => now);
    for (let i = 0; i < options.failureThreshold; i++) {
      await expect(policy.run(fault, deadline())).rejects.toBeInstanceOf(SwrError);
    }
    expect(policy.circuit).toBe('open');
    now += options.openMs;
    expect(policy.circuit).toBe('half-open');
    return policy;
  }

  test('a trial that fails with an error of its own (not an answer of SWR) lets the next one through', async () => {
    const policy = await halfOpen();
    const bug = new TypeError('not an upstream failure');
    await expect(policy.run(() => Promise.reject(bug), deadline())).rejects.toBe(bug);
    // The trial is over: the next request is the next trial, not refused as if one were running.
    await expect(policy.run(() => Promise.resolve('served'), deadline())).resolves.toBe('served');
    expect(policy.circuit).toBe('closed');
  });

  test('while a trial runs, other requests are refused at once', async () => {
    const policy = await halfOpen();
    let finish: (value: string) => void = () => undefined;
    const trial = policy.run(
      () =>
        new Promise<string>((resolve) => {
          finish = resolve;
        }),
      deadline(),
    );
    await expect(policy.run(() => Promise.resolve('second'), deadline())).rejects.toBeInstanceOf(
      CircuitOpenError,
    );
    finish('trial');
    await expect(trial).resolves.toBe('trial');
    expect(policy.circuit).toBe('closed');
  });
});

describe('only a success closes the circuit', () => {
  const options = {
    maxRetries: 0,
    baseDelayMs: 100,
    maxDelayMs: 5_000,
    failureThreshold: 3,
    openMs: 1_000,
  };
  let now = 0;
  const deadline = (): number => now + 30_000;
  const fault = (): Promise<never> =>
    Promise.reject(new SwrError('status', 'SWR answered 503', 503));
  const notFound = (): Promise<never> =>
    Promise.reject(new SwrError('status', 'SWR answered 404', 404));

  test('4xx answers between faults do not reset the count: the third fault opens it', async () => {
    now = 0;
    const policy = new UpstreamPolicy(options, () => now);
    for (let i = 0; i < options.failureThreshold; i++) {
      await expect(policy.run(fault, deadline())).rejects.toBeInstanceOf(SwrError);
      await expect(policy.run(notFound, deadline())).rejects.toBeInstanceOf(SwrError);
    }
    expect(policy.circuit).toBe('open');
  });

  test('a 4xx trial leaves the circuit open; the next request is the next trial', async () => {
    now = 0;
    const policy = new UpstreamPolicy(options, () => now);
    for (let i = 0; i < options.failureThreshold; i++) {
      await expect(policy.run(fault, deadline())).rejects.toBeInstanceOf(SwrError);
    }
    now += options.openMs;
    await expect(policy.run(notFound, deadline())).rejects.not.toBeInstanceOf(CircuitOpenError);
    expect(policy.circuit).toBe('half-open');
    await expect(policy.run(() => Promise.resolve('served'), deadline())).resolves.toBe('served');
    expect(policy.circuit).toBe('closed');
  });
});

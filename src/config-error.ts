/**
 * A setting the process cannot start with. Every layer that reads a setting of its own (tracing's
 * `OTEL_*` variables, the trusted documents' manifest) throws it, and the process prints its
 * problems and exits 1; it lives apart from config.ts so that those layers need not import the
 * composition root's configuration.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

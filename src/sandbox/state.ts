import type { SandboxDataset, SandboxNamespace, SandboxRepository, SandboxTag } from './model';
import { withPushedTag, withRepository, withoutTag } from './repositories';

/** Pushes through the sandbox happen at this time and one second later each. */
const PUSH_EPOCH = Date.UTC(2026, 10, 1);
/** Ids of pushed tags, above every id of the generated data. */
const PUSH_IDS = 10_000_000;

/**
 * One sandbox's view of the data: the shared, immutable dataset plus the changes made through
 * this sandbox (deleted and pushed tags). A change replaces the namespace, repository and orders it touches
 * with new objects, so another sandbox in the same process never sees it.
 */
export class SandboxState {
  private readonly changed = new Map<string, SandboxNamespace>();
  private pushes = 0;

  constructor(private readonly dataset: SandboxDataset) {}

  /** The namespace when the account owns it; an unknown and a foreign one look alike. */
  namespace(name: string, account: string): SandboxNamespace | undefined {
    const namespace = this.changed.get(name) ?? this.dataset.namespaces.get(name);
    return namespace?.account === account ? namespace : undefined;
  }

  /** The account's namespaces, in the order they were created. */
  namespacesOf(account: string): SandboxNamespace[] {
    const names = this.dataset.accounts.get(account)?.namespaces ?? [];
    return names.flatMap((name) => this.namespace(name, account) ?? []);
  }

  deleteTag(namespace: SandboxNamespace, repository: SandboxRepository, tag: SandboxTag): void {
    this.changed.set(namespace.name, withRepository(namespace, withoutTag(repository, tag)));
  }

  /** Pushes `tag` (new, or again) into the repository, as `docker push` would; its record. */
  pushTag(namespace: SandboxNamespace, repository: SandboxRepository, tag: string): SandboxTag {
    this.pushes++;
    const updated = new Date(PUSH_EPOCH + this.pushes * 1000).toISOString().replace('.000', '');
    const pushed = withPushedTag(repository, tag, updated, PUSH_IDS + this.pushes);
    this.changed.set(namespace.name, withRepository(namespace, pushed));
    const record = pushed.tags.find((t) => t.tag.Tag === tag);
    if (!record) throw new Error('a pushed tag is in its repository');
    return record;
  }
}

import type { SandboxDataset, SandboxNamespace, SandboxRepository, SandboxTag } from './data';
import { withRepository, withoutTag } from './repositories';

/**
 * One sandbox's view of the data: the shared, immutable dataset plus the changes made through
 * this sandbox (deleted tags). A change replaces the namespace, repository and orders it touches
 * with new objects, so another sandbox in the same process never sees it.
 */
export class SandboxState {
  private readonly changed = new Map<string, SandboxNamespace>();

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
}

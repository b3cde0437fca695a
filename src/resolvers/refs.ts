import { badUserInput, quoted } from './errors';
import { isValidNamespace, isValidRepositoryName } from '../swr/names';
import type { NamespaceModel, RepositoryModel } from './models';

/**
 * Organizations and repositories named by a caller, checked against SWR's naming rules before
 * anything reaches SWR: a name SWR could never hold is `BAD_USER_INPUT` about its argument.
 */

export function namespaceRef(name: string, argument = 'namespace'): NamespaceModel {
  if (!isValidNamespace(name)) {
    throw badUserInput(
      `${quoted(name)} is not a valid SWR organization name: 1 to 64 lowercase letters, digits and single separators (. _ -), starting with a letter.`,
      argument,
    );
  }
  return { name };
}

export function repositoryRef(
  namespace: string,
  name: string,
  argumentNames = { namespace: 'namespace', name: 'name' },
): RepositoryModel {
  namespaceRef(namespace, argumentNames.namespace);
  if (!isValidRepositoryName(name)) {
    throw badUserInput(
      `${quoted(name)} is not a valid SWR repository name: 1 to 128 lowercase letters, digits, separators (. _ -) and /.`,
      argumentNames.name,
    );
  }
  return { namespace, name };
}

import type { GatewayContext } from './context';
import type { NamespacePermission } from '../generated/resolvers-types';
import type { SwrNamespace } from '../swr/types';
import type { NamespaceModel } from './models';
import { namespaceRef } from './refs';
import { isNotFound, withUpstream } from './upstream';

/** Organizations: the list the token may see, one by name, and the fields of its record. */

/** The organizations the token may see. */
export function listNamespaces(context: GatewayContext): Promise<NamespaceModel[]> {
  return withUpstream(context, 'the organizations', async (loaders) => {
    const namespaces = await loaders.namespaces.list();
    return namespaces.map(({ name }) => ({ name }));
  });
}

/** An organization's record, read once per request (or primed by the list). */
function namespaceRecord(name: string, context: GatewayContext): Promise<SwrNamespace> {
  return withUpstream(context, `the organization ${name}`, (loaders) =>
    loaders.namespaces.byName.load(name),
  );
}

/**
 * `Query.namespace`: the organization, or null when SWR does not know it. `alongside` starts the
 * reads the organization's fields will make (its repository lists), sent together with the check
 * rather than one round trip after it: their answers wait in the request's loaders for the
 * fields. When the organization turns out not to exist, no field runs; those reads are dropped,
 * and so are their errors.
 */
export async function findNamespace(
  name: string,
  context: GatewayContext,
  alongside: (namespace: NamespaceModel) => Promise<unknown>[] = () => [],
): Promise<NamespaceModel | null> {
  const namespace = namespaceRef(name, 'name');
  const check = namespaceRecord(name, context);
  try {
    for (const read of alongside(namespace)) read.catch(() => undefined);
  } catch {
    // The fields meet the same error when they run, and report it there.
  }
  try {
    await check;
    return namespace;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

const PERMISSIONS: Readonly<Record<number, NamespacePermission>> = {
  7: 'MANAGE',
  3: 'EDIT',
  1: 'READ',
};

/**
 * What the token may do in an organization, from SWR's grant (`auth`), read once per request;
 * null for a level this API does not know.
 */
export async function namespacePermission(
  name: string,
  context: GatewayContext,
): Promise<NamespacePermission | null> {
  return PERMISSIONS[(await namespaceRecord(name, context)).auth] ?? null;
}

export const namespaceFields = {
  creatorName: async ({ name }: NamespaceModel, _args: unknown, context: GatewayContext) =>
    (await namespaceRecord(name, context)).creator_name,
  permission: ({ name }: NamespaceModel, _args: unknown, context: GatewayContext) =>
    namespacePermission(name, context),
};

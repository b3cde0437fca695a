import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  isAbstractType,
  isObjectType,
  type DirectiveNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type InlineFragmentNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * What the query asks of the object a resolver is about to return, read from the query itself:
 * the arguments of each selection of one of its fields. A resolver that must make a read of its
 * own before it can return (whether an organization exists) starts its children's reads beside
 * it, instead of one round trip after it.
 *
 * It follows fragments whose type condition the object's type satisfies and leaves out
 * selections that `@skip` or `@include` leave out, so that it never starts a read the query
 * would not make.
 */
export function childFieldArguments(
  info: GraphQLResolveInfo,
  fieldName: string,
): Record<string, unknown>[] {
  const type = getNamedType(info.returnType);
  if (!isObjectType(type)) return [];
  const field = type.getFields()[fieldName];
  if (!field) return [];
  const { schema, fragments, variableValues } = info;

  const included = (node: { readonly directives?: readonly DirectiveNode[] | undefined }) =>
    getDirectiveValues(GraphQLSkipDirective, node, variableValues)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, variableValues)?.if !== false;
  const applies = (fragment: InlineFragmentNode | FragmentDefinitionNode): boolean => {
    const condition = fragment.typeCondition?.name.value;
    if (condition === undefined || condition === type.name) return true;
    const conditionType = schema.getType(condition);
    return conditionType !== undefined && isAbstractType(conditionType)
      ? schema.isSubType(conditionType, type)
      : false;
  };

  const found: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  const visit = (selectionSet: SelectionSetNode | undefined): void => {
    for (const selection of selectionSet?.selections ?? []) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === fieldName) {
          found.push(getArgumentValues(field, selection, variableValues));
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(selection)) visit(selection.selectionSet);
      } else {
        const fragment = fragments[selection.name.value];
        // Validation forbids cycles; `seen` keeps a malformed document from looping anyway.
        if (fragment && !seen.has(fragment.name.value) && applies(fragment)) {
          seen.add(fragment.name.value);
          visit(fragment.selectionSet);
        }
      }
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet);
  return found;
}

import type { UpstreamPage } from '../pagination/plan';
import { SwrError, cannotServe } from '../swr/errors';
import type { SwrPage, SwrTag, SwrTagListQuery } from '../swr/types';
import type { TagList } from './lists';
import type { UpstreamSession } from './session';
import { compareStrings, pageOfWhole, sorted, type WholeList } from './whole-lists';

/**
 * Reading a repository's tags, in the name order too where the server has none: SWR's
 * `order_column=tag` is in the 2025 reference only; Huawei Cloud's SDKs and gophertelekomcloud
 * list `updated_at` alone, and a server may refuse `tag` (400) or ignore it. A refusal or a page
 * out of name order is what tells; from then on (see `ServerTraits`) the name order is sorted
 * here from the whole list, or, when SWR_TAG_NAME_ORDER=server, it is a coded error.
 */

export function readTagPage(
  { client, token, call }: UpstreamSession,
  list: TagList,
  page: UpstreamPage,
  order: Pick<SwrTagListQuery, 'orderColumn' | 'orderType'> = list,
): Promise<SwrPage<SwrTag>> {
  return client.listTags(
    token,
    list.repository,
    {
      offset: page.offset,
      limit: page.limit,
      orderColumn: order.orderColumn,
      orderType: order.orderType,
      ...(list.tag === undefined ? {} : { tag: list.tag }),
    },
    call,
  );
}

function inNameOrder(tags: readonly SwrTag[], direction: 'asc' | 'desc'): boolean {
  const sign = direction === 'asc' ? 1 : -1;
  return tags.every(
    (tag, i) => i === 0 || sign * compareStrings(tags[i - 1]?.Tag ?? '', tag.Tag) < 0,
  );
}

/** The tags read in the time order every server has, then sorted by name here. */
function wholeByName(session: UpstreamSession, list: TagList): WholeList<SwrTag> {
  const { namespace, name } = list.repository;
  return {
    readPage: (page) =>
      readTagPage(session, list, page, { orderColumn: 'updated_at', orderType: 'desc' }),
    keyOf: (tag) => tag.Tag,
    arrange: (tags) => sorted(tags, (a, b) => compareStrings(a.Tag, b.Tag), list.orderType),
    maxItems: session.client.traits.variants.wholeListMaxItems,
    subject: `the tags of ${namespace}/${name} in name order`,
  };
}

function isRefusal(error: unknown): error is SwrError {
  return error instanceof SwrError && error.failure === 'status' && error.status === 400;
}

/** One aligned page of the name order: SWR's while it keeps it, else sorted here. */
export async function readNameOrderedPage(
  session: UpstreamSession,
  list: TagList,
  page: UpstreamPage,
  memo: Map<string, unknown>,
): Promise<SwrPage<SwrTag>> {
  const { traits } = session.client;
  if (traits.sortsTagNamesLocally) return pageOfWhole(memo, wholeByName(session, list), page);
  let refusal: SwrError | null = null;
  try {
    const read = await readTagPage(session, list, page);
    if (inNameOrder(read.items, list.orderType)) return read;
  } catch (error) {
    if (!isRefusal(error)) throw error;
    refusal = error;
  }
  if (traits.variants.tagNameOrder === 'server') {
    throw cannotServe(
      {
        code: 'TAG_NAME_ORDER_UNSUPPORTED',
        message: refusal
          ? 'SWR refused to order tags by name (order_column=tag); SWR_TAG_NAME_ORDER=detect sorts them in the gateway'
          : 'SWR answered a page out of name order for order_column=tag; SWR_TAG_NAME_ORDER=detect sorts them in the gateway',
      },
      refusal,
    );
  }
  traits.lacksTagNameOrder = true;
  return pageOfWhole(memo, wholeByName(session, list), page);
}

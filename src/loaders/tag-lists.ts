import { MAX_UPSTREAM_LIMIT, type UpstreamPage } from '../pagination/plan';
import { SwrError, cannotServe } from '../swr/errors';
import type { SwrPage, SwrTag, SwrTagListQuery } from '../swr/types';
import type { TagList } from './lists';
import type { UpstreamSession } from './session';
import { compareStrings, pageOfWhole, sorted, wholeOf, type WholeList } from './whole-lists';

/**
 * Reading a repository's tags, in the name order too where the server has none: SWR's
 * `order_column=tag` is in the 2025 reference only; Huawei Cloud's SDKs and gophertelekomcloud
 * list `updated_at` alone, and a server may refuse `tag` (400) or ignore it. A page that merely
 * looks sorted proves nothing (two or three tags pushed in name order do), so until an answer
 * proves the order kept (`ServerTraits`), the name order is sorted here from the whole list.
 */

/** The fewest rows whose name order, answered right and unlike their time orders, proves it. */
const PROVING_ROWS = 20;

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

/** Whether `key` orders the rows one way or the other (ties allowed). */
function monotone(rows: readonly SwrTag[], key: (tag: SwrTag) => string): boolean {
  const steps = rows.slice(1).map((tag, i) => compareStrings(key(rows[i] as SwrTag), key(tag)));
  return steps.every((step) => step <= 0) || steps.every((step) => step >= 0);
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

/**
 * Asks SWR for the first page of the name order and holds it against the true one: a refusal
 * or another answer shows the order lacking; the true answer, of rows whose time orders are not
 * that order too, shows it kept; anything less tells nothing yet.
 */
async function learnNameOrder(
  session: UpstreamSession,
  list: TagList,
  whole: readonly SwrTag[],
): Promise<void> {
  const { traits } = session.client;
  const truth = whole.slice(0, MAX_UPSTREAM_LIMIT);
  let answer: SwrPage<SwrTag>;
  try {
    answer = await readTagPage(session, list, { offset: 0, limit: Math.max(1, truth.length) });
  } catch (error) {
    if (!isRefusal(error)) throw error;
    traits.tagNameOrderSeen = 'lacking';
    return;
  }
  const same =
    answer.items.length === truth.length &&
    answer.items.every((tag, i) => tag.Tag === truth[i]?.Tag);
  if (!same) {
    traits.tagNameOrderSeen = 'lacking';
    return;
  }
  const telling = !monotone(truth, (tag) => tag.updated) && !monotone(truth, (tag) => tag.created);
  if (telling) traits.tagNameOrderSeen = 'kept';
}

const LEARNED = 'learned';

/** One aligned page of the name order, sorted here or, once SWR is known to keep it, SWR's. */
export async function readNameOrderedPage(
  session: UpstreamSession,
  list: TagList,
  page: UpstreamPage,
  memo: Map<string, unknown>,
): Promise<SwrPage<SwrTag>> {
  const { traits } = session.client;
  if (traits.sortsTagNamesLocally) {
    const whole = wholeByName(session, list);
    const served = await pageOfWhole(memo, whole, page);
    // A list too short to prove anything costs no question: read whole, it is one request.
    if (traits.tagNameOrderSeen === 'unknown' && served.total >= PROVING_ROWS) {
      if (!memo.has(LEARNED)) {
        memo.set(LEARNED, true);
        await learnNameOrder(session, list, await wholeOf(memo, whole));
      }
    }
    return served;
  }
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
  traits.tagNameOrderSeen = 'lacking';
  return pageOfWhole(memo, wholeByName(session, list), page);
}

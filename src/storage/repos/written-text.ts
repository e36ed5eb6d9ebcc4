/**
 * The JSON text an object was last stored as, by object identity. A create or an update turns the
 * same object into JSON for its row, for its event's `data.object` and for its response (and the
 * idempotency key's stored answer); the event and the response reuse the row's text instead of
 * writing the object out again (docs/PERFORMANCE.md).
 *
 * Reusing it is right only while the object is unchanged since it was stored: a response or an
 * event then says what the row says. An object changed after its write would make them show the row
 * rather than the change. Nothing in TypeScript forbids that change, so the test suite runs with
 * ONFILE_CHECK_WRITTEN_TEXT=1, which compares every reuse with a fresh JSON.stringify and throws
 * on a difference.
 */
const texts = new WeakMap<object, string>();
const check = process.env.ONFILE_CHECK_WRITTEN_TEXT === '1';

/** JSON.stringify(value), remembered as the text `value` was stored as. */
export function storedText(value: unknown): string {
  const text = JSON.stringify(value);
  if (value !== null && typeof value === 'object') texts.set(value, text);
  return text;
}

/** The text `value` was stored as, when it was; undefined otherwise. */
export function textAsStored(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const text = texts.get(value);
  if (check && text !== undefined && text !== JSON.stringify(value)) {
    const id = (value as { id?: unknown }).id;
    throw new Error(`${String(id ?? 'an object')} was changed after it was stored; its stored text no longer matches it`);
  }
  return text;
}

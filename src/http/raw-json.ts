/**
 * A response body that is already JSON text: objects are stored as the exact text Stripe's wire
 * shape serialises to (objects table, `data`), so a read that needs no expansion can send that
 * text as it is instead of parsing and stringifying it again. http/app.ts sends it unchanged.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

export function rawJson(text: string): RawJson {
  return new RawJson(text);
}

/** `{"object":"list",...}` around item texts, byte for byte what JSON.stringify of the parsed page gives. */
export function rawList(items: readonly string[], hasMore: boolean, url: string): RawJson {
  return new RawJson(`{"object":"list","data":[${items.join(',')}],"has_more":${hasMore},"url":${JSON.stringify(url)}}`);
}

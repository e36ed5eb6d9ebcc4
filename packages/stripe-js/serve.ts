// What the server's GET /v3/ route calls: the bundle is built once per process and reused.
import { buildBrowserBundle } from './build.js';

let cached: Promise<string> | undefined;

/** The browser bundle (content type `application/javascript`), built on first use. */
export function getBrowserBundle(): Promise<string> {
  // A failed build is not cached, so a later request can retry it.
  cached ??= buildBrowserBundle().catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

import { IntegrationError } from './errors.js';

export type IntentKind = 'setup_intent' | 'payment_intent';

export interface ParsedClientSecret {
  kind: IntentKind;
  id: string;
  clientSecret: string;
}

const PREFIX: Record<IntentKind, string> = { setup_intent: 'seti_', payment_intent: 'pi_' };

// `{id}_secret_{secret}`; the id never contains `_secret_` and the whole value must be safe to
// put in a URL path segment, so anything outside [A-Za-z0-9_] is rejected up front.
const SHAPE = /^([a-z]+_[A-Za-z0-9_]+?)_secret_([A-Za-z0-9_]+)$/;

export function kindOfClientSecret(value: unknown): IntentKind | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.startsWith(PREFIX.setup_intent)) return 'setup_intent';
  if (value.startsWith(PREFIX.payment_intent)) return 'payment_intent';
  return undefined;
}

/** Parse a client secret of the expected intent kind or throw an IntegrationError. */
export function parseClientSecret(method: string, kind: IntentKind, value: unknown): ParsedClientSecret {
  const prefix = PREFIX[kind];
  const match = typeof value === 'string' ? SHAPE.exec(value) : null;
  if (match === null || typeof value !== 'string' || !value.startsWith(prefix)) {
    const shown = typeof value === 'string' ? value : typeof value;
    throw new IntegrationError(
      `Invalid value for ${method} clientSecret: value should be a ${kind.replace('_', ' ')} client secret ` +
        `of the form ${prefix}{id}_secret_{secret}. You specified: ${shown}.`,
    );
  }
  return { kind, id: match[1] as string, clientSecret: value };
}

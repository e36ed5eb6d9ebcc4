import type { Deps } from '../services/context.js';
import { errors } from '../errors/catalogue.js';
import type { PaymentConnector } from './connector.js';
import { AmazonPayConnector } from './amazon-pay/amazon-pay-connector.js';

/**
 * Which connector processes which PaymentMethod type. Connectors are built once per store (they
 * keep no state of their own beyond it). `overrideConnector` swaps one in, for fault injection in
 * tests or a different processor behind the same type.
 */
type Factory = (deps: Deps) => PaymentConnector;

const factories = new Map<string, Factory>([['amazon_pay', (deps) => new AmazonPayConnector(deps.store, deps.clock)]]);
const built = new WeakMap<object, Map<string, PaymentConnector>>();
const overrides = new Map<string, (inner: PaymentConnector) => PaymentConnector>();

export function registerConnector(paymentMethodType: string, factory: Factory): void {
  factories.set(paymentMethodType, factory);
}

export function supportedPaymentMethodTypes(): string[] {
  return [...factories.keys()];
}

/** Wraps the connector of a type (until the returned function is called). */
export function overrideConnector(paymentMethodType: string, wrap: (inner: PaymentConnector) => PaymentConnector): () => void {
  overrides.set(paymentMethodType, wrap);
  return () => {
    if (overrides.get(paymentMethodType) === wrap) overrides.delete(paymentMethodType);
  };
}

export function connectorFor(deps: Deps, paymentMethodType: string): PaymentConnector {
  // A keyed request's store is a wrapper made for that request (http/idempotency.ts). The processor
  // is not part of the request's transaction: build it once on the engine's store, not per request
  // with the request's idempotency bookkeeping in every call it makes.
  const store = deps.store.base ?? deps.store;
  let perStore = built.get(store);
  if (!perStore) built.set(store, (perStore = new Map()));
  let connector = perStore.get(paymentMethodType);
  if (!connector) {
    const factory = factories.get(paymentMethodType);
    if (!factory) throw errors.internal();
    connector = factory(store === deps.store ? deps : { ...deps, store });
    perStore.set(paymentMethodType, connector);
  }
  const wrap = overrides.get(paymentMethodType);
  return wrap ? wrap(connector) : connector;
}

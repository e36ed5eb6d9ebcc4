import type Stripe from 'stripe';
import { errors } from '../../errors/catalogue.js';
import { getObject } from '../../storage/repos/objects.js';
import { listPage } from '../../api/list.js';
import type { ListPage } from '../../api/render.js';
import type { CallContext } from '../context.js';
import { checkClientSecret } from './confirm.js';
import { requireSetupIntent } from './model.js';
import { forVersion } from './render.js';
import type { ListSetupAttempts, ListSetupIntents } from '../../api/v1/setup-intents/params.js';

/** GET /v1/setup_intents/:id; a publishable key must present the client_secret. */
export async function retrieveSetupIntent(ctx: CallContext, id: string, clientSecret: string | undefined): Promise<Stripe.SetupIntent> {
  const row = await requireSetupIntent(ctx.deps.store.read, ctx, id);
  if (ctx.keyKind === 'publishable') checkClientSecret(ctx, row.data, clientSecret);
  return row.data;
}

/** GET /v1/setup_intents: filters `customer` / `customer_account` (owner column), `payment_method`, `created`. */
export async function listSetupIntents(ctx: CallContext, p: ListSetupIntents): Promise<ListPage<Stripe.SetupIntent>> {
  if (p.customer && p.customer_account) throw errors.parametersExclusive('customer', 'customer_account');
  const page = await listPage<Stripe.SetupIntent>(
    ctx,
    { object: 'setup_intent', url: '/v1/setup_intents', noun: 'setupintent', filter: { customer: p.customer ?? p.customer_account, lookup: p.payment_method } },
    p,
  );
  return { ...page, data: page.data.map((si) => forVersion(ctx, si)) };
}

/** GET /v1/setup_attempts?setup_intent=seti_… (https://docs.stripe.com/api/setup_attempts/list). */
export async function listSetupAttempts(ctx: CallContext, p: ListSetupAttempts): Promise<ListPage<Stripe.SetupAttempt>> {
  const si = await getObject(ctx.deps.store.read, ctx.scope, 'setup_intent', p.setup_intent);
  if (!si) throw errors.resourceMissing('setupintent', p.setup_intent, 'setup_intent', 400);
  return listPage<Stripe.SetupAttempt>(ctx, { object: 'setup_attempt', url: '/v1/setup_attempts', filter: { parent: p.setup_intent } }, p);
}

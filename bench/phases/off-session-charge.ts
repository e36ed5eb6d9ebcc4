import { encodeForm } from '../../src/lib/form.js';
import type { Check, Phase, PhaseEnv } from '../phase.js';

/** Customers with a saved Amazon Pay method; charges rotate over them, as a merchant's would. */
const POOL = 25;
const SAMPLE = 20;

interface Saved {
  customer: string;
  paymentMethod: string;
}

/**
 * The seed's "charge later" call: POST /v1/payment_intents creating and confirming a PaymentIntent
 * on a saved method off-session in one request (no redirect; the processor is called between two
 * transactions). Set-up saves the methods the way the seed does (a payment with
 * setup_future_usage=off_session, approved on the hosted page). After each run it checks that the
 * answered intents succeeded with one captured Charge each.
 */
export function offSessionChargePhase(): Phase {
  let saved: Saved[] = [];
  let next = 0;
  let ids: string[] = [];
  let notSucceeded = 0;
  return {
    name: 'off-session charge',
    kind: 'write',
    async setup(env) {
      saved = [];
      for (let i = 0; i < POOL; i++) saved.push(await saveMethod(env, i));
    },
    request: () => {
      const s = saved[next++ % saved.length];
      return {
        method: 'POST',
        path: '/v1/payment_intents',
        body: encodeForm({
          amount: 1000,
          currency: 'usd',
          allowed_payment_method_types: ['amazon_pay'],
          customer: s.customer,
          payment_method: s.paymentMethod,
          statement_descriptor: 'test_statement',
          confirm: true,
          off_session: true,
        }),
      };
    },
    onResponse(status, body) {
      if (status !== 200) return;
      const id = /"id":\s*"(pi_[A-Za-z0-9]+)"/.exec(body)?.[1];
      if (id) ids.push(id);
      if (!/"status":\s*"succeeded"/.test(body)) notSucceeded++;
    },
    async beforeRun() {
      ids = [];
      notSucceeded = 0;
    },
    async verify(env: PhaseEnv): Promise<Check[]> {
      const sample = ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / SAMPLE)) === 0).slice(0, SAMPLE);
      let good = 0;
      for (const id of sample) {
        const pi = await env.onfile.api<{ status: string; latest_charge: string | null }>('GET', `/v1/payment_intents/${id}`);
        if (pi.status !== 200 || pi.body.status !== 'succeeded' || !pi.body.latest_charge) continue;
        const charges = await env.onfile.api<{ data: { captured: boolean; amount_captured: number }[] }>('GET', `/v1/charges?payment_intent=${id}`);
        if (charges.status === 200 && charges.body.data.length === 1 && charges.body.data[0].captured && charges.body.data[0].amount_captured === 1000) good++;
      }
      return [
        { name: 'every 2xx charge answered succeeded', pass: notSucceeded === 0, detail: `${ids.length} answered 2xx, ${notSucceeded} not succeeded` },
        { name: 'sample has exactly one captured Charge each', pass: good === sample.length, detail: `${good}/${sample.length}` },
      ];
    },
  };
}

/** The seed's save-during-payment flow, with the customer's approval posted to the hosted page. */
async function saveMethod(env: PhaseEnv, i: number): Promise<Saved> {
  const c = await env.onfile.api<{ id: string }>('POST', '/v1/customers', `${env.sdk.createBody}&metadata[pool]=${i}`);
  if (c.status !== 200) throw new Error(`set-up customer answered ${c.status}`);
  const pi = await env.onfile.api<{ id: string; payment_method: string; next_action: { redirect_to_url: { url: string } } }>(
    'POST',
    '/v1/payment_intents',
    encodeForm({
      amount: 1000,
      currency: 'usd',
      allowed_payment_method_types: ['amazon_pay'],
      payment_method_data: { type: 'amazon_pay' },
      mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '127.0.0.1', user_agent: 'onfile-bench' } } },
      return_url: 'https://example.com/checkout/complete',
      customer: c.body.id,
      setup_future_usage: 'off_session',
      confirm: true,
    }),
  );
  if (pi.status !== 200) throw new Error(`set-up payment answered ${pi.status}: ${JSON.stringify(pi.body)}`);
  const answer = await fetch(pi.body.next_action.redirect_to_url.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'action=authorize',
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
  if (answer.status !== 303) throw new Error(`hosted page answered ${answer.status}`);
  return { customer: c.body.id, paymentMethod: pi.body.payment_method };
}

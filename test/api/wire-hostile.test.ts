import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { engines, raw, startTestServer, type RawResponse, type TestServer } from '../support/harness.js';
import { allRoutes } from '../../src/api/routes.js';
import { Field } from '../../src/api/params.js';
import { JsonField } from '../../src/api/v2/json-params.js';

// Every route, every parameter name an endpoint knows, values of the wrong kind: the answer is
// Stripe's error (a 4xx in Stripe's shape) or a success, never a 5xx. Each (route, name) pair gets
// one of the hostile values in turn, so that the sweep stays a few thousand requests per engine.

const API_DIR = join(import.meta.dirname, '../../src/api');

/** Parameter names of every exported parameter shape (`createCustomerParams`, ...), v1 and v2 apart. */
async function parameterNames(): Promise<{ v1: string[]; v2: string[] }> {
  const v1 = new Set<string>();
  const v2 = new Set<string>();
  const files = readdirSync(API_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('params.ts'));
  for (const file of files) {
    const mod = (await import(join(API_DIR, file))) as Record<string, unknown>;
    for (const shape of Object.values(mod)) {
      if (!shape || typeof shape !== 'object' || Array.isArray(shape)) continue;
      for (const [name, field] of Object.entries(shape)) {
        if (field instanceof Field) v1.add(name);
        else if (field instanceof JsonField) v2.add(name);
      }
    }
  }
  return { v1: [...v1].sort(), v2: [...v2].sort() };
}

// Nested names the shapes hide inside their hashes.
const NESTED_V1 = [
  'payment_method_data[type]',
  'payment_method_data[billing_details][address][country]',
  'mandate_data[customer_acceptance][type]',
  'mandate_data[customer_acceptance][online][ip_address]',
  'payment_method_options[amazon_pay][setup_future_usage]',
  'invoice_settings[default_payment_method]',
  'invoice_settings[custom_fields][0][name]',
  'shipping[address][line1]',
  'address[country]',
  'created[gt]',
  'metadata[k]',
  'expand[0]',
];
const FORM_VALUES = ['[a]=x', '[]=x', '=', `=${'x'.repeat(6000)}`, '=-1', '=1e400', '=99999999999999999999', '=%00', '=true', '[a][b][c]=x', '=%F0%9F%92%B3'];
const JSON_VALUES: unknown[] = [null, [], {}, 1e308, 'x', true, { a: { b: {} } }, -1, [{}]];
const BOGUS_IDS = ['x'.repeat(300), '%00', '..', 'cus_%C3%A9', '%20'];

type ErrorBody = { error?: { type?: unknown; message?: unknown } };

function assertStripeAnswer(label: string, res: RawResponse<ErrorBody>): void {
  assert.ok(res.status < 500, `${label}: ${res.status} ${res.text.slice(0, 300)}`);
  if (res.status >= 400) {
    assert.equal(typeof res.body?.error?.type, 'string', `${label}: ${res.text.slice(0, 300)}`);
    assert.equal(typeof res.body?.error?.message, 'string', `${label}: ${res.text.slice(0, 300)}`);
  }
}

for (const engine of engines()) {
  describe(`wire: hostile input on every route [${engine}]`, () => {
    let s: TestServer;
    const ids: Record<string, string> = {};
    let names: { v1: string[]; v2: string[] };

    before(async () => {
      s = await startTestServer(engine);
      names = await parameterNames();
      const customer = await s.stripe.customers.create({ name: 'Hostile', email: 'hostile@example.com' });
      const si = await s.stripe.setupIntents.create({
        customer: customer.id,
        allowed_payment_method_types: ['amazon_pay'],
        payment_method_data: { type: 'amazon_pay' },
        usage: 'off_session',
        confirm: true,
        return_url: 'https://example.com/return',
        mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '127.0.0.1', user_agent: 'test' } } },
      });
      const pi = await s.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', allowed_payment_method_types: ['amazon_pay'], customer: customer.id });
      const endpoint = await s.stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/hook', enabled_events: ['customer.created'] });
      const account = await raw(s.url, 'POST', '/v2/core/accounts', { key: s.sk, json: { display_name: 'Hostile', configuration: { customer: {} } } });
      const event = (await s.stripe.events.list({ limit: 1 })).data[0];
      Object.assign(ids, {
        customers: customer.id,
        setup_intents: si.id,
        payment_methods: si.payment_method as string,
        mandates: si.mandate as string,
        payment_intents: pi.id,
        webhook_endpoints: endpoint.id,
        events: event.id,
        accounts: (account.body as { id: string }).id,
      });
    });
    after(async () => s.close());

    /** The route's path with each `:param` filled by an object of its resource (or `bogus`). */
    const fill = (path: string, bogus?: string) => {
      const segments = path.split('/');
      return segments
        .map((seg, i) => {
          if (!seg.startsWith(':')) return seg;
          if (bogus !== undefined) return bogus;
          if (seg === ':pm') return ids.payment_methods;
          return ids[segments[i - 1]] ?? 'none_123';
        })
        .join('/');
    };

    it('found the parameter names to try', () => {
      // A refactor that hid the shapes would make the sweep below try nothing.
      for (const name of ['customer', 'payment_method_data', 'mandate_data', 'limit', 'expand', 'metadata']) assert.ok(names.v1.includes(name), name);
      for (const name of ['display_name', 'configuration', 'include']) assert.ok(names.v2.includes(name), name);
      assert.ok(allRoutes().length >= 40);
    });

    it('ids that name nothing or cannot be ids', async () => {
      for (const route of allRoutes()) {
        if (!route.path.includes(':')) continue;
        for (const bogus of BOGUS_IDS) {
          const path = fill(route.path, bogus);
          const res = await raw<ErrorBody>(s.url, route.method, path, route.method === 'GET' || route.method === 'DELETE' ? { key: s.sk } : { key: s.sk, form: '' });
          assertStripeAnswer(`${route.method} ${path.slice(0, 80)}`, res);
        }
      }
    });

    it('v1: every parameter name with a value of the wrong kind', async () => {
      let n = 0;
      for (const route of allRoutes().filter((r) => r.path.startsWith('/v1/'))) {
        const path = fill(route.path);
        for (const name of [...names.v1, ...NESTED_V1]) {
          const value = FORM_VALUES[n++ % FORM_VALUES.length];
          const form = `${name}${value}`;
          const res = await raw<ErrorBody>(s.url, route.method, path, { key: s.sk, form });
          assertStripeAnswer(`${route.method} ${route.path} ${form.slice(0, 60)}`, res);
        }
      }
      assert.ok(n > 1000, `${n} requests`);
    });

    it('v2: every parameter name with a JSON value of the wrong kind', async () => {
      let n = 0;
      for (const route of allRoutes().filter((r) => r.path.startsWith('/v2/'))) {
        const path = fill(route.path);
        for (const name of names.v2) {
          const value = JSON_VALUES[n++ % JSON_VALUES.length];
          const res =
            route.method === 'GET'
              ? await raw<ErrorBody>(s.url, 'GET', `${path}?${name}=${encodeURIComponent(JSON.stringify(value))}`, { key: s.sk })
              : await raw<ErrorBody>(s.url, route.method, path, { key: s.sk, json: { [name]: value } });
          assertStripeAnswer(`${route.method} ${route.path} ${name}=${JSON.stringify(value)}`, res);
        }
      }
      assert.ok(n > 100, `${n} requests`);
    });
  });
}

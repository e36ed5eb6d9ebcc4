import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { engines, raw, startTestServer, type TestServer } from '../support/harness.js';

// Stripe's parameter errors (https://docs.stripe.com/error-codes): 400 invalid_request_error with the
// code and the bracketed `param` path; malformed bodies are a 400 too, never a 500.
type ErrorBody = { error: { type: string; code?: string; param?: string; message: string; doc_url?: string } };

for (const engine of engines()) {
  describe(`wire: bad input [${engine}]`, () => {
    let s: TestServer;
    let customerId: string;
    const post = (path: string, form: string) => raw<ErrorBody>(s.url, 'POST', path, { key: s.sk, form });
    const expect400 = async (path: string, form: string, want: { code?: string; param?: string; message?: string }) => {
      const res = await post(path, form);
      assert.equal(res.status, 400, `${form}: ${res.text}`);
      assert.equal(res.body.error.type, 'invalid_request_error', form);
      if ('code' in want) assert.equal(res.body.error.code, want.code, form);
      if ('param' in want) assert.equal(res.body.error.param, want.param, form);
      if (want.message) assert.equal(res.body.error.message, want.message, form);
      return res.body.error;
    };
    before(async () => {
      s = await startTestServer(engine);
      customerId = (await s.stripe.customers.create({ name: 'Params' })).id;
    });
    after(async () => s.close());

    it('parameter_unknown at the top level and nested, with the bracketed path', async () => {
      await expect400('/v1/customers', 'foo=1', { code: 'parameter_unknown', param: 'foo', message: 'Received unknown parameter: foo' });
      await expect400('/v1/customers', 'address[foo]=1', { code: 'parameter_unknown', param: 'address[foo]' });
      // Several at one level are named together, in the request's order; the first is the param.
      await expect400('/v1/customers', 'name=x&zeta=1&amount=2', { code: 'parameter_unknown', param: 'zeta', message: 'Received unknown parameters: zeta, amount' });
      await expect400('/v1/customers', 'address[a]=1&address[b]=2', { code: 'parameter_unknown', param: 'address[a]', message: 'Received unknown parameters: address[a], address[b]' });
      // Names an empty JavaScript object answers to are as unknown as any other.
      await expect400('/v1/customers', 'constructor=1', { code: 'parameter_unknown', param: 'constructor' });
      await expect400('/v1/customers', 'address[toString]=1', { code: 'parameter_unknown', param: 'address[toString]' });
      await expect400('/v1/customers', 'invoice_settings[rendering_options][bogus]=1', { code: 'parameter_unknown', param: 'invoice_settings[rendering_options][bogus]' });
      await expect400('/v1/customers', 'invoice_settings[custom_fields][0][name]=a&invoice_settings[custom_fields][0][value]=b&invoice_settings[custom_fields][0][x]=c', {
        code: 'parameter_unknown',
        param: 'invoice_settings[custom_fields][0][x]',
      });
      await expect400(`/v1/customers/${customerId}`, 'shipping[address][line1]=x&shipping[name]=n&shipping[address][planet]=mars', { param: 'shipping[address][planet]' });
      const viaSdk = await s.stripe.customers.create({ nope: 1 } as Stripe.CustomerCreateParams).catch((e: Stripe.errors.StripeError) => e);
      assert.ok(viaSdk instanceof Stripe.errors.StripeInvalidRequestError);
      assert.equal(viaSdk.code, 'parameter_unknown');
      assert.equal(viaSdk.doc_url, 'https://stripe.com/docs/error-codes/parameter-unknown');
    });

    it('parameter_missing names the missing nested field', async () => {
      await expect400('/v1/customers', 'shipping[address][line1]=1%20Main', { code: 'parameter_missing', param: 'shipping[name]', message: 'Missing required param: shipping[name].' });
      await expect400('/v1/customers', 'invoice_settings[custom_fields][0][name]=a', { code: 'parameter_missing', param: 'invoice_settings[custom_fields][0][value]' });
    });

    it("names an enum's allowed values as Stripe does: 'a or b', 'a, b, or c'", async () => {
      await expect400('/v1/setup_intents', 'usage=sometimes', { param: 'usage', message: 'Invalid usage: must be one of off_session or on_session' });
      await expect400('/v1/customers', 'tax_exempt=maybe', { param: 'tax_exempt', message: 'Invalid tax_exempt: must be one of none, exempt, or reverse' });
    });

    it('parameter_invalid_integer and parameter_invalid_empty', async () => {
      await expect400('/v1/customers', 'balance=abc', { code: 'parameter_invalid_integer', param: 'balance', message: 'Invalid integer: abc' });
      await expect400('/v1/customers', 'balance=1.5', { code: 'parameter_invalid_integer', param: 'balance' });
      await expect400('/v1/customers', 'balance=99999999999999999999', { code: 'parameter_invalid_integer', param: 'balance' });
      await expect400('/v1/customers?limit=ten', '', {});
      const list = await raw<ErrorBody>(s.url, 'GET', '/v1/customers?limit=ten', { key: s.sk });
      assert.equal(list.status, 400);
      assert.equal(list.body.error.code, 'parameter_invalid_integer');
      assert.equal(list.body.error.param, 'limit');
      // A hash or an array where an integer belongs is named, not a crash.
      for (const query of ['limit[a]=x', 'limit[]=1']) {
        const listed = await raw<ErrorBody>(s.url, 'GET', `/v1/customers?${query}`, { key: s.sk });
        assert.equal(listed.status, 400, listed.text);
        assert.equal(listed.body.error.code, 'parameter_invalid_integer', query);
        assert.equal(listed.body.error.param, 'limit', query);
      }
      await expect400('/v1/customers', 'balance[a]=1', { code: 'parameter_invalid_integer', param: 'balance' });
      const empty = await expect400('/v1/customers', 'balance=', { code: 'parameter_invalid_empty', param: 'balance' });
      assert.match(empty.message, /^You passed an empty string for 'balance'\. We assume empty values are an attempt to unset a parameter; however 'balance' cannot be unset\./);
      await expect400('/v1/customers', 'shipping[name]=&shipping[address][line1]=x', { code: 'parameter_invalid_empty', param: 'shipping[name]' });
    });

    it('enums, booleans, arrays and hashes of the wrong kind', async () => {
      const e = await expect400('/v1/customers', 'tax_exempt=sometimes', { param: 'tax_exempt' });
      assert.match(e.message, /none, exempt, or reverse/);
      await expect400('/v1/customers', 'preferred_locales=en', { param: 'preferred_locales' });
      await expect400('/v1/customers', 'address=Paris', { param: 'address' });
      const hash = await expect400('/v1/customers', 'name[first]=Jenny', { param: 'name' });
      assert.equal(hash.message, 'Invalid string: {"first":"Jenny"}');
      // An array as the SDKs send one is, to Stripe, a hash of indexes (recorded).
      const array = await expect400('/v1/customers', 'name[0]=wrong&name[1]=type&name[2]=array', { param: 'name' });
      assert.equal(array.message, 'Invalid string: {"0":"wrong","1":"type","2":"array"}');
      const sdk = await s.stripe.customers.create({ name: ['wrong', 'type'] as unknown as string }).catch((err: Stripe.errors.StripeError) => err);
      assert.equal((sdk as Stripe.errors.StripeError).message, 'Invalid string: {"0":"wrong","1":"type"}');
      await expect400('/v1/customers', 'metadata[k][nested]=v', { param: 'metadata[k]' });
      const bool = await raw<ErrorBody>(s.url, 'GET', '/v2/core/accounts?closed=yes', { key: s.sk });
      assert.equal(bool.status, 400);
      assert.equal(bool.body.error.code, 'parameter_invalid_boolean');
      assert.equal(bool.body.error.param, 'closed');
    });

    it('an empty string unsets what can be unset', async () => {
      const c = await s.stripe.customers.create({ description: 'd', phone: '123', address: { city: 'Paris' } });
      const res = await post(`/v1/customers/${c.id}`, 'description=&phone=&address=');
      assert.equal(res.status, 200, res.text);
      const body = res.body as unknown as Stripe.Customer;
      assert.equal(body.description, null);
      assert.equal(body.phone, null);
      assert.equal(body.address, null);
    });

    it('accepts all three array spellings and percent-encoded brackets', async () => {
      for (const form of ['preferred_locales[]=en&preferred_locales[]=fr', 'preferred_locales[0]=en&preferred_locales[1]=fr', 'preferred_locales%5B0%5D=en&preferred_locales%5B1%5D=fr']) {
        const res = await post('/v1/customers', form);
        assert.equal(res.status, 200, form);
        assert.deepEqual((res.body as unknown as Stripe.Customer).preferred_locales, ['en', 'fr'], form);
      }
    });

    it('malformed, oversized and over-deep bodies are 400s, never 500s', async () => {
      const deep = `${'a'.repeat(1)}${'[b]'.repeat(25)}=1`;
      const bodies = [
        deep,
        Array.from({ length: 1500 }, (_, i) => `preferred_locales[${i}]=en`).join('&'),
        Array.from({ length: 10_050 }, (_, i) => `metadata[k${i}]=v`).join('&'),
        `description=${'x'.repeat(1_100_000)}`,
      ];
      for (const body of bodies) {
        const res = await post('/v1/customers', body);
        assert.equal(res.status, 400, `${body.slice(0, 40)}…: ${res.text.slice(0, 200)}`);
        assert.equal(res.body.error.type, 'invalid_request_error');
        assert.match(res.headers.get('request-id') ?? '', /^req_/);
      }
      // A broken percent-escape is kept literally by the form parser: whatever the outcome, never a crash.
      const broken = await post('/v1/customers', 'name=%E0%A4%A');
      assert.ok(broken.status < 500, broken.text);
      const deepQuery = await raw<ErrorBody>(s.url, 'GET', `/v1/customers?${deep}`, { key: s.sk });
      assert.equal(deepQuery.status, 400);
      const json = await fetch(`${s.url}/v1/customers`, { method: 'POST', headers: { authorization: `Bearer ${s.sk}`, 'content-type': 'application/json' }, body: '{"name": ' });
      assert.equal(json.status, 400);
      assert.equal(((await json.json()) as ErrorBody).error.type, 'invalid_request_error');
      const stillUp = await s.stripe.customers.list({ limit: 1 });
      assert.equal(stillUp.object, 'list');
    });

    it('a JSON body on v1 gets Stripe\'s unsupported Content-Type error, not JSON\'s types', async () => {
      for (const json of [{ name: 'Jenny' }, { metadata: null }, { balance: 5 }, ['name']]) {
        const res = await raw<ErrorBody>(s.url, 'POST', '/v1/customers', { key: s.sk, json });
        assert.equal(res.status, 400, JSON.stringify(json));
        assert.deepEqual(res.body, {
          error: {
            type: 'invalid_request_error',
            message: 'Invalid request: unsupported Content-Type application/json. If error persists and you need assistance, please contact support@stripe.com.',
          },
        });
      }
      const update = await raw<ErrorBody>(s.url, 'POST', `/v1/customers/${customerId}`, { key: s.sk, json: { metadata: { a: 1 } } });
      assert.equal(update.status, 400);
      assert.equal((await s.stripe.customers.retrieve(customerId) as Stripe.Customer).metadata.a, undefined);
      // The type alone, on a request without a body, changes nothing; v2 takes JSON.
      const get = await raw(s.url, 'GET', '/v1/customers?limit=1', { key: s.sk, headers: { 'content-type': 'application/json' } });
      assert.equal(get.status, 200);
      const v2 = await raw(s.url, 'POST', '/v2/core/accounts', { key: s.sk, json: { display_name: 'JSON is v2\'s' } });
      assert.equal(v2.status, 200, v2.text);
    });

    it('path segments the router cannot read get Stripe\'s error shape', async () => {
      for (const path of ['/v1/customers/%ZZ', '/v1/payment_intents/%E0%A4%A/confirm']) {
        const res = await raw<ErrorBody>(s.url, path.endsWith('confirm') ? 'POST' : 'GET', path, { key: s.sk });
        assert.equal(res.status, 400, res.text);
        assert.equal(res.body.error.type, 'invalid_request_error', path);
        assert.match(res.headers.get('request-id') ?? '', /^req_/);
      }
      const v2 = await raw<{ error: { type: string; code: string } }>(s.url, 'GET', '/v2/core/accounts/%ZZ', { key: s.sk });
      assert.equal(v2.status, 400);
      assert.equal(v2.body.error.type, 'invalid_request_error');
      // A long id is an id like any other: no such object.
      const long = 'cus_' + 'x'.repeat(300);
      const missing = await raw<ErrorBody>(s.url, 'GET', `/v1/customers/${long}`, { key: s.sk });
      assert.equal(missing.status, 404, missing.text);
      assert.equal(missing.body.error.code, 'resource_missing');
      assert.equal(missing.body.error.message, `No such customer: '${long}'`);
    });

    it('a NUL character is refused wherever it is sent, on both engines alike', async () => {
      const body = await expect400('/v1/customers', 'name=a%00b', {});
      assert.equal(body.message, 'Invalid request body: parameters may not contain the NUL character (%00).');
      await expect400('/v1/customers', 'metadata[k%00]=v', {});
      for (const path of ['/v1/customers/cus_%00', '/v1/customers?email=a%00b', `/v1/customers/${customerId}?expand[]=%00`]) {
        const res = await raw<ErrorBody>(s.url, 'GET', path, { key: s.sk });
        assert.equal(res.status, 400, `${path}: ${res.text}`);
        assert.equal(res.body.error.message, 'Invalid request: the URL may not contain the NUL character (%00).');
      }
      const v2 = await raw<{ error: { type: string; message: string } }>(s.url, 'POST', '/v2/core/accounts', { key: s.sk, json: { display_name: 'a\u0000b' } });
      assert.equal(v2.status, 400, v2.text);
      assert.equal(v2.body.error.message, 'Invalid request: parameters may not contain the NUL character (\\u0000).');
      const key = await raw(s.url, 'POST', '/v2/core/accounts', { key: s.sk, json: { metadata: { 'k\u0000': 'v' } } });
      assert.equal(key.status, 400, key.text);
      // The text "%00" itself, encoded, is an ordinary value.
      const literal = await raw<{ name: string }>(s.url, 'POST', '/v1/customers', { key: s.sk, form: 'name=100%2500' });
      assert.equal(literal.status, 200, literal.text);
      assert.equal(literal.body.name, '100%00');
      const literalV2 = await raw<{ display_name: string }>(s.url, 'POST', '/v2/core/accounts', { key: s.sk, json: { display_name: 'slash \\u0000' } });
      assert.equal(literalV2.status, 200, literalV2.text);
      assert.equal(literalV2.body.display_name, 'slash \\u0000');
    });

    it('a failed validation changes nothing', async () => {
      const before_ = await s.stripe.customers.list({ limit: 100 });
      await expect400('/v1/customers', 'email=new%40example.com&balance=x', { code: 'parameter_invalid_integer' });
      const after_ = await s.stripe.customers.list({ limit: 100 });
      assert.equal(after_.data.length, before_.data.length);
    });
  });
}

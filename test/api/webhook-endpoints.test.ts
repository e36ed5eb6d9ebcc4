import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { engines, raw, startTestServer, type TestServer } from '../support/harness.js';
import { ENABLED_EVENT_TYPES } from '../../src/webhooks/event-types.js';

const isError = (status: number, param?: string, code?: string) => (e: Stripe.errors.StripeError) =>
  e.statusCode === status && (param === undefined || e.param === param) && (code === undefined || e.code === code);

describe('enabled_events table', () => {
  it('lists exactly the event types of the pinned SDK (WebhookEndpointCreateParams.EnabledEvent)', () => {
    const dts = readFileSync(new URL('../../node_modules/stripe/esm/resources/WebhookEndpoints.d.ts', import.meta.url), 'utf8');
    const union = /namespace WebhookEndpointCreateParams \{\s*type EnabledEvent = ([^;]+);/.exec(dts);
    assert.ok(union, 'EnabledEvent union found in the SDK types');
    const sdk = [...union[1].matchAll(/'([^']+)'/g)].map((m) => m[1]).filter((t) => t !== '*');
    assert.deepEqual([...ENABLED_EVENT_TYPES].sort(), sdk.sort());
  });
});

for (const engine of engines()) {
  describe(`webhook endpoints v1 [${engine}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s.close());

    it('creates with the secret shown once, then retrieves, lists, updates and deletes', async () => {
      const we = await s.stripe.webhookEndpoints.create({
        url: 'https://example.com/my/webhook/endpoint',
        enabled_events: ['payment_intent.payment_failed', 'payment_intent.succeeded'],
        description: 'orders',
        metadata: { team: 'payments' },
      });
      assert.match(we.id, /^we_[A-Za-z0-9]{24}$/);
      assert.equal(we.object, 'webhook_endpoint');
      assert.match(we.secret ?? '', /^whsec_[A-Za-z0-9]{32}$/);
      assert.equal(we.status, 'enabled');
      assert.equal(we.api_version, null);
      assert.equal(we.application, null);
      assert.equal(we.livemode, false);
      assert.deepEqual(we.enabled_events, ['payment_intent.payment_failed', 'payment_intent.succeeded']);
      assert.deepEqual(we.metadata, { team: 'payments' });
      assert.deepEqual(Object.keys(we), ['id', 'object', 'api_version', 'application', 'created', 'description', 'enabled_events', 'livemode', 'metadata', 'secret', 'status', 'url']);

      const got = await s.stripe.webhookEndpoints.retrieve(we.id);
      assert.equal(got.secret, undefined, 'the secret is only returned at creation');
      assert.equal(got.url, 'https://example.com/my/webhook/endpoint');

      const disabled = await s.stripe.webhookEndpoints.update(we.id, { disabled: true, url: 'https://example.com/v2/hook', description: '', metadata: { team: '', env: 'test' } });
      assert.equal(disabled.status, 'disabled');
      assert.equal(disabled.url, 'https://example.com/v2/hook');
      assert.equal(disabled.description, null);
      assert.deepEqual(disabled.metadata, { env: 'test' });
      assert.equal(disabled.secret, undefined);
      const enabled = await s.stripe.webhookEndpoints.update(we.id, { disabled: false, enabled_events: ['*'] });
      assert.equal(enabled.status, 'enabled');
      assert.deepEqual(enabled.enabled_events, ['*']);

      const refused = await raw(s.url, 'DELETE', `/v1/webhook_endpoints/${we.id}`, { key: s.sk, form: 'metadata[a]=1' });
      assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.param], [400, 'parameter_unknown', 'metadata']);
      const deleted = await s.stripe.webhookEndpoints.del(we.id);
      assert.deepEqual({ ...deleted }, { id: we.id, object: 'webhook_endpoint', deleted: true });
      await assert.rejects(s.stripe.webhookEndpoints.retrieve(we.id), isError(404, 'id', 'resource_missing'));
      await assert.rejects(s.stripe.webhookEndpoints.del(we.id), isError(404, 'id', 'resource_missing'));
    });

    it('keeps api_version fixed at creation and validates it', async () => {
      const we = await s.stripe.webhookEndpoints.create({ url: 'https://example.com/h', enabled_events: ['*'], api_version: '2025-03-31.basil' });
      assert.equal(we.api_version, '2025-03-31.basil');
      const res = await raw(s.url, 'POST', `/v1/webhook_endpoints/${we.id}`, { key: s.sk, form: 'api_version=2026-10-28.endive' });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'parameter_unknown');
      assert.equal(res.body.error.param, 'api_version');
      const bad = await raw(s.url, 'POST', '/v1/webhook_endpoints', { key: s.sk, form: 'url=https://example.com/h&enabled_events[]=*&api_version=1999-01-01' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.param, 'api_version');
    });

    it('rejects unknown event types, bad URLs, missing parameters and unknown parameters', async () => {
      await assert.rejects(
        s.stripe.webhookEndpoints.create({ url: 'https://example.com/h', enabled_events: ['customer.created', 'customer.exploded' as 'customer.created'] }),
        isError(400, 'enabled_events[1]'),
      );
      await assert.rejects(s.stripe.webhookEndpoints.create({ url: 'not a url', enabled_events: ['*'] }), isError(400, 'url', 'url_invalid'));
      await assert.rejects(s.stripe.webhookEndpoints.create({ url: 'ftp://example.com/h', enabled_events: ['*'] }), isError(400, 'url', 'url_invalid'));
      const missing = await raw(s.url, 'POST', '/v1/webhook_endpoints', { key: s.sk, form: 'url=https://example.com/h' });
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error.code, 'parameter_missing');
      assert.equal(missing.body.error.param, 'enabled_events');
      const unknown = await raw(s.url, 'POST', '/v1/webhook_endpoints', { key: s.sk, form: 'url=https://example.com/h&enabled_events[]=*&colour=red' });
      assert.equal(unknown.body.error.code, 'parameter_unknown');
      assert.equal(unknown.body.error.param, 'colour');
      const first = await s.stripe.webhookEndpoints.create({ url: 'https://example.com/h', enabled_events: ['*'] });
      await assert.rejects(s.stripe.webhookEndpoints.update(first.id, { enabled_events: ['nope.nope' as '*'] }), isError(400, 'enabled_events[0]'));
      await assert.rejects(s.stripe.webhookEndpoints.update(first.id, { url: 'mailto:x@example.com' }), isError(400, 'url', 'url_invalid'));
    });

    it('answers secret keys only, and only for their own account', async () => {
      const other = await s.newAccount();
      const we = await s.stripe.webhookEndpoints.create({ url: 'https://example.com/h', enabled_events: ['*'] });
      await assert.rejects(other.stripe.webhookEndpoints.retrieve(we.id), isError(404, 'id', 'resource_missing'));
      await assert.rejects(other.stripe.webhookEndpoints.del(we.id), isError(404));
      const list = await other.stripe.webhookEndpoints.list();
      assert.equal(list.data.length, 0);
      const pk = await raw(s.url, 'GET', '/v1/webhook_endpoints', { key: s.pk });
      assert.equal(pk.status, 403);
      assert.equal(pk.body.error.code, 'secret_key_required');
    });

    it('lists newest first with cursors', async () => {
      const a = await s.newAccount();
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push((await a.stripe.webhookEndpoints.create({ url: `https://example.com/${i}`, enabled_events: ['*'] })).id);
      const page = await a.stripe.webhookEndpoints.list({ limit: 2 });
      assert.deepEqual(page.data.map((w) => w.id), [ids[3], ids[2]]);
      assert.equal(page.has_more, true);
      assert.equal(page.url, '/v1/webhook_endpoints');
      assert.ok(page.data.every((w) => w.secret === undefined));
      const next = await a.stripe.webhookEndpoints.list({ limit: 2, starting_after: ids[2] });
      assert.deepEqual(next.data.map((w) => w.id), [ids[1], ids[0]]);
      assert.equal(next.has_more, false);
    });

    it('caps the number of endpoints per account and mode', async () => {
      const a = await s.newAccount();
      for (let i = 0; i < 16; i++) await a.stripe.webhookEndpoints.create({ url: `https://example.com/${i}`, enabled_events: ['*'] });
      await assert.rejects(a.stripe.webhookEndpoints.create({ url: 'https://example.com/17', enabled_events: ['*'] }), isError(400, 'url'));
    });
  });
}

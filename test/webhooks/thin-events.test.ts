import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { engines, raw, startTestServer, type TestServer } from '../support/harness.js';
import { startReceiver, type Receiver, type Received } from './receiver.js';

// A compressed retry schedule and short timeouts; the dispatcher reads these when the server starts.
process.env.ONFILE_WEBHOOK_RETRY_SCHEDULE = '1,1';
process.env.ONFILE_WEBHOOK_TIMEOUT = '5';
process.env.ONFILE_WEBHOOK_LEASE = '10';
process.env.ONFILE_WEBHOOK_POLL = '0.05';

const RFC3339_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const ACCOUNT_EVENTS = ['v2.core.account.created', 'v2.core.account.updated', 'v2.core.account.closed', 'v2.core.account[configuration.customer].updated'];

for (const engine of engines()) {
  describe(`v2 thin events and event destinations [${engine}]`, () => {
    let s: TestServer;
    let rx: Receiver;
    before(async () => {
      s = await startTestServer(engine);
      rx = await startReceiver();
    });
    after(async () => {
      await s.close();
      await rx.close();
    });

    const destination = async (stripe: Stripe, tag: string, enabled = ACCOUNT_EVENTS) =>
      stripe.v2.core.eventDestinations.create({
        name: `thin ${tag}`,
        type: 'webhook_endpoint',
        event_payload: 'thin',
        enabled_events: enabled,
        webhook_endpoint: { url: `${rx.url}?${tag}` },
        include: ['webhook_endpoint.signing_secret', 'webhook_endpoint.url'],
      });
    const to = (tag: string) => () => rx.received.filter((r) => r.path.endsWith(`?${tag}`));

    it('delivers signed thin notifications of an Account v2 that parseEventNotification verifies, and fetches the event and the account', async () => {
      const a = await s.newAccount();
      const dest = await destination(a.stripe, 'flow');
      assert.match(dest.id, /^ed_[A-Za-z0-9]{24}$/);
      assert.equal(dest.object, 'v2.core.event_destination');
      assert.equal(dest.status, 'enabled');
      assert.equal(dest.event_payload, 'thin');
      assert.match(dest.created, RFC3339_MS);
      assert.match(dest.webhook_endpoint!.signing_secret!, /^whsec_[A-Za-z0-9]{32}$/);
      assert.equal(dest.webhook_endpoint!.url, `${rx.url}?flow`);
      const secret = dest.webhook_endpoint!.signing_secret!;
      // A v1 endpoint for every event gets no v2 event.
      await a.stripe.webhookEndpoints.create({ url: `${rx.url}?v1`, enabled_events: ['*'] });

      const acct = await a.stripe.v2.core.accounts.create({ display_name: 'Jenny Rosen', contact_email: 'jenny.rosen@example.com', configuration: { customer: {} } }, { idempotencyKey: `thin-${Math.random()}` });
      await a.stripe.v2.core.accounts.update(acct.id, { display_name: 'Jenny R.' });
      await a.stripe.v2.core.accounts.update(acct.id, { configuration: { customer: { shipping: { name: 'Jenny', address: { line1: '1 Main St', country: 'us' } } } } });
      await a.stripe.v2.core.accounts.close(acct.id, { applied_configurations: ['customer'] });
      await rx.waitFor(() => to('flow')().length === 5, 10_000, 'five thin events');

      const notes = to('flow')().map((r: Received) => a.stripe.parseEventNotification(r.body, r.headers['stripe-signature'] as string, secret));
      assert.deepEqual(notes.map((n) => n.type).sort(), [
        'v2.core.account.closed',
        'v2.core.account.created',
        'v2.core.account.updated',
        'v2.core.account.updated',
        'v2.core.account[configuration.customer].updated',
      ]);
      for (const [i, n] of notes.entries()) {
        const body = JSON.parse(to('flow')()[i].body);
        assert.equal(body.object, 'v2.core.event');
        assert.deepEqual(Object.keys(body).sort(), ['created', 'id', 'livemode', 'object', 'reason', 'related_object', 'type'], 'thin: no snapshot, nothing of v1');
        assert.match(body.created, RFC3339_MS);
        assert.deepEqual(body.related_object, { id: acct.id, type: 'v2.core.account', url: `/v2/core/accounts/${acct.id}` });
        assert.equal(n.livemode, false);
        assert.equal(to('flow')()[i].body, JSON.stringify(body, null, 2), 'pretty-printed like Stripe');
      }
      assert.throws(() => a.stripe.parseEventNotification(to('flow')()[0].body, to('flow')()[0].headers['stripe-signature'] as string, 'whsec_wrong'), Stripe.errors.StripeSignatureVerificationError);

      const created = notes.find((n) => n.type === 'v2.core.account.created')!;
      assert.equal(created.reason?.type, 'request');
      assert.match(created.reason!.request!.idempotency_key, /^thin-/);
      const full = (await created.fetchEvent()) as Stripe.V2.Core.EventBase & { related_object: { id: string } };
      assert.equal(full.id, created.id);
      assert.equal(full.type, 'v2.core.account.created');
      assert.equal(full.related_object.id, acct.id);
      // `changes`: on the fetched event only, with the before and after values of what changed.
      assert.equal((full.changes?.after as { display_name?: string }).display_name, 'Jenny Rosen');
      assert.equal(full.changes?.before, undefined, 'nothing before a create');
      const changesOf = async (type: string, i = 0) => (await notes.filter((n) => n.type === type)[i].fetchEvent()).changes;
      const updates = await Promise.all([0, 1].map((i) => changesOf('v2.core.account.updated', i)));
      const renamed = updates.find((c) => (c?.after as { display_name?: string }).display_name)!;
      assert.deepEqual(renamed, { before: { display_name: 'Jenny Rosen' }, after: { display_name: 'Jenny R.' } });
      const shipped = updates.find((c) => c !== renamed)!;
      assert.deepEqual(Object.keys(shipped.after as object), ['configuration']);
      assert.deepEqual((shipped.before as { configuration: unknown }).configuration, { customer: { shipping: null } });
      assert.equal((shipped.after as { configuration: { customer: { shipping: { name: string } } } }).configuration.customer.shipping.name, 'Jenny');
      assert.deepEqual(await changesOf('v2.core.account.closed'), { before: { closed: false }, after: { closed: true } });
      assert.equal(await changesOf('v2.core.account[configuration.customer].updated'), undefined, 'a type without changes (Stripe lists it for none)');
      const related = (await created.fetchRelatedObject()) as Stripe.V2.Core.Account;
      assert.equal(related.id, acct.id);
      assert.equal(related.closed, true, 'the object as it is now');

      // v2 events stay out of v1's list and retrieve, and v1 endpoints never get them.
      const v1 = await a.stripe.events.list({ limit: 100 });
      assert.ok(!v1.data.some((e) => e.type.startsWith('v2.')));
      await assert.rejects(a.stripe.events.retrieve(created.id), (e: Stripe.errors.StripeError) => e.statusCode === 404);
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(!rx.received.some((r) => r.path.endsWith('?v1') && r.body.includes('v2.core.')));

      const listed = await a.stripe.v2.core.events.list({ object_id: acct.id, limit: 2 });
      assert.equal(listed.data.length, 2);
      assert.equal(listed.data[0].type, 'v2.core.account.closed', 'newest first');
      const all: string[] = [];
      for await (const e of a.stripe.v2.core.events.list({ object_id: acct.id, limit: 2 })) all.push(e.id);
      assert.equal(all.length, 5, 'pages follow next_page_url');
      // `created` ranges in unix seconds, as the SDK types them.
      const newest = Math.floor(Date.parse(listed.data[0].created) / 1000);
      assert.equal((await a.stripe.v2.core.events.list({ object_id: acct.id, created: { gt: newest } })).data.length, 0);
      assert.equal((await a.stripe.v2.core.events.list({ object_id: acct.id, created: { gte: newest - 3600, lte: newest }, limit: 10 })).data.length, 5);
      const other = await s.newAccount();
      await assert.rejects(other.stripe.v2.core.events.retrieve(created.id), (e: Stripe.errors.StripeError) => e.statusCode === 404);
    });

    it('an update of defaults or identity also makes v2.core.account[defaults].updated (with its changes) or [identity].updated', async () => {
      const a = await s.newAccount();
      const sections = ['v2.core.account[defaults].updated', 'v2.core.account[identity].updated', 'v2.core.account[configuration.customer].updated'];
      const dest = await destination(a.stripe, 'sections', sections);
      const acct = await a.stripe.v2.core.accounts.create({ display_name: 'Sections', configuration: { customer: {} } });
      await a.stripe.v2.core.accounts.update(acct.id, { display_name: 'Neither' });
      await a.stripe.v2.core.accounts.update(acct.id, { defaults: { locales: ['fr-FR'] } } as Stripe.V2.Core.AccountUpdateParams);
      await a.stripe.v2.core.accounts.update(acct.id, { identity: { country: 'fr', entity_type: 'individual' } } as Stripe.V2.Core.AccountUpdateParams);
      await rx.waitFor(() => to('sections')().length === 2, 10_000, 'two section events');
      await new Promise((r) => setTimeout(r, 300));
      const notes = to('sections')().map((r) => a.stripe.parseEventNotification(r.body, r.headers['stripe-signature'] as string, dest.webhook_endpoint!.signing_secret!));
      assert.deepEqual(notes.map((n) => n.type).sort(), ['v2.core.account[defaults].updated', 'v2.core.account[identity].updated'], 'none for an update of neither');
      const defaults = await notes.find((n) => n.type === 'v2.core.account[defaults].updated')!.fetchEvent();
      assert.deepEqual(defaults.changes, { before: { defaults: { locales: [] } }, after: { defaults: { locales: ['fr-FR'] } } });
      const identity = await notes.find((n) => n.type === 'v2.core.account[identity].updated')!.fetchEvent();
      assert.equal(identity.changes, undefined);
      const all = (await a.stripe.v2.core.events.list({ object_id: acct.id })).data.map((e) => e.type);
      assert.equal(all.filter((t) => t === 'v2.core.account.updated').length, 3, 'each update still makes v2.core.account.updated');
    });

    it('delivers only the enabled types; disable stops deliveries, enable resumes them; ping reaches that destination alone', async () => {
      const a = await s.newAccount();
      const onlyCreated = await destination(a.stripe, 'created', ['v2.core.account.created']);
      const acct = await a.stripe.v2.core.accounts.create({ display_name: 'One' });
      await a.stripe.v2.core.accounts.update(acct.id, { display_name: 'Two' });
      await rx.waitFor(() => to('created')().length === 1, 10_000, 'one created event');

      const disabled = await a.stripe.v2.core.eventDestinations.disable(onlyCreated.id);
      assert.equal(disabled.status, 'disabled');
      assert.deepEqual(disabled.status_details, { disabled: { reason: 'user' } });
      await a.stripe.v2.core.accounts.create({ display_name: 'Three' });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(to('created')().length, 1, 'nothing while disabled');
      const enabled = await a.stripe.v2.core.eventDestinations.enable(onlyCreated.id);
      assert.equal(enabled.status, 'enabled');
      await a.stripe.v2.core.accounts.create({ display_name: 'Four' });
      await rx.waitFor(() => to('created')().length === 2, 10_000, 'deliveries again once enabled');

      // onfile's admin resend (the Dashboard's "Resend") works for a destination's delivery too.
      const deliveries = await raw(s.url, 'GET', `/_onfile/webhook_deliveries?endpoint=${onlyCreated.id}`, { key: a.sk });
      assert.equal(deliveries.status, 200, deliveries.text);
      const first = deliveries.body.data.find((d: { event: string }) => to('created')()[0].body.includes(d.event));
      const before = to('created')().length;
      const resent = await raw(s.url, 'POST', `/_onfile/webhook_deliveries/${first.id}/resend`, { key: a.sk });
      assert.equal(resent.status, 200, resent.text);
      await rx.waitFor(() => to('created')().length === before + 1, 10_000, 'the resent delivery');
      assert.equal(JSON.parse(to('created')()[before].body).id, first.event);

      const other = await destination(a.stripe, 'other', ['v2.core.account.closed']);
      const ping = await a.stripe.v2.core.eventDestinations.ping(onlyCreated.id);
      assert.equal(ping.type, 'v2.core.event_destination.ping');
      await rx.waitFor(() => to('created')().some((r) => r.body.includes(ping.id)), 10_000, 'the ping');
      const delivered = to('created')().find((r) => r.body.includes(ping.id))!;
      const note = a.stripe.parseEventNotification(delivered.body, delivered.headers['stripe-signature'] as string, onlyCreated.webhook_endpoint!.signing_secret!);
      if (note.type !== 'v2.core.event_destination.ping') assert.fail(`a ping, not ${note.type}`);
      assert.equal(note.related_object.id, onlyCreated.id);
      assert.equal(((await note.fetchRelatedObject()) as Stripe.V2.Core.EventDestination).id, onlyCreated.id);
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(!to('other')().some((r) => r.body.includes(ping.id)), 'a ping goes to its destination only');
      void other;
    });

    it('renders url and secret only when included; updates, lists, deletes; refuses what onfile does not deliver', async () => {
      const a = await s.newAccount();
      const d = await destination(a.stripe, 'crud');
      const plain = await a.stripe.v2.core.eventDestinations.retrieve(d.id);
      assert.deepEqual(plain.webhook_endpoint, { signing_secret: null, url: null });
      const withUrl = await a.stripe.v2.core.eventDestinations.retrieve(d.id, { include: ['webhook_endpoint.url'] });
      assert.equal(withUrl.webhook_endpoint!.url, `${rx.url}?crud`);
      assert.equal(withUrl.webhook_endpoint!.signing_secret, null, 'the secret is shown on create only');

      const updated = await a.stripe.v2.core.eventDestinations.update(d.id, { name: 'renamed', enabled_events: ['v2.core.account.closed'], metadata: { team: 'payments' }, include: ['webhook_endpoint.url'] });
      assert.equal(updated.name, 'renamed');
      assert.deepEqual(updated.enabled_events, ['v2.core.account.closed']);
      assert.deepEqual(updated.metadata, { team: 'payments' });
      assert.ok(updated.updated >= d.updated);

      await destination(a.stripe, 'crud2');
      const page = await a.stripe.v2.core.eventDestinations.list({ limit: 1, include: ['webhook_endpoint.url'] });
      assert.equal(page.data.length, 1);
      const ids: string[] = [];
      for await (const x of a.stripe.v2.core.eventDestinations.list({ limit: 1, include: ['webhook_endpoint.url'] })) {
        assert.ok(x.webhook_endpoint!.url, 'include carried across pages');
        ids.push(x.id);
      }
      assert.equal(ids.length, 2);

      const deleted = await a.stripe.v2.core.eventDestinations.del(d.id);
      assert.equal(deleted.id, d.id);
      await assert.rejects(a.stripe.v2.core.eventDestinations.retrieve(d.id), (e: Stripe.errors.StripeError) => e.statusCode === 404);
      const other = await s.newAccount();
      await assert.rejects(other.stripe.v2.core.eventDestinations.retrieve(ids[0]), (e: Stripe.errors.StripeError) => e.statusCode === 404);

      const base = { name: 'x', type: 'webhook_endpoint', event_payload: 'thin', enabled_events: ['v2.core.account.created'], webhook_endpoint: { url: rx.url } };
      const refused = async (json: unknown, param: string) => {
        const res = await raw(s.url, 'POST', '/v2/core/event_destinations', { key: a.sk, json });
        assert.equal(res.status, 400, `${param}: ${res.text}`);
        assert.equal(res.body.error.param, param, res.text);
      };
      await refused({ ...base, event_payload: 'snapshot' }, 'event_payload');
      await refused({ ...base, type: 'amazon_eventbridge', amazon_eventbridge: { aws_account_id: '1', aws_region: 'us-east-1' } }, 'amazon_eventbridge');
      await refused({ ...base, enabled_events: ['customer.created'] }, 'enabled_events[0]');
      await refused({ ...base, webhook_endpoint: { url: 'ftp://x' } }, 'webhook_endpoint.url');
      await refused({ ...base, bogus: 1 }, 'bogus');
      const { name: _n, ...noName } = base;
      await refused(noName, 'name');
    });
  });
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { engines, startTestServer, type TestServer } from '../support/harness.js';
import { runCli } from '../webhooks/cli-process.js';
import { TRIGGERABLE } from '../../src/cli/trigger.js';
import { TRIGGERABLE_EVENTS } from '../../src/cli/trigger-fixtures.js';

// What each trigger must cause, besides the event named (the seed flows of spec/webhooks.md).
const EXPECTED: Record<string, string[]> = {
  'customer.created': ['customer.created'],
  'customer.updated': ['customer.created', 'customer.updated'],
  'customer.deleted': ['customer.created', 'customer.deleted'],
  'setup_intent.canceled': ['setup_intent.created', 'setup_intent.requires_action', 'setup_intent.canceled'],
  'payment_method.updated': ['setup_intent.succeeded', 'payment_method.attached', 'payment_method.updated'],
  'charge.failed': ['setup_intent.succeeded', 'payment_intent.created', 'charge.failed', 'payment_intent.payment_failed'],
  'charge.updated': ['charge.succeeded', 'payment_intent.succeeded', 'charge.updated'],
  'refund.updated': ['refund.created', 'charge.refunded', 'refund.updated', 'charge.refund.updated'],
  'charge.refund.updated': ['refund.created', 'refund.updated', 'charge.refund.updated'],
  'setup_intent.succeeded': ['customer.created', 'setup_intent.created', 'setup_intent.requires_action', 'payment_method.attached', 'setup_intent.succeeded'],
  'setup_intent.setup_failed': ['customer.created', 'setup_intent.created', 'setup_intent.requires_action', 'setup_intent.setup_failed'],
  'payment_intent.succeeded': ['payment_intent.created', 'payment_intent.requires_action', 'charge.succeeded', 'payment_intent.succeeded'],
  'payment_intent.payment_failed': ['payment_intent.created', 'payment_intent.requires_action', 'payment_intent.payment_failed'],
  'payment_method.detached': ['setup_intent.succeeded', 'payment_method.detached', 'mandate.updated'],
  'charge.refunded': ['payment_intent.succeeded', 'refund.created', 'charge.refunded'],
  'refund.failed': ['refund.created', 'charge.refunded', 'refund.failed', 'charge.updated', 'refund.updated', 'charge.refund.updated'],
  'payment_intent.amount_capturable_updated': ['payment_intent.requires_action', 'charge.succeeded', 'payment_intent.amount_capturable_updated'],
  'charge.captured': ['payment_intent.amount_capturable_updated', 'charge.captured', 'payment_intent.succeeded'],
  'payment_intent.canceled': ['payment_intent.amount_capturable_updated', 'charge.refunded', 'payment_intent.canceled'],
  'charge.expired': ['payment_intent.amount_capturable_updated', 'charge.expired', 'payment_intent.canceled'],
};

describe('onfile trigger event table', () => {
  it('lists the same events in the command help as it can trigger', () => {
    assert.deepEqual([...TRIGGERABLE].sort(), [...TRIGGERABLE_EVENTS].sort());
  });
});

for (const engine of engines()) {
  describe(`onfile trigger [${engine}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(engine);
    });
    after(async () => s.close());

    for (const [event, expected] of Object.entries(EXPECTED)) {
      it(`${event}: makes the API calls that cause it and prints what it created`, async () => {
        const a = await s.newAccount();
        const res = await runCli(['trigger', event, '--api-key', a.sk, '--api-base', s.url]);
        assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
        assert.match(res.stdout, new RegExp(`^Setting up fixture for: ${event.replace('.', '\\.')}$`, 'm'));
        assert.match(res.stdout, /^Trigger succeeded!/m);
        const events = (await a.stripe.events.list({ limit: 100 })).data;
        const types = events.map((e) => e.type);
        for (const t of expected) assert.ok(types.includes(t as Stripe.Event.Type), `${t} among ${types.join(', ')}`);
        // Every object the trigger printed is the object of one of its events.
        const printed = [...res.stdout.matchAll(/-> ((?:cus|seti|pi|pm|re)_[A-Za-z0-9]+)/g)].map((m) => m[1]);
        assert.ok(printed.length > 0);
        const objects = new Set(events.map((e) => (e.data.object as { id: string }).id));
        for (const id of printed) assert.ok(objects.has(id), `${id} printed and seen in an event`);
      });
    }

    for (const event of TRIGGERABLE_EVENTS.filter((e) => e.startsWith('v2.'))) {
      it(`${event}: makes the Accounts v2 calls that cause it (a thin event)`, async () => {
        const a = await s.newAccount();
        const res = await runCli(['trigger', event, '--api-key', a.sk, '--api-base', s.url]);
        assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
        const [, id] = res.stdout.match(/v2\.core\.accounts\.create -> (acct_[A-Za-z0-9]+)/) ?? [];
        assert.ok(id, res.stdout);
        const types: string[] = (await a.stripe.v2.core.events.list({ object_id: id })).data.map((e) => e.type);
        assert.ok(types.includes(event), `${event} among ${types.join(', ')}`);
      });
    }

    it('refuses an event it cannot trigger, listing the ones it can', async () => {
      const res = await runCli(['trigger', 'invoice.paid', '--api-key', s.sk, '--api-base', s.url]);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /^error: cannot trigger invoice\.paid/m);
      assert.match(res.stderr, /setup_intent\.succeeded/);
    });
  });
}

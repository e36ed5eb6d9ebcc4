import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { eventAtVersion } from '../../src/domain/events/event-version.js';
import { objectAtVersion } from '../../src/domain/shared/api-versions.js';

// allowed_payment_method_types exists on intents from 2026-07-29.dahlia on; older versions never show it.
describe('objects and events rendered per API version', () => {
  const intent = { id: 'pi_1', object: 'payment_intent', allowed_payment_method_types: ['amazon_pay'], amount: 1000, payment_method_types: ['amazon_pay'] };
  const updated = {
    id: 'evt_1',
    object: 'event',
    api_version: '2026-08-26.dahlia',
    created: 1,
    data: { object: intent, previous_attributes: { allowed_payment_method_types: null, amount: 500 } },
    livemode: false,
    pending_webhooks: 1,
    request: { id: 'req_1', idempotency_key: null },
    type: 'payment_intent.updated',
  } as unknown as Stripe.Event;

  it('leaves allowed_payment_method_types out of intents before 2026-07-29 and keeps it from then on', () => {
    assert.equal(objectAtVersion(intent, '2026-07-29.dahlia'), intent);
    assert.equal(objectAtVersion(intent, '2026-10-28.endive'), intent);
    assert.deepEqual(objectAtVersion(intent, '2026-06-24.dahlia'), { id: 'pi_1', object: 'payment_intent', amount: 1000, payment_method_types: ['amazon_pay'] });
    assert.deepEqual(Object.keys(objectAtVersion({ ...intent, object: 'setup_intent' }, '2025-03-31.basil')), ['id', 'object', 'amount', 'payment_method_types']);
    const customer = { id: 'cus_1', object: 'customer', allowed_payment_method_types: 'not a customer field' };
    assert.equal(objectAtVersion(customer, '2025-03-31.basil'), customer, 'only intents have the field');
    assert.deepEqual(intent.allowed_payment_method_types, ['amazon_pay'], 'the stored object is not changed');
  });

  it("renders an event's object and previous_attributes at a version, and names that version", () => {
    assert.equal(eventAtVersion(updated, '2026-08-26.dahlia'), updated, 'at its own version an event is as stored');
    assert.equal(eventAtVersion(updated, null), updated);
    const basil = eventAtVersion(updated, '2025-03-31.basil');
    assert.equal(basil.api_version, '2025-03-31.basil');
    assert.equal('allowed_payment_method_types' in (basil.data.object as object), false);
    assert.deepEqual(basil.data.previous_attributes, { amount: 500 });
    assert.deepEqual(Object.keys(basil), Object.keys(updated), 'same fields in the same order');
    const endive = eventAtVersion(updated, '2026-10-28.endive');
    assert.equal(endive.api_version, '2026-10-28.endive');
    assert.deepEqual(endive.data, updated.data);
  });
});

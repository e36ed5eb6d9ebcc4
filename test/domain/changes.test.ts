import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fieldChanges, previousAttributes, sameJson } from '../../src/domain/shared/changes.js';

describe('previous_attributes', () => {
  const customer = {
    id: 'cus_1',
    email: 'a@example.com',
    name: 'Jenny',
    metadata: { order: '1', tier: 'gold' },
    invoice_settings: { default_payment_method: null, footer: null },
    preferred_locales: ['en'],
    address: null,
  };

  it('is null when nothing changed, even with a hash whose keys come in another order', () => {
    const same = { ...customer, metadata: { tier: 'gold', order: '1' }, invoice_settings: { footer: null, default_payment_method: null } };
    assert.equal(previousAttributes(customer, structuredClone(customer)), null);
    assert.equal(previousAttributes(customer, same), null);
  });

  it('gives the old value of each changed field, and of a changed hash only the keys that changed', () => {
    const after = {
      ...customer,
      name: 'Jenny Rosen',
      metadata: { order: '1', tier: 'silver', coupon: 'X' },
      invoice_settings: { default_payment_method: 'pm_1', footer: null },
    };
    assert.deepEqual(previousAttributes(customer, after), {
      name: 'Jenny',
      metadata: { tier: 'gold', coupon: null },
      invoice_settings: { default_payment_method: null },
    });
    const { tier: _gone, ...withoutTier } = customer.metadata;
    assert.deepEqual(previousAttributes(customer, { ...customer, metadata: withoutTier }), { metadata: { tier: 'gold' } });
  });

  it('gives null for a field that did not exist before, and the old value of a removed one', () => {
    const { name: _removed, ...withoutName } = customer;
    assert.deepEqual(previousAttributes(customer, { ...withoutName, phone: '+1555' }), { name: 'Jenny', phone: null });
  });

  it('sees arrays by order and length, and null apart from a missing key or an empty hash', () => {
    assert.deepEqual(previousAttributes(customer, { ...customer, preferred_locales: ['en', 'fr'] }), { preferred_locales: ['en'] });
    assert.deepEqual(previousAttributes(customer, { ...customer, address: {} }), { address: null });
    assert.deepEqual(previousAttributes({ ...customer, address: { city: 'Berlin' } }, customer), { address: { city: 'Berlin' } });
    assert.equal(sameJson(['a', 'b'], ['b', 'a']), false);
    assert.equal(sameJson({}, null), false);
    assert.equal(sameJson([], {}), false);
    assert.equal(sameJson({ a: undefined }, {}), true);
    assert.equal(sameJson({ a: 1 }, { b: 1 }), false);
    assert.equal(sameJson(1, '1'), false);
  });
});

describe('v2 event changes', () => {
  const account = {
    id: 'acct_1',
    closed: false,
    display_name: 'Jenny',
    metadata: { tier: 'gold' },
    configuration: { customer: null as null | Record<string, unknown>, merchant: null },
    applied_configurations: [] as string[],
  };

  it('gives before and after of only the fields that changed, key by key inside a hash', () => {
    const after = {
      ...account,
      display_name: 'Jenny Rosen',
      metadata: { tier: 'gold', order: '7' },
      configuration: { customer: { shipping: null }, merchant: null },
      applied_configurations: ['customer'],
    };
    assert.deepEqual(fieldChanges(account, after), {
      before: { display_name: 'Jenny', metadata: { order: null }, configuration: { customer: null }, applied_configurations: [] },
      after: { display_name: 'Jenny Rosen', metadata: { order: '7' }, configuration: { customer: { shipping: null } }, applied_configurations: ['customer'] },
    });
  });

  it('is two empty hashes when nothing changed, and null where one side lacks the field', () => {
    assert.deepEqual(fieldChanges(account, structuredClone(account)), { before: {}, after: {} });
    const { display_name: _gone, ...without } = account;
    assert.deepEqual(fieldChanges(account, { ...without, closed: true }), { before: { display_name: 'Jenny', closed: false }, after: { display_name: null, closed: true } });
  });
});

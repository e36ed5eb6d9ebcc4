import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newClientSecret, newId } from '../../src/lib/ids.js';

describe('ids', () => {
  it('keeps Stripe’s prefixes and lengths', () => {
    assert.match(newId('customer'), /^cus_[0-9A-Za-z]{14}$/);
    assert.match(newId('account'), /^acct_[0-9A-Za-z]{16}$/);
    assert.match(newId('payment_intent'), /^pi_[0-9A-Za-z]{24}$/);
    assert.match(newId('event'), /^evt_[0-9A-Za-z]{24}$/);
    assert.match(newId('request'), /^req_[0-9A-Za-z]{14}$/);
  });

  it('sorts ids made later after ids made earlier, so inserts land on the last index page', async () => {
    const early = Array.from({ length: 50 }, () => newId('customer'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const late = Array.from({ length: 50 }, () => newId('customer'));
    for (const a of early) for (const b of late) assert.ok(a < b, `${a} < ${b}`);
  });

  it('keeps a random part: ids made in the same millisecond differ', () => {
    const ids = Array.from({ length: 10_000 }, () => newId('customer'));
    assert.equal(new Set(ids).size, ids.length);
    // Secrets are never time-ordered.
    const s1 = newClientSecret('pi_x').split('_secret_')[1];
    const s2 = newClientSecret('pi_x').split('_secret_')[1];
    assert.notEqual(s1.slice(0, 7), s2.slice(0, 7));
  });
});

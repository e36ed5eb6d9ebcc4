import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, raw, startTestServer, type TestServer } from '../support/harness.js';
import { storedText, textAsStored } from '../../src/storage/repos/written-text.js';

// An object's stored JSON is reused for its event and its response (storage/repos/written-text.ts).
// Whatever text they get, they must say what the row says.

describe('storage: the text an object was stored as', () => {
  it('is reused while the object is unchanged, and a change after the write is caught', () => {
    // Read once, when the module loads: `npm test` sets it for every test process.
    assert.equal(process.env.ONFILE_CHECK_WRITTEN_TEXT, '1', 'run with ONFILE_CHECK_WRITTEN_TEXT=1, as npm test does');
    const customer = { id: 'cus_text000000001', object: 'customer', metadata: { a: '1' } };
    const text = storedText(customer);
    assert.equal(text, JSON.stringify(customer));
    assert.equal(textAsStored(customer), text);
    assert.equal(textAsStored({ ...customer }), undefined, 'only the very object that was stored has a text');
    assert.equal(textAsStored('cus_text000000001'), undefined);
    customer.metadata.a = '2';
    assert.throws(() => textAsStored(customer), /cus_text000000001 was changed after it was stored/);
  });
});

for (const engine of engines()) {
  describe(`storage: responses and events say what the row says [${engine}]`, () => {
    let s: TestServer;
    before(async () => (s = await startTestServer(engine)));
    after(() => s.close());

    const eventOf = async (type: string, objectId: string) => {
      const page = await raw(s.url, 'GET', `/v1/events?type=${type}&limit=100`, { key: s.sk });
      const event = page.body.data.find((e: { data: { object: { id: string } } }) => e.data.object.id === objectId);
      assert.ok(event, `${type} for ${objectId}`);
      return event;
    };

    it('a keyed create and update answer, replay and record the stored customer byte for byte', async () => {
      const created = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form: 'email=text%40example.com&metadata[n]=1', headers: { 'Idempotency-Key': 'written-text-create' } });
      assert.equal(created.status, 200);
      const id = created.body.id as string;
      // A retrieve sends the row's text as stored.
      const stored = await raw(s.url, 'GET', `/v1/customers/${id}`, { key: s.sk });
      assert.equal(created.text, stored.text);
      const replay = await raw(s.url, 'POST', '/v1/customers', { key: s.sk, form: 'email=text%40example.com&metadata[n]=1', headers: { 'Idempotency-Key': 'written-text-create' } });
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(replay.text, created.text);
      const createdEvent = await eventOf('customer.created', id);
      assert.deepEqual(createdEvent.data, { object: created.body });

      const updated = await raw(s.url, 'POST', `/v1/customers/${id}`, { key: s.sk, form: 'metadata[n]=2&name=Text', headers: { 'Idempotency-Key': 'written-text-update' } });
      assert.equal(updated.status, 200);
      assert.deepEqual(updated.body.metadata, { n: '2' });
      assert.equal(updated.text, (await raw(s.url, 'GET', `/v1/customers/${id}`, { key: s.sk })).text);
      const updatedEvent = await eventOf('customer.updated', id);
      assert.deepEqual(updatedEvent.data, { object: updated.body, previous_attributes: { metadata: { n: '1' }, name: null } });
      // The event around the spliced object is whole: its own fields are still there.
      assert.equal(updatedEvent.type, 'customer.updated');
      assert.deepEqual(updatedEvent.request, { id: updated.headers.get('request-id'), idempotency_key: 'written-text-update' });
    });
  });
}

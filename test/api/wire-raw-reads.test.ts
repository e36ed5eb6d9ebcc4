import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, raw, startTestServer, type TestServer } from '../support/harness.js';

/**
 * Retrieve and list without `expand` send the stored object texts as they are (http/raw-json.ts).
 * They must be byte-identical to the parsed-and-rendered path, which an expansion that changes
 * nothing (`test_clock` is null) still takes.
 */
for (const engine of engines()) {
  describe(`wire: reads sent from stored text match the rendered path byte for byte [${engine}]`, () => {
    let s: TestServer;
    const ids: string[] = [];
    const get = (path: string) => raw(s.url, 'GET', path, { key: s.sk });
    before(async () => {
      s = await startTestServer(engine);
      const names = ['Jenny Rosen', 'Zoë "quoted" </script>', 'line\u2028sep \u{1F680} tab\t', 'back\\slash'];
      for (const [i, name] of names.entries()) {
        const c = await s.stripe.customers.create({
          name,
          email: `c${i}@example.com`,
          metadata: { zeta: 'z', alpha: 'a"b', emoji: '\u{1F600}' },
          address: { line1: 'a\nb', city: 'Zürich', country: 'CH' },
        });
        ids.push(c.id);
      }
      await s.stripe.customers.update(ids[0], { metadata: { seven: '7' }, balance: -250 });
      await s.stripe.customers.del(ids[3]);
    });
    after(async () => s.close());

    it('retrieve, live and deleted', async () => {
      for (const id of ids) {
        const plain = await get(`/v1/customers/${id}`);
        const rendered = await get(`/v1/customers/${id}?expand[]=test_clock`);
        assert.equal(plain.status, 200);
        assert.equal(plain.headers.get('content-type'), rendered.headers.get('content-type'));
        assert.equal(plain.text, rendered.text, id);
        assert.equal(plain.body.id, id);
      }
      const missing = await get('/v1/customers/cus_missing');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'resource_missing');
    });

    it('list, in both directions and filtered', async () => {
      for (const q of ['', 'limit=2', `starting_after=${ids[2]}`, `ending_before=${ids[0]}&limit=1`, 'email=c1%40example.com', 'limit=1&created[gte]=0']) {
        const plain = await get(`/v1/customers?${q}`);
        const rendered = await get(`/v1/customers?${q}${q ? '&' : ''}expand[]=data.test_clock`);
        assert.equal(plain.status, 200, q);
        assert.equal(plain.text, rendered.text, q);
        assert.equal(plain.body.object, 'list');
      }
      assert.deepEqual((await get('/v1/customers')).body.data.map((c: { id: string }) => c.id), ids.slice(0, 3).reverse());
    });
  });
}

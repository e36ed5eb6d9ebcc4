import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchesSearch, parseSearchQuery, SearchQueryError, type SearchFields } from '../../src/domain/search/query.js';

const fields: SearchFields = {
  created: { kind: 'number' },
  email: { kind: 'string', substring: true },
  name: { kind: 'string', substring: true },
  status: { kind: 'string' },
  refunded: { kind: 'boolean' },
  'billing_details.address.postal_code': { kind: 'string' },
};

const jenny = {
  id: 'cus_1',
  created: 1700000000,
  email: 'Jenny.Rosen@example.com',
  name: 'Jenny Rosen',
  status: 'succeeded',
  refunded: false,
  metadata: { order: '6735', tier: 'gold' },
  billing_details: { address: { postal_code: '94107' } },
};
const amy = { ...jenny, id: 'cus_2', created: 1700000100, email: 'amy@rocketrides.io', name: 'Amy', metadata: {}, billing_details: { address: null } };
const match = (q: string) => [jenny, amy].filter((o) => matchesSearch(o, parseSearchQuery(q, fields), fields)).map((o) => o.id);
const refused = (q: string, message: RegExp) => assert.throws(() => parseSearchQuery(q, fields), (e: unknown) => e instanceof SearchQueryError && message.test(e.message), q);

describe('search query language', () => {
  it('matches strings exactly, ignoring case, in double or single quotes', () => {
    assert.deepEqual(match('email:"jenny.rosen@example.com"'), ['cus_1']);
    assert.deepEqual(match("email:'AMY@rocketrides.io'"), ['cus_2']);
    assert.deepEqual(match('email:"jenny"'), [], 'exact, not a substring');
    assert.deepEqual(match('name:"Jenny \\"JR\\" Rosen"'), [], 'escaped quotes parse');
  });

  it('finds substrings of at least 3 characters with ~ on the fields that allow it', () => {
    assert.deepEqual(match('name~"ROS"'), ['cus_1']);
    assert.deepEqual(match("email~'example'"), ['cus_1']);
    refused('name~"ro"', /at least 3 characters/);
    refused('status~"succ"', /does not support substring/);
  });

  it('compares numbers, matches metadata by key, negates with -, and finds null', () => {
    assert.deepEqual(match('created>1700000000'), ['cus_2']);
    assert.deepEqual(match('created>=1700000000 created<=1700000050'), ['cus_1']);
    assert.deepEqual(match('created:1700000100'), ['cus_2']);
    assert.deepEqual(match('metadata["order"]:"6735"'), ['cus_1']);
    assert.deepEqual(match("metadata['order']:6735"), ['cus_1'], 'a number is the same string');
    assert.deepEqual(match('metadata["order"]:null'), ['cus_2']);
    assert.deepEqual(match('-metadata["order"]:null'), ['cus_1']);
    assert.deepEqual(match('-email:"amy@rocketrides.io"'), ['cus_1']);
    assert.deepEqual(match('refunded:false'), ['cus_1', 'cus_2']);
    assert.deepEqual(match('billing_details.address.postal_code:"94107"'), ['cus_1']);
  });

  it('joins clauses with spaces or AND, or with OR, case insensitive; never both', () => {
    assert.deepEqual(match('name~"jen" email~"example"'), ['cus_1']);
    assert.deepEqual(match('name~"jen" and email~"rocket"'), []);
    assert.deepEqual(match('name~"jen" OR email~"rocket"'), ['cus_1', 'cus_2']);
    refused('name~"jen" OR email~"rocket" AND status:"succeeded"', /AND and OR cannot be used together/);
    refused('name~"jen" OR email~"rocket" status:"succeeded"', /AND and OR cannot be used together/);
    refused(Array.from({ length: 11 }, (_, i) => `created>${i}`).join(' AND '), /at most 10 clauses/);
  });

  it('refuses malformed queries with a reason', () => {
    refused('', /empty/);
    refused('nickname:"x"', /`nickname` is not a supported search field/);
    refused('email:jenny', /must be quoted/);
    refused('email:"open', /not closed/);
    refused('email>"a"', /numeric fields only/);
    refused('created>"soon"', /needs a number/);
    refused('created:"x"', /numeric/);
    refused('metadata:"x"', /metadata\["key"\]/);
    refused('metadata["k"]>1', /only exact matches/);
    refused('email"x"', /Expected an operator/);
    refused('email:"a"AND name:"b"', /separate clauses/);
    refused('email:"a" AND', /Expected a clause after AND/);
    refused('refunded:"maybe"', /true or false/);
  });
});

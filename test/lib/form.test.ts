import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseForm, parseFormWithQs } from '../../src/lib/form.js';

// parseForm decodes plain `a=1&b=2` strings itself and leaves everything else to qs: both must
// give the same result for every input.
describe('form decoding', () => {
  // A NUL is refused before decoding (see parseForm); everything else decodes as qs does.
  const agree = (s: string) => {
    if (s.includes('%00')) assert.throws(() => parseForm(s), RangeError, JSON.stringify(s));
    else assert.deepStrictEqual(parseForm(s), parseFormWithQs(s), JSON.stringify(s));
  };

  it('decodes plain query strings exactly as qs does', () => {
    for (const s of ['', 'limit=10', 'limit=10&starting_after=cus_123', 'a', 'a=', 'a=b=c', 'email=jenny@example.com', 'x=1,2&y=a.b~c-d*e:f/g']) agree(s);
    assert.deepStrictEqual({ ...parseForm('limit=10&ending_before=cus_1') }, { limit: '10', ending_before: 'cus_1' });
  });

  it('decodes what stripe-node sends for a create exactly as qs does', () => {
    const body = 'name=Jenny%20Rosen&email=jenny.rosen%40example.com&description=a+b%2Bc&metadata[order_id]=6735&metadata[note]=&address[line1]=1%20Main&address[city]=Z%C3%BCrich%7e';
    agree(body);
    const parsed = parseForm(body) as Record<string, any>;
    assert.equal(parsed.email, 'jenny.rosen@example.com');
    assert.equal(parsed.description, 'a b+c');
    assert.deepStrictEqual({ ...parsed.metadata }, { order_id: '6735', note: '' });
    assert.equal(parsed.address.city, 'Zürich~');
  });

  it('agrees with qs on the inputs it hands over: empty pairs, repeated names, escapes, brackets', () => {
    for (const s of [
      'a=1&&b=2', '&a=1', 'a=1&', '=x', 'a=1&a=2', 'a=%20b', 'a=b+c', 'a=%E0%A4%A', 'a=%zz', 'a=%2', 'a=%', 'a=%20%zz', 'a=%01%7F%80', 'a=%c3%a9+%41', 'expand[]=x', 'expand[0]=x&expand[1]=y',
      'metadata[10]=y', 'metadata[1a]=y', 'a[b][c]=d', 'a[b]=1&a[b]=2', 'a=1&a[b]=2', 'a[b]=2&a=1', 'metadata%5Bk%5D=v', 'created[gte]=5&limit=3',
      '__proto__=x', 'a[__proto__]=x', 'constructor=y&hasOwnProperty=z', 'a[constructor]=1', '[a]=1', 'a]=1', 'a[=1', 'a=b]=c', 'm[k]=v]=w',
    ]) agree(s);
  });

  it('agrees with qs on thousands of random strings of the characters it decodes itself', () => {
    const alphabet = 'ab_=&.-~1[]%+2F0%7c%E';
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let i = 0; i < 20000; i++) {
      const len = next() % 28;
      let s = '';
      for (let j = 0; j < len; j++) s += alphabet[next() % alphabet.length];
      agree(s);
    }
  });

  it('refuses a NUL character, escaped or raw, in a name or a value', () => {
    for (const s of ['a=%00', 'name=a%00b', 'metadata[k%00]=v', 'a%00=1', 'a[b][c]=%00', 'a=\0', 'expand[]=x&q=%00']) {
      assert.throws(() => parseForm(s), /NUL character/, JSON.stringify(s));
    }
    assert.equal(parseForm('a=100%2500').a, '100%00');
  });

  it('still refuses bodies past the limits', () => {
    const many = Array.from({ length: 10_001 }, (_, i) => `k${i}=v`).join('&');
    assert.throws(() => parseForm(many), RangeError);
  });
});

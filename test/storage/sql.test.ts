import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inList, limitClause } from '../../src/storage/sql.js';

describe('storage: LIMIT written into statements', () => {
  it('writes a whole, non-negative limit into the SQL', () => {
    assert.equal(limitClause(11), 'LIMIT 11');
    assert.equal(limitClause(0), 'LIMIT 0');
  });

  it('refuses anything else, so no other text can reach a statement through it', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10; DROP TABLE objects' as unknown as number]) {
      assert.throws(() => limitClause(bad), /invalid LIMIT/);
    }
  });
});

describe('storage: IN lists', () => {
  it('pads a list to the next power of two with its last value, so lengths share statement texts', () => {
    assert.deepEqual(inList(['a']), { marks: '?', values: ['a'] });
    assert.deepEqual(inList(['a', 'b', 'c']), { marks: '?, ?, ?, ?', values: ['a', 'b', 'c', 'c'] });
    const texts = new Set<string>();
    for (let n = 1; n <= 500; n++) {
      const { marks, values } = inList(Array.from({ length: n }, (_, i) => `evt_${i}`));
      texts.add(marks);
      assert.equal(values.length, marks.split('?').length - 1);
      assert.deepEqual(new Set(values).size, n, 'the same values, nothing added');
    }
    assert.equal(texts.size, 10, 'lengths 1..500 need ten texts');
  });

  it('refuses an empty list, which would not be valid SQL', () => {
    assert.throws(() => inList([]), /at least one value/);
  });
});

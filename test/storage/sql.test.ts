import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { limitClause } from '../../src/storage/sql.js';

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

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { endOfIoPhase } from '../../src/lib/io-phase.js';

describe('endOfIoPhase', () => {
  it('gives every caller of one phase the same moment, after the phase, and a new one after it', async () => {
    const order: string[] = [];
    const first = endOfIoPhase();
    const second = endOfIoPhase();
    assert.equal(first, second);
    void first.then(() => order.push('first'));
    void second.then(() => order.push('second'));
    // Still in the same phase: microtasks run before it ends.
    await Promise.resolve();
    order.push('microtask');
    await first;
    assert.deepEqual(order, ['microtask', 'first', 'second']);
    const next = endOfIoPhase();
    assert.notEqual(next, first);
    await next;
  });
});

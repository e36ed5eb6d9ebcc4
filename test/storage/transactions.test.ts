import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines } from '../support/harness.js';
import { useEngineStore } from './engine-store.js';
import { ConflictError, TX_ATTEMPTS, type Store } from '../../src/storage/sql.js';
import { getObject, insertObject, updateObject } from '../../src/storage/repos/objects.js';

// Store.tx as every service relies on it, on each engine. SQLite commits the transactions queued
// together in one group (storage/sqlite/group-commit.ts); none of that may show: each transaction
// still commits or rolls back alone, and none is answered before it is durable.
for (const engine of engines()) {
  describe(`storage: transactions [${engine}]`, () => {
    let store: Store;
    useEngineStore(engine, (opened) => (store = opened));
    const scope = { accountId: 'acct_txtest00000001', livemode: false };
    let n = 0;
    const newId = () => `cus_tx${String(++n).padStart(12, '0')}`;
    const exists = async (id: string) => (await getObject(store.read, scope, 'customer', id)) !== undefined;
    const insertRow = (id: string, t: Parameters<Parameters<Store['tx']>[0]>[0]) =>
      insertObject(t, scope, { type: 'customer', id, created: 1, data: { id, n: 0 }, internal: {} });

    it('rolls back only the transaction that failed among many running at once', async () => {
      const ids = Array.from({ length: 40 }, newId);
      const failing = new Set([ids[3], ids[17], ids[39]]);
      const results = await Promise.allSettled(
        ids.map((id) =>
          store.tx(async (t) => {
            await insertRow(id, t);
            if (failing.has(id)) throw new Error(`refused ${id}`);
            return id;
          }),
        ),
      );
      for (const [i, r] of results.entries()) {
        if (failing.has(ids[i])) {
          assert.equal(r.status, 'rejected');
          assert.equal((r as PromiseRejectedResult).reason.message, `refused ${ids[i]}`);
          assert.equal(await exists(ids[i]), false, `${ids[i]} rolled back`);
        } else {
          assert.deepEqual(r, { status: 'fulfilled', value: ids[i] });
          assert.equal(await exists(ids[i]), true, `${ids[i]} committed`);
        }
      }
    });

    it('applies each transaction that succeeds once, when one queued with it fails after its own writes', async () => {
      const counter = newId();
      await store.tx((t) => insertRow(counter, t));
      const ids = Array.from({ length: 20 }, newId);
      const failing = ids[12];
      let runs = 0;
      const results = await Promise.allSettled(
        ids.map((id) =>
          store.tx(async (t) => {
            runs++;
            const row = (await getObject<{ id: string; n: number }>(t, scope, 'customer', counter))!;
            await updateObject(t, scope, row, { data: { id: counter, n: row.data.n + 1 } });
            await insertRow(id, t);
            if (id === failing) throw new Error('refused after writing');
            return id;
          }),
        ),
      );
      assert.deepEqual(
        results.map((r) => r.status),
        ids.map((id) => (id === failing ? 'rejected' : 'fulfilled')),
      );
      const final = await getObject<{ n: number }>(store.read, scope, 'customer', counter);
      assert.equal(final?.data.n, ids.length - 1, 'every increment but the failed one, each once');
      for (const id of ids) assert.equal(await exists(id), id !== failing, id);
      // On SQLite the transactions queued before the failed one were rolled back with it, and ran again.
      if (engine === 'sqlite') assert.ok(runs > ids.length, `${runs} runs`);
    });

    it('keeps a claim answered before its commit, when a transaction queued with it fails after its own writes', async () => {
      // Store.claim may answer before its group commits (SQLite): such a group undoes a failed
      // transaction by its own savepoint, and the claim, already answered, must still land once.
      const counter = newId();
      await store.tx((t) => insertRow(counter, t));
      const claimed = newId();
      const ids = Array.from({ length: 10 }, newId);
      const failing = ids[6];
      const increment = (id: string) => async (t: Parameters<Parameters<Store['tx']>[0]>[0]) => {
        const row = (await getObject<{ id: string; n: number }>(t, scope, 'customer', counter))!;
        await updateObject(t, scope, row, { data: { id: counter, n: row.data.n + 1 } });
        await insertRow(id, t);
        if (id === failing) throw new Error('refused after writing');
        return id;
      };
      const results = await Promise.allSettled([
        // A claim writes one row, as an idempotency key's claim does.
        store.claim((t) => insertRow(claimed, t).then(() => claimed), () => true),
        ...ids.map((id) => store.tx(increment(id))),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        [claimed, ...ids].map((id) => (id === failing ? 'rejected' : 'fulfilled')),
      );
      const final = await getObject<{ n: number }>(store.read, scope, 'customer', counter);
      assert.equal(final?.data.n, ids.length - 1, 'every increment but the failed one, each once');
      for (const id of [claimed, ...ids]) assert.equal(await exists(id), id !== failing, id);
    });

    it('answers a transaction only once its change is committed', async () => {
      const ids = Array.from({ length: 30 }, newId);
      // Checked the moment each promise settles, through the read connection (committed data only).
      const seen = await Promise.all(ids.map((id) => store.tx((t) => insertRow(id, t)).then(() => exists(id))));
      assert.deepEqual(seen, ids.map(() => true));
    });

    it('loses no update when many transactions change one row at once', async () => {
      const id = newId();
      await store.tx((t) => insertRow(id, t));
      const increments = 25;
      await Promise.all(
        Array.from({ length: increments }, () =>
          store.tx(async (t) => {
            const row = (await getObject<{ id: string; n: number }>(t, scope, 'customer', id))!;
            await updateObject(t, scope, row, { data: { id, n: row.data.n + 1 } });
          }),
        ),
      );
      const final = await getObject<{ n: number }>(store.read, scope, 'customer', id);
      assert.equal(final?.data.n, increments);
      assert.equal(final?.version, increments + 1);
    });

    it('runs a transaction again after a version conflict, seeing the change that beat it', async () => {
      const id = newId();
      await store.tx((t) => insertRow(id, t));
      // Read outside the transaction, as a service does before deciding what to write: both readers
      // may see version 1, and then one of the two writes fails its version check and runs again.
      const bump = (by: number) =>
        store.tx(async (t) => {
          const row = (await getObject<{ id: string; n: number }>(store.read, scope, 'customer', id))!;
          await updateObject(t, scope, row, { data: { id, n: row.data.n + by } });
          return row.version;
        });
      const versions = await Promise.all([bump(1), bump(10)]);
      const final = await getObject<{ n: number }>(store.read, scope, 'customer', id);
      assert.equal(final?.data.n, 11, 'both changes applied');
      assert.deepEqual([...versions].sort(), [1, 2], 'the second writer saw the first one’s version');
    });

    it('gives up on a transaction that keeps conflicting, after a bounded number of attempts', async () => {
      let attempts = 0;
      const other = newId();
      const [stuck, fine] = await Promise.allSettled([
        store.tx(async () => {
          attempts++;
          throw new ConflictError('always');
        }),
        store.tx((t) => insertRow(other, t)),
      ]);
      assert.equal(stuck.status, 'rejected');
      assert.ok((stuck as PromiseRejectedResult).reason instanceof ConflictError);
      assert.equal(attempts, TX_ATTEMPTS);
      assert.equal(fine.status, 'fulfilled');
      assert.equal(await exists(other), true);
    });

    it('keeps a failed statement from taking its neighbours down', async () => {
      const ids = [newId(), newId(), newId()];
      const dup = ids[0];
      await store.tx((t) => insertRow(dup, t));
      const results = await Promise.allSettled([
        store.tx((t) => insertRow(ids[1], t)),
        // The id is unique: this INSERT fails in the database, not in JavaScript.
        store.tx(async (t) => {
          await insertRow(ids[2], t);
          await insertRow(dup, t);
        }),
      ]);
      assert.equal(results[0].status, 'fulfilled');
      assert.equal(results[1].status, 'rejected');
      assert.equal(await exists(ids[1]), true);
      assert.equal(await exists(ids[2]), false, 'the failed transaction’s first insert was rolled back too');
    });

    it('reports the write that failed, not the statements refused after it', async () => {
      const [first, dup] = [newId(), newId()];
      await store.tx((t) => insertRow(dup, t));
      // On PostgreSQL the insert is queued, and the read behind it only hears "transaction aborted".
      const failed = await store
        .tx(async (t) => {
          await insertRow(first, t);
          await insertRow(dup, t);
          return t.one('SELECT id FROM objects WHERE id = ?', [first]);
        })
        .then(
          () => undefined,
          (err: Error) => err,
        );
      assert.match(String(failed?.message), /unique/i);
      assert.equal(await exists(first), false);
    });

    it('fails a transaction whose write changed other rows than expected, with the error it names', async () => {
      const id = newId();
      const lost = new Error('the row was gone');
      const failed = await store
        .tx(async (t) => {
          await insertRow(id, t);
          await t.write("UPDATE objects SET version = version + 1 WHERE id = ? AND type = 'customer'", ['cus_nosuchrow'], { changes: 1, error: () => lost });
          return 'committed';
        })
        .then(
          (v) => v,
          (err: unknown) => err,
        );
      assert.equal(failed, lost);
      assert.equal(await exists(id), false, 'nothing of it committed');
      // The same write, expecting what it does change, commits.
      await store.tx(async (t) => {
        await insertRow(id, t);
        await t.write("UPDATE objects SET version = version + 1 WHERE id = ? AND type = 'customer'", [id], { changes: 1, error: () => lost });
      });
      assert.equal((await getObject(store.read, scope, 'customer', id))?.version, 2);
    });

    it('hands a writeReturning its rows before the transaction resolves, and fails the transaction with it', async () => {
      const id = newId();
      let seen: { version: number }[] | undefined;
      const result = await store.tx(async (t) => {
        await insertRow(id, t);
        await t.writeReturning<{ version: number }>("UPDATE objects SET version = version + 1 WHERE id = ? AND type = 'customer' RETURNING version", [id], (rows) => (seen = rows));
        return 'committed';
      });
      assert.equal(result, 'committed');
      assert.deepEqual(seen?.map((r) => Number(r.version)), [2], 'the rows the statement returned');
      assert.equal((await getObject(store.read, scope, 'customer', id))?.version, 2);

      const other = newId();
      let called = false;
      const failed = await store
        .tx(async (t) => {
          await insertRow(other, t);
          await t.writeReturning('INSERT INTO objects (id) VALUES (?) RETURNING id', [id], () => (called = true));
          return 'committed';
        })
        .then(
          (v) => v,
          (err: Error) => err,
        );
      assert.ok(failed instanceof Error, 'the failed statement fails the transaction');
      assert.equal(called, false);
      assert.equal(await exists(other), false, 'nothing of it committed');
    });
  });
}

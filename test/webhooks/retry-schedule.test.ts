import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, raw, startTestServer, type TestServer } from '../support/harness.js';
import { eventually, startReceiver, type Receiver } from './receiver.js';
import { loadWebhookSettings } from '../../src/webhooks/settings.js';

// https://docs.stripe.com/webhooks#retries: live mode retries for up to three days with an exponential
// back off; sandboxes (test mode) retry three times over a few hours.
describe('webhook retry schedules', () => {
  it('are three retries over about three hours in test mode and about three days in live mode by default', () => {
    const s = loadWebhookSettings({});
    assert.deepEqual(s.testRetryScheduleMs, [300_000, 3_600_000, 7_200_000]);
    const lastTestRetry = s.testRetryScheduleMs.reduce((a, b) => a + b, 0);
    assert.ok(lastTestRetry >= 2 * 3_600_000 && lastTestRetry <= 6 * 3_600_000, 'a few hours');
    const lastLiveRetry = s.retryScheduleMs.reduce((a, b) => a + b, 0);
    assert.ok(lastLiveRetry > 2 * 86_400_000 && lastLiveRetry <= 3 * 86_400_000, 'up to three days');
    assert.ok(s.retryScheduleMs.every((d, i) => i === 0 || d >= s.retryScheduleMs[i - 1]), 'never shorter than the one before');
  });

  it('take ONFILE_WEBHOOK_RETRY_SCHEDULE for both modes unless test mode has its own', () => {
    const both = loadWebhookSettings({ ONFILE_WEBHOOK_RETRY_SCHEDULE: '1,2.5' });
    assert.deepEqual(both.retryScheduleMs, [1000, 2500]);
    assert.deepEqual(both.testRetryScheduleMs, [1000, 2500]);
    const apart = loadWebhookSettings({ ONFILE_WEBHOOK_RETRY_SCHEDULE: '1,2', ONFILE_WEBHOOK_TEST_RETRY_SCHEDULE: '' });
    assert.deepEqual(apart.retryScheduleMs, [1000, 2000]);
    assert.deepEqual(apart.testRetryScheduleMs, [], 'an empty schedule: no retries');
    assert.throws(() => loadWebhookSettings({ ONFILE_WEBHOOK_TEST_RETRY_SCHEDULE: '1,soon' }), /ONFILE_WEBHOOK_TEST_RETRY_SCHEDULE: invalid delay soon/);
  });
});

for (const engine of engines()) {
  describe(`webhook retries in test mode [${engine}]`, () => {
    let s: TestServer;
    let down: Receiver;
    before(async () => {
      // No schedule in the environment: the defaults apply. Polls are fast so that the test is.
      const env = { ONFILE_WEBHOOK_POLL: '0.05' };
      delete process.env.ONFILE_WEBHOOK_RETRY_SCHEDULE;
      delete process.env.ONFILE_WEBHOOK_TEST_RETRY_SCHEDULE;
      s = await startTestServer(engine, { env });
      down = await startReceiver(() => 500);
    });
    after(async () => {
      await s.close();
      await down.close();
    });

    it('retries a failing test-mode delivery after 5 minutes, 1 hour and 2 hours, then marks it failed', async () => {
      const a = await s.newAccount();
      await a.stripe.webhookEndpoints.create({ url: down.url, enabled_events: ['customer.created'] });
      const customer = await a.stripe.customers.create({ name: 'sandbox retries' });
      const [event] = (await a.stripe.events.list({ type: 'customer.created', limit: 1 })).data;
      assert.equal(event.data.object && (event.data.object as { id: string }).id, customer.id);
      const delivery = async () => (await raw(s.url, 'GET', `/_onfile/webhook_deliveries?event=${event.id}`, { key: a.sk })).body.data[0];
      const afterAttempt = (n: number) => eventually(async () => {
        const d = await delivery();
        return d?.attempt_count === n && (d.status !== 'pending' || d.next_attempt_at !== null) ? d : undefined;
      }, 10_000, `attempt ${n} recorded`);

      for (const [attempt, delaySeconds] of [[1, 300], [2, 3600], [3, 7200]] as const) {
        const d = await afterAttempt(attempt);
        assert.equal(d.status, 'pending', `after attempt ${attempt}`);
        const attemptedAt = d.attempts[attempt - 1].created;
        assert.ok(Math.abs(d.next_attempt_at - (attemptedAt + delaySeconds)) <= 1, `retry ${attempt} is due ${delaySeconds} s after attempt ${attempt}: ${d.next_attempt_at - attemptedAt}`);
        // Not before it is due.
        s.clock.advance((delaySeconds - 60) * 1000);
        await new Promise((r) => setTimeout(r, 300));
        assert.equal((await delivery()).attempt_count, attempt, 'no retry before it is due');
        s.clock.advance(61_000);
      }
      const failed = await eventually(async () => {
        const d = await delivery();
        return d?.status === 'failed' ? d : undefined;
      }, 10_000, 'the delivery to fail after its third retry');
      assert.equal(failed.attempt_count, 4, 'the first attempt and three retries');
      assert.equal(failed.next_attempt_at, null);
      assert.equal(down.received.filter((r) => r.body.includes(event.id)).length, 4);
    });
  });
}

import Fastify from 'fastify';
import { cpuMicros, serveCalls } from './ipc.js';

/**
 * The yardstick: the same Fastify version onfile uses, reading each request body and answering a
 * fixed small JSON. Its rate is what the machine, Node and HTTP cost at best, so onfile's figures
 * are reported as a ratio to it, measured in the same round.
 */
const FIXED = JSON.stringify({ id: 'cus_bench', object: 'customer', livemode: false });

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
app.removeAllContentTypeParsers();
// Read the whole body (as onfile must), without decoding it.
app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
app.all('/*', async (_req, reply) => reply.type('application/json').send(FIXED));

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;

serveCalls(
  {
    cpu: async () => cpuMicros(),
    close: async () => {
      await app.close();
      return null;
    },
  },
  { url: `http://127.0.0.1:${port}` },
);

// An HTTP worker process of `onfile start --workers N` (src/cluster/); same loader as bin/onfile.js.
import { register } from 'tsx/esm/api';

register();
await import('../src/cluster/worker-main.ts');

// An HTTP worker process of `onfile start --workers N` (src/cluster/); same loader as bin/onfile.js.
import './typescript.js';

await import('../src/cluster/worker-main.ts');

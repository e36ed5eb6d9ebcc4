#!/usr/bin/env node
// onfile runs its TypeScript sources directly (bin/typescript.js): no build step to forget.
import './typescript.js';

const { main } = await import('../src/cli/main.ts');
await main(process.argv);

// Bundles the library into the classic script served at GET /v3/ (sets window.Stripe).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./src/global.ts', import.meta.url));

export async function buildBrowserBundle(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    // A classic script, not a module: document.currentScript (used to find the API origin)
    // is only set for classic scripts.
    format: 'iife',
    platform: 'browser',
    target: 'es2019',
    minify: false,
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no output for the browser bundle');
  return output.text;
}

// Module hooks that run onfile's TypeScript sources directly (registered by bin/typescript.js).
//
// Why not tsx: its esbuild settings include keepNames, which wraps every function created at run time
// in a call that redefines its `name` property. A request creates dozens of closures; profiles put
// those calls at about 3% of a create's CPU (README, Benchmark). Without minification the names are
// V8's own inference anyway.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

// The project's compiler options (target, class-field semantics) as esbuild reads them.
const tsconfigRaw = readFileSync(new URL('../tsconfig.json', import.meta.url), 'utf8');

/** Sources import each other by their compiled names (`./x.js` for `./x.ts`), as TypeScript's NodeNext wants. */
export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (parent?.startsWith('file:') && parent.endsWith('.ts') && specifier.endsWith('.js') && /^\.\.?\//.test(specifier)) {
    const source = new URL(`${specifier.slice(0, -3)}.ts`, parent);
    if (existsSync(source)) return { url: source.href, format: 'module', shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const { code } = await transform(await readFile(file, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: file,
    tsconfigRaw,
  });
  return { format: 'module', source: code, shortCircuit: true };
}

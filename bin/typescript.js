// `node --import ./bin/typescript.js file.ts`: runs TypeScript sources as they are (bin/typescript-hooks.js).
import { register } from 'node:module';

// Stack traces name the TypeScript lines (each module carries its inline source map).
process.setSourceMapsEnabled(true);
register('./typescript-hooks.js', import.meta.url);

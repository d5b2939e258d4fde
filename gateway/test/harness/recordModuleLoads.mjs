// A preload (`NODE_OPTIONS=--import <this file>`) that records which packages a process loads
// through `import` (see `moduleLoadHooks.mjs`); used by `startupModules.test.ts`.
import { register } from 'node:module';

register(new URL('./moduleLoadHooks.mjs', import.meta.url));

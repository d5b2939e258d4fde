/**
 * Setup of the unit project's test files. DOM tests (happy-dom) wait with testing-library's
 * `waitFor` / `findBy*`, whose default of 1 s fails a correct test when CI's 2 cores are busy: the
 * waits now give up after 5 s (a test that needs longer passes its own `timeout`). Node-only test
 * files do not load testing-library.
 */
if (typeof document !== 'undefined') {
  const { configure } = await import('@testing-library/dom');
  configure({ asyncUtilTimeout: 5_000 });
}

export {};

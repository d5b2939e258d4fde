// node render-canvases.mjs
// Renders every built-in cartridge of the packed @easel/canvases to HTML with react-dom/server, in a project
// that installed the tarballs and its own React (run by e2e/src/packedConsumer.test.ts). Each cartridge projects
// the JSON of its roots (a board with one note; the others empty) and its component renders that projection,
// with an emitter that refuses every command. Prints one JSON line per canvas type.
import { builtinCanvases } from '@easel/canvases';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';

/** @returns {Promise<import('@easel/harness').EmitResult>} */
const refuse = async () => ({ ok: false, code: 'forbidden', message: 'a server rendering sends nothing' });
/** @type {import('@easel/harness').CommandEmitter} */
const emit = { ops: refuse, setToken: refuse, commit: refuse, edit() {}, tool: refuse };
const roots = { board: { notes: { n1: { text: 'Ship the packed canvases', column: 'todo' } } } };

for (const [type, cartridge] of Object.entries(builtinCanvases)) {
  const projection = cartridge.project(roots[type] ?? {}, { 'plan.title': 'Q3 launch' });
  const props = {
    projection,
    tokens: { 'plan.title': 'Q3 launch' },
    revision: 1,
    emit,
    presence: { peers: [], setCursor() {} },
    readOnly: false,
    rejected: null,
  };
  const html = renderToString(createElement(cartridge.Component, props));
  const testIds = [...html.matchAll(/data-testid="([^"]+)"/g)].map((m) => m[1]);
  console.log(JSON.stringify({ type, manifestType: cartridge.manifest.type, testIds, html }));
}

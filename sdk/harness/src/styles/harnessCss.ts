/**
 * The harness stylesheet: design tokens (CSS custom properties, light and dark), layout of the
 * templates, and every surface. Plain CSS; class names start with `ez-`. Inject it once with
 * `<HarnessStyles />`, or write `HARNESS_CSS` into a `<style>` yourself. Dark theme follows
 * `prefers-color-scheme`, or force one with `data-theme="light" | "dark"` on an ancestor.
 */
export const HARNESS_CSS = `
:root, [data-theme="light"] {
  --ez-bg: #f6f7f9; --ez-surface: #ffffff; --ez-surface-2: #f0f2f5; --ez-border: #d9dde3;
  --ez-text: #1b1f24; --ez-text-2: #525a66; --ez-accent: #3451d1; --ez-accent-text: #ffffff;
  --ez-ok: #1a7f4b; --ez-warn: #9a6200; --ez-danger: #c0262d; --ez-info: #2f6fb3; --ez-agent: #7a3fd1;
  --ez-focus: #3451d1;
  --ez-space-1: 4px; --ez-space-2: 8px; --ez-space-3: 12px; --ez-space-4: 16px; --ez-space-5: 24px;
  --ez-radius: 8px; --ez-radius-lg: 14px; --ez-radius-pill: 999px;
  --ez-font: ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  --ez-mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  --ez-text-xs: 12px; --ez-text-sm: 13px; --ez-text-md: 14px; --ez-text-lg: 16px;
  --ez-shadow: 0 1px 2px rgba(16, 24, 40, .06), 0 4px 12px rgba(16, 24, 40, .06);
}
@media (prefers-color-scheme: dark) {
  :root:not([data-theme="light"]) {
    --ez-bg: #121418; --ez-surface: #1b1e24; --ez-surface-2: #23272f; --ez-border: #343a45;
    --ez-text: #e8eaee; --ez-text-2: #a3abb8; --ez-accent: #8ea2ff; --ez-accent-text: #0d1020;
    --ez-ok: #4cc38a; --ez-warn: #e0a43a; --ez-danger: #ff7a7f; --ez-info: #6fb1ff; --ez-agent: #c39bff;
    --ez-focus: #8ea2ff; --ez-shadow: 0 1px 2px rgba(0,0,0,.4), 0 4px 12px rgba(0,0,0,.3);
  }
}
[data-theme="dark"] {
  --ez-bg: #121418; --ez-surface: #1b1e24; --ez-surface-2: #23272f; --ez-border: #343a45;
  --ez-text: #e8eaee; --ez-text-2: #a3abb8; --ez-accent: #8ea2ff; --ez-accent-text: #0d1020;
  --ez-ok: #4cc38a; --ez-warn: #e0a43a; --ez-danger: #ff7a7f; --ez-info: #6fb1ff; --ez-agent: #c39bff;
  --ez-focus: #8ea2ff; --ez-shadow: 0 1px 2px rgba(0,0,0,.4), 0 4px 12px rgba(0,0,0,.3);
}

.ez-template, .ez-panel, .ez-toppill, .ez-canvas-host, .ez-status {
  font-family: var(--ez-font); font-size: var(--ez-text-md); color: var(--ez-text); box-sizing: border-box;
}
.ez-template *, .ez-panel *, .ez-toppill *, .ez-canvas-host * { box-sizing: border-box; }
.ez-visually-hidden {
  position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
code { font-family: var(--ez-mono); font-size: .92em; }
/* Icon (an inline SVG in currentColor; the control around it has the name). */
.ez-icon { display: inline-block; flex: none; vertical-align: -0.125em; overflow: visible; }

/* templates */
.ez-template { display: grid; gap: var(--ez-space-3); padding: var(--ez-space-3); min-height: 100vh; background: var(--ez-bg); }
.ez-template > .ez-toppill { grid-column: 1 / -1; }
/* Studio is an app shell of one viewport: the columns scroll inside it, so the chat input stays in view. */
.ez-studio { grid-template-columns: minmax(240px, 300px) minmax(0, 1fr) minmax(240px, 320px);
  grid-template-rows: auto minmax(0, 1fr); height: 100vh; height: 100dvh; min-height: 0; }
.ez-studio__left, .ez-studio__right { display: flex; flex-direction: column; gap: var(--ez-space-3); min-height: 0; overflow: auto; }
.ez-studio__left { overflow: hidden; }
/* Panels keep their height and the column scrolls: a shrunk panel's content ran under the next one. */
.ez-studio__right > * { flex-shrink: 0; }
.ez-studio__left > .ez-chat { flex: 1; min-height: 0; }
.ez-studio__left .ez-chat__turns { min-height: 0; }
.ez-studio__left .ez-chat__form { flex-shrink: 0; }
.ez-studio__main { display: flex; flex-direction: column; gap: var(--ez-space-2); min-width: 0; min-height: 0; overflow: auto; }
/* Side by side, the panes share their rows (title, tools, notices, canvas): a canvas without tools
   (a doc) started higher than its neighbour's, under a toolbar of its own; and a view-only note
   above one canvas (a planner may write the board, not the doc), or one that wraps to two lines in
   a narrower pane, pushed that canvas below its neighbour. */
.ez-split { grid-template-columns: 1fr 1fr; grid-template-rows: auto auto auto auto 1fr; }
/* The main landmark holds the panes on the template's grid (rows 2 to 5, both columns, its gaps). */
.ez-split__main { display: grid; grid-column: 1 / -1; grid-row: 2 / span 4; grid-template-columns: subgrid;
  grid-template-rows: subgrid; min-width: 0; }
.ez-split__pane { display: grid; grid-row: 1 / span 4; grid-template-rows: subgrid; row-gap: var(--ez-space-2); min-width: 0; }
.ez-split__pane > .ez-split__title { grid-row: 1; }
.ez-split__pane > .ez-toolpop { grid-row: 2; align-self: end; }
.ez-split__pane > :not(.ez-split__title, .ez-toolpop) { grid-row: 3 / span 2; }
/* The canvas host spans the notices row and the canvas row (a subgrid: the tallest notices of the
   two panes set the row). No gap inside: a pane without notices has its canvas right under the
   tools; the notices keep their own space below them. */
.ez-split__pane > .ez-canvas-host { display: grid; grid-template-rows: subgrid; row-gap: 0; }
.ez-split__pane > .ez-canvas-host > .ez-canvas-host__notices { grid-row: 1; margin-bottom: var(--ez-space-2); }
.ez-split__pane > .ez-canvas-host > .ez-canvas-host__surface { grid-row: 2; }
.ez-split__title { margin: 0; font-size: var(--ez-text-lg); }
.ez-console { grid-template-columns: minmax(0, 1.2fr) minmax(280px, 1fr) minmax(240px, 320px); grid-template-rows: auto 1fr; }
.ez-console__center, .ez-console__right, .ez-console__main { display: flex; flex-direction: column; gap: var(--ez-space-3); min-width: 0; }
@media (max-width: 900px) {
  /* minmax(0, …): a wide child (a board's columns) scrolls inside its pane, not the page sideways. */
  .ez-studio, .ez-split, .ez-console { grid-template-columns: minmax(0, 1fr); }
  /* One column: each pane lays out its own rows. */
  .ez-split { grid-template-rows: auto; }
  .ez-split__main { display: flex; flex-direction: column; gap: var(--ez-space-3); grid-row: auto; }
  .ez-split__pane { display: flex; flex-direction: column; grid-row: auto; }
  .ez-split__pane > .ez-toolpop { align-self: auto; }
  .ez-split__pane > .ez-canvas-host { display: flex; row-gap: var(--ez-space-2); }
  .ez-split__pane > .ez-canvas-host > .ez-canvas-host__notices { margin-bottom: 0; }
  .ez-template > .ez-toppill { flex-wrap: wrap; border-radius: var(--ez-radius-lg); }
  /* One column: the canvas first, then the chat, then context and tokens. */
  .ez-studio__main { order: 1; }
  .ez-studio__left { order: 2; }
  .ez-studio__right { order: 3; }
  .ez-studio { height: auto; grid-template-rows: auto; }
  /* The chat is as tall as its turns, up to most of the screen (then they scroll): a fixed height
     left a screenful of empty panel between "No turns yet" and the input. */
  .ez-studio__left { height: auto; max-height: min(70vh, 560px); }
  .ez-studio__main { overflow: visible; }
}

/* panels */
.ez-panel { background: var(--ez-surface); border: 1px solid var(--ez-border); border-radius: var(--ez-radius-lg);
  box-shadow: var(--ez-shadow); padding: var(--ez-space-3); display: flex; flex-direction: column; gap: var(--ez-space-2); min-height: 0; }
.ez-panel__header { display: flex; align-items: center; gap: var(--ez-space-2); }
.ez-panel__title { margin: 0; font-size: var(--ez-text-md); font-weight: 650; flex: 1; }
.ez-hint { margin: 0; color: var(--ez-text-2); font-size: var(--ez-text-sm); }
.ez-error { margin: 0; color: var(--ez-danger); font-size: var(--ez-text-sm); }
.ez-badge { font-size: var(--ez-text-xs); color: var(--ez-text-2); background: var(--ez-surface-2);
  border-radius: var(--ez-radius-pill); padding: 2px var(--ez-space-2); }

/* controls */
.ez-button { font: inherit; font-size: var(--ez-text-sm); border: 1px solid var(--ez-border); background: var(--ez-surface);
  color: var(--ez-text); border-radius: var(--ez-radius); padding: 6px var(--ez-space-3); cursor: pointer; }
.ez-button:hover:not(:disabled, [aria-disabled="true"]) { background: var(--ez-surface-2); }
.ez-button:disabled, .ez-button[aria-disabled="true"] { opacity: .55; cursor: not-allowed; }
.ez-button--primary { background: var(--ez-accent); border-color: var(--ez-accent); color: var(--ez-accent-text); font-weight: 600; }
.ez-button--primary:hover:not(:disabled, [aria-disabled="true"]) { background: var(--ez-accent); filter: brightness(1.08); }
.ez-button--ghost { border-color: transparent; background: transparent; }
.ez-button--small { padding: 2px var(--ez-space-2); font-size: var(--ez-text-xs); }
.ez-input { font: inherit; font-size: var(--ez-text-sm); color: var(--ez-text); background: var(--ez-surface);
  border: 1px solid var(--ez-border); border-radius: var(--ez-radius); padding: 6px var(--ez-space-2); width: 100%; }
.ez-input:disabled { background: var(--ez-surface-2); color: var(--ez-text-2); }
.ez-input--small { width: auto; padding: 2px var(--ez-space-2); font-size: var(--ez-text-xs); }
.ez-checkbox, .ez-range { accent-color: var(--ez-accent); }
.ez-range { width: 100%; }
.ez-color { width: 44px; height: 28px; border: 1px solid var(--ez-border); border-radius: var(--ez-radius); background: none; padding: 2px; }
.ez-button:focus-visible, .ez-input:focus-visible, .ez-checkbox:focus-visible, .ez-range:focus-visible, .ez-color:focus-visible,
.ez-switcher__tab:focus-visible, .ez-plugin__head:focus-visible, .ez-canvas-host__surface:focus-visible {
  outline: 2px solid var(--ez-focus); outline-offset: 2px; }
/* An off control that says why (ReasonButton): focusable; its reason shows on focus, hover or a tap. */
.ez-reasoned { position: relative; display: inline-flex; }
.ez-reasoned > .ez-button { flex: 1 1 auto; }
.ez-reason { display: none; position: absolute; top: calc(100% + 4px); left: 0; z-index: 30; width: max-content;
  max-width: min(280px, 80vw); padding: 4px var(--ez-space-2); border-radius: var(--ez-radius); background: var(--ez-text);
  color: var(--ez-surface); font-size: var(--ez-text-xs); font-weight: 400; line-height: 1.35; white-space: normal; box-shadow: var(--ez-shadow); }
.ez-reasoned:hover > .ez-reason, .ez-reasoned:focus-within > .ez-reason, .ez-reasoned[data-shown] > .ez-reason { display: block; }
.ez-input[aria-disabled="true"], .ez-input:read-only:not(select) { background: var(--ez-surface-2); color: var(--ez-text-2); }
.ez-checkbox[aria-disabled="true"], .ez-range[aria-disabled="true"], .ez-color[aria-disabled="true"] { opacity: .55; cursor: not-allowed; }
.ez-field { display: flex; flex-direction: column; gap: var(--ez-space-1); font-size: var(--ez-text-sm); }
.ez-field--group { border: 1px solid var(--ez-border); border-radius: var(--ez-radius); padding: var(--ez-space-2) var(--ez-space-3); margin: 0; }
/* A row per toggle at least 24px tall: its checkbox keeps a 24px target spacing from the next (WCAG 2.5.8). */
.ez-toggle { display: flex; gap: var(--ez-space-2); align-items: center; min-height: 24px; }
.ez-token .ez-checkbox, .ez-token .ez-color { align-self: flex-start; }

/* status messages */
.ez-status { display: flex; gap: var(--ez-space-3); align-items: flex-start; padding: var(--ez-space-4);
  border-radius: var(--ez-radius); background: var(--ez-surface-2); color: var(--ez-text); }
.ez-status__icon { display: inline-grid; place-items: center; width: 24px; height: 24px; border-radius: 50%;
  font-weight: 700; background: var(--ez-surface); border: 1px solid var(--ez-border); flex: none; }
.ez-status__title { margin: 0; font-weight: 600; }
.ez-status__text { margin: var(--ez-space-1) 0 0; color: var(--ez-text-2); font-size: var(--ez-text-sm); }
.ez-status__action { margin-top: var(--ez-space-2); }
.ez-status--error .ez-status__icon, .ez-status--refused .ez-status__icon { color: var(--ez-danger); border-color: var(--ez-danger); }
.ez-status--offline .ez-status__icon { color: var(--ez-warn); border-color: var(--ez-warn); }
.ez-status--loading .ez-status__icon { animation: ez-spin 1.2s linear infinite; }

/* top bar */
.ez-toppill { display: flex; align-items: center; gap: var(--ez-space-3); background: var(--ez-surface);
  border: 1px solid var(--ez-border); border-radius: var(--ez-radius-pill); padding: var(--ez-space-2) var(--ez-space-4); box-shadow: var(--ez-shadow); }
.ez-toppill__title { font-weight: 700; font-size: inherit; line-height: inherit; margin: 0; }
.ez-toppill__spacer { flex: 1; }
.ez-switcher { display: flex; gap: var(--ez-space-1); background: var(--ez-surface-2); border-radius: var(--ez-radius-pill); padding: 2px; }
.ez-switcher__tab { font: inherit; font-size: var(--ez-text-sm); border: 0; background: transparent; color: var(--ez-text-2);
  border-radius: var(--ez-radius-pill); padding: 4px var(--ez-space-3); cursor: pointer; }
.ez-switcher__tab[aria-selected="true"] { background: var(--ez-surface); color: var(--ez-text); box-shadow: var(--ez-shadow); }
.ez-avatars { display: flex; list-style: none; margin: 0; padding: 0; }
.ez-avatar { width: 28px; height: 28px; border-radius: 50%; display: grid; place-items: center; color: #fff;
  font-size: var(--ez-text-xs); font-weight: 700; border: 2px solid var(--ez-surface); margin-left: -6px; position: relative; }
.ez-avatar:first-child { margin-left: 0; }
.ez-avatar--agent { border-radius: 8px; outline: 2px solid var(--ez-agent); outline-offset: -1px; }
.ez-avatar--self { outline: 2px solid var(--ez-focus); outline-offset: 1px; }
.ez-connection { display: inline-flex; align-items: center; gap: var(--ez-space-1); font-size: var(--ez-text-sm); color: var(--ez-text-2); }
.ez-dot { width: 8px; height: 8px; border-radius: 50%; background: var(--ez-text-2); display: inline-block; }
.ez-connection--open .ez-dot { background: var(--ez-ok); }
.ez-connection--connecting .ez-dot, .ez-connection--reconnecting .ez-dot { background: var(--ez-warn); animation: ez-pulse 1s ease-in-out infinite; }
.ez-connection--offline .ez-dot, .ez-connection--unauthorized .ez-dot, .ez-connection--forbidden .ez-dot { background: var(--ez-danger); }

/* canvas host */
.ez-canvas-host { display: flex; flex-direction: column; gap: var(--ez-space-2); flex: 1; min-height: 320px; }
.ez-canvas-host__surface { position: relative; flex: 1; background: var(--ez-surface); border: 1px solid var(--ez-border);
  border-radius: var(--ez-radius-lg); overflow: auto; padding: var(--ez-space-4); color: var(--ez-text); }
/* Base look of plain elements inside a canvas (zero specificity: a canvas's own CSS wins). */
:where(.ez-canvas-host__surface) :where(h1, h2, h3, h4) { margin: 0 0 var(--ez-space-2); line-height: 1.25; }
:where(.ez-canvas-host__surface) :where(button:not([class])) { font: inherit; font-size: var(--ez-text-sm); color: var(--ez-text);
  background: var(--ez-surface); border: 1px solid var(--ez-border); border-radius: var(--ez-radius); padding: 3px var(--ez-space-2); cursor: pointer; }
:where(.ez-canvas-host__surface) :where(button:not([class]):hover:not(:disabled)) { background: var(--ez-surface-2); }
:where(.ez-canvas-host__surface) :where(button:not([class]):disabled) { opacity: .5; cursor: not-allowed; }
:where(.ez-canvas-host__surface) :where(input:not([type="checkbox"], [type="radio"], [type="color"], [type="range"]):not([class]), select:not([class]), textarea:not([class])) {
  font: inherit; font-size: var(--ez-text-sm); color: var(--ez-text); background: var(--ez-surface);
  border: 1px solid var(--ez-border); border-radius: var(--ez-radius); padding: 3px var(--ez-space-2); }
:where(.ez-canvas-host__surface) :where(button, input, select, textarea, [tabindex]):focus-visible { outline: 2px solid var(--ez-focus); outline-offset: 1px; }
:where(.ez-canvas-host__surface) :where(ul, ol) { padding-left: var(--ez-space-5); }
:where(.ez-canvas-host__surface) :where(li) { margin-bottom: var(--ez-space-2); }
.ez-canvas-host__notices { display: flex; flex-direction: column; gap: var(--ez-space-2); min-width: 0; }
.ez-canvas-host__note { margin: 0; font-size: var(--ez-text-sm); color: var(--ez-text-2); }
.ez-canvas-host__note--offline { color: var(--ez-warn); }
.ez-rejected { display: flex; align-items: center; gap: var(--ez-space-2); padding: var(--ez-space-2) var(--ez-space-3);
  border-radius: var(--ez-radius); border: 1px solid var(--ez-danger); color: var(--ez-danger); background: var(--ez-surface);
  font-size: var(--ez-text-sm); animation: ez-flash .6s ease-out; }
.ez-rejected > span { flex: 1; }
.ez-follow { margin: 0; font-size: var(--ez-text-sm); color: var(--ez-agent); }

/* cursors */
.ez-cursors { position: absolute; inset: 0; pointer-events: none; overflow: hidden; }
.ez-cursor { position: absolute; left: 0; top: 0; transition: transform 120ms linear; will-change: transform; }
.ez-cursor__arrow { display: block; filter: drop-shadow(0 1px 1px rgba(0,0,0,.3)); }
.ez-cursor__label { display: inline-block; margin: 2px 0 0 12px; color: #fff; font-size: var(--ez-text-xs); font-weight: 600;
  padding: 1px 6px; border-radius: var(--ez-radius-pill); white-space: nowrap; }
.ez-cursor--agent .ez-cursor__label { outline: 2px solid var(--ez-agent); }

/* chat */
.ez-chat { flex: 1; }
.ez-chat__turns { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: var(--ez-space-3); overflow: auto; flex: 1; }
.ez-turn { border-left: 3px solid var(--ez-border); padding-left: var(--ez-space-2); }
.ez-turn--streaming, .ez-turn--accepted, .ez-turn--answered { border-color: var(--ez-agent); }
.ez-turn--committed { border-color: var(--ez-ok); }
.ez-turn--failed { border-color: var(--ez-danger); }
.ez-turn__prompt { margin: 0 0 var(--ez-space-1); font-weight: 600; }
.ez-turn__meta { display: flex; align-items: center; gap: var(--ez-space-2); color: var(--ez-text-2); font-size: var(--ez-text-xs); }
.ez-dot--accepted, .ez-dot--streaming, .ez-dot--answered { background: var(--ez-agent); animation: ez-pulse 1s ease-in-out infinite; }
.ez-dot--committed { background: var(--ez-ok); }
.ez-dot--failed { background: var(--ez-danger); }
.ez-turn__output { margin: var(--ez-space-1) 0 0; white-space: pre-wrap; }
.ez-outcome { margin: var(--ez-space-1) 0 0; font-size: var(--ez-text-sm); }
.ez-outcome--ok { color: var(--ez-ok); }
.ez-outcome--failed { color: var(--ez-danger); }
.ez-outcome--cancelled { color: var(--ez-text-2); }
.ez-chat__form { display: flex; gap: var(--ez-space-2); align-items: flex-end; }
.ez-chat__input { resize: vertical; min-height: 4.5em; }

/* tokens and context */
.ez-tokens__list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: var(--ez-space-3); }
.ez-token { display: flex; flex-direction: column; gap: var(--ez-space-1); }
.ez-token__label { display: flex; flex-direction: column; }
.ez-token__id { font-family: var(--ez-mono); font-size: var(--ez-text-sm); }
.ez-token__desc, .ez-token__note { color: var(--ez-text-2); font-size: var(--ez-text-xs); margin: 0; }
.ez-facts { display: grid; grid-template-columns: auto 1fr; gap: var(--ez-space-1) var(--ez-space-3); margin: 0; font-size: var(--ez-text-sm); }
.ez-facts dt { color: var(--ez-text-2); }
.ez-facts dd { margin: 0; overflow-wrap: anywhere; }

/* tools */
.ez-toolpop__bar { display: flex; flex-wrap: wrap; gap: var(--ez-space-1); background: var(--ez-surface); border: 1px solid var(--ez-border);
  border-radius: var(--ez-radius-pill); padding: var(--ez-space-1); width: fit-content; box-shadow: var(--ez-shadow); }
.ez-toolpop__bar .ez-button { border-radius: var(--ez-radius-pill); border-color: transparent; }

/* feed */
.ez-feed__list { list-style: none; margin: 0; padding: 0; overflow: auto; max-height: 420px; font-size: var(--ez-text-sm); }
/* The summary keeps its share: a long actor id (an agent's "run:<id>") squeezed it to nothing and ran past the panel. */
.ez-feed__entry { display: grid; grid-template-columns: auto auto minmax(0, 1fr) auto; gap: var(--ez-space-2); align-items: baseline;
  padding: var(--ez-space-1) var(--ez-space-2); border-radius: var(--ez-radius); }
.ez-feed__entry:first-child { animation: ez-flash 1s ease-out; }
.ez-feed__time { color: var(--ez-text-2); font-family: var(--ez-mono); font-size: var(--ez-text-xs); }
.ez-feed__type { font-family: var(--ez-mono); font-size: var(--ez-text-xs); background: var(--ez-surface-2); border-radius: 4px; padding: 0 4px; }
.ez-feed__summary { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.ez-feed__actor { color: var(--ez-text-2); font-size: var(--ez-text-xs); max-width: 16ch; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.ez-feed__actor--agent { color: var(--ez-agent); }
.ez-feed__entry--error .ez-feed__type, .ez-feed__entry--commit_failed .ez-feed__type { color: var(--ez-danger); }
/* A narrow feed (a console column, a phone): what happened gets a line of its own under time, type and actor. */
.ez-feed__list { container-type: inline-size; }
@container (max-width: 480px) {
  .ez-feed__entry { grid-template-columns: auto minmax(0, 1fr) auto; grid-template-areas: "time type actor" "summary summary summary"; row-gap: 0; }
  .ez-feed__time { grid-area: time; }
  .ez-feed__type { grid-area: type; justify-self: start; max-width: 100%; overflow: hidden; text-overflow: ellipsis; }
  .ez-feed__summary { grid-area: summary; }
  .ez-feed__actor { grid-area: actor; }
}

/* progress */
.ez-progress { display: flex; flex-direction: column; gap: var(--ez-space-1); }
.ez-progress__track { height: 10px; background: var(--ez-surface-2); border: 1px solid var(--ez-border); border-radius: var(--ez-radius-pill); overflow: hidden; }
.ez-progress__fill { height: 100%; background: var(--ez-accent); transition: width 200ms ease-out; }
.ez-progress[data-status="failed"] .ez-progress__fill { background: var(--ez-danger); }
.ez-progress[data-status="succeeded"] .ez-progress__fill { background: var(--ez-ok); }
.ez-progress__text { font-size: var(--ez-text-xs); color: var(--ez-text-2); }

/* plugins */
.ez-plugins__list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: var(--ez-space-2); }
.ez-plugin { border: 1px solid var(--ez-border); border-radius: var(--ez-radius); padding: var(--ez-space-2); }
.ez-plugin__head { all: unset; display: flex; width: 100%; align-items: center; gap: var(--ez-space-2); cursor: pointer; border-radius: 4px; }
.ez-plugin__name { flex: 1; font-weight: 600; font-family: var(--ez-mono); font-size: var(--ez-text-sm); }
.ez-plugin__reason { margin: var(--ez-space-1) 0 0; font-size: var(--ez-text-xs); color: var(--ez-warn); }
.ez-plugin__counts { margin: var(--ez-space-1) 0 0; font-size: var(--ez-text-xs); color: var(--ez-text-2); }
.ez-plugin__detail { margin-top: var(--ez-space-2); font-size: var(--ez-text-sm); }
.ez-plugin__problems { margin: var(--ez-space-2) 0 0; padding-left: var(--ez-space-4); font-size: var(--ez-text-xs); }
.ez-problem--error { color: var(--ez-danger); }
.ez-problem--warning { color: var(--ez-warn); }
.ez-state { font-size: var(--ez-text-xs); font-weight: 700; border-radius: var(--ez-radius-pill); padding: 1px var(--ez-space-2); border: 1px solid currentColor; }
.ez-state--loaded { color: var(--ez-info); }
.ez-state--running { color: var(--ez-ok); }
.ez-state--failed { color: var(--ez-danger); }
.ez-state--unavailable { color: var(--ez-warn); }
.ez-table { width: 100%; border-collapse: collapse; font-size: var(--ez-text-xs); }
.ez-table th, .ez-table td { text-align: left; padding: 2px var(--ez-space-1); border-bottom: 1px solid var(--ez-border); }

@keyframes ez-spin { to { transform: rotate(360deg); } }
@keyframes ez-pulse { 50% { opacity: .35; } }
@keyframes ez-flash { from { background: color-mix(in srgb, var(--ez-accent) 18%, transparent); } to { background: transparent; } }
@media (prefers-reduced-motion: reduce) {
  .ez-cursor, .ez-progress__fill { transition: none; }
  .ez-status--loading .ez-status__icon, .ez-dot, .ez-feed__entry:first-child, .ez-rejected { animation: none !important; }
}
`;

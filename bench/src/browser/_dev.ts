import { runBrowserBench } from './runBrowserBench.ts';
import { renderBrowser } from './renderBrowser.ts';
const r = await runBrowserBench({ quick: true, log: (m) => console.log(m) });
console.log(renderBrowser(r));
console.log(JSON.stringify(r.failures));
process.exit(0);

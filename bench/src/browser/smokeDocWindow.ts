import { bundlePage } from './bundlePage.ts';
import type { BenchPageConfig } from './page/BenchPageConfig.ts';
import { benchContext } from './runBrowserBench.ts';
import { withBigDocBench } from './withBigDocBench.ts';

await withBigDocBench(async ({ gateway, browser, admin, blocks, scope }) => {
  const config: BenchPageConfig = {
    mode: 'json',
    baseUrl: gateway.url,
    token: admin,
    scope,
    expectBlocks: blocks,
  };
  const { context, page } = await benchContext(browser, gateway, await bundlePage(), config);
  await page.goto(`${gateway.url}/__bench/index.html`, { waitUntil: 'commit', timeout: 30_000 });
  await page.waitForSelector('.easel-doc-block', { timeout: 60_000 });
  const rows = () =>
    page.evaluate(() => {
      const shown = Array.from(document.querySelectorAll<HTMLElement>('.easel-doc-blocks > ol > [data-index]'));
      const list = document.querySelector<HTMLElement>('.easel-doc-blocks > ol')!;
      return {
        rendered: shown.length,
        first: shown[0]?.dataset.index,
        last: shown.at(-1)?.dataset.index,
        scrollHeight: list.scrollHeight,
        count: document.querySelector('[data-block-count]')?.getAttribute('data-block-count'),
      };
    });
  console.log('first commit', JSON.stringify(await rows()));
  await page.waitForTimeout(700);
  console.log('after idle  ', JSON.stringify(await rows()));
  await page.evaluate(() => {
    const list = document.querySelector<HTMLElement>('.easel-doc-blocks > ol')!;
    list.scrollTop = list.scrollHeight / 2;
  });
  await page.waitForTimeout(300);
  console.log('mid scroll  ', JSON.stringify(await rows()));
  const mid = await page.evaluate(
    () => document.querySelectorAll<HTMLElement>('.easel-doc-blocks > ol > [data-index]')[12]!.dataset.index!,
  );
  const box = page.getByTestId(`block-text-b${mid}`);
  await box.click();
  await page.keyboard.type(' typed');
  console.log('typed       ', await box.inputValue());
  await page.keyboard.press('Tab');
  console.log(
    'Tab →       ',
    await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName),
  );
  await context.close();
});

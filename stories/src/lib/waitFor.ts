/** Waits (bounded) for `selector` inside `root`; for stories' play functions. */
export async function waitForElement(root: HTMLElement, selector: string, timeoutMs = 5000): Promise<HTMLElement> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const el = root.querySelector<HTMLElement>(selector);
    if (el) return el;
    if (Date.now() > deadline) throw new Error(`${selector} did not appear within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

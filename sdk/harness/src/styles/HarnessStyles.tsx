import type { ReactNode } from 'react';
import { HARNESS_CSS } from './harnessCss.ts';

export { HARNESS_CSS };

/** Injects the harness stylesheet ({@link HARNESS_CSS}); render it once near the root. */
export function HarnessStyles(): ReactNode {
  return <style data-easel-harness="">{HARNESS_CSS}</style>;
}

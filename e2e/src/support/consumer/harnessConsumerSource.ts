/**
 * A React app of the packed `@easel/harness` (written as `harness.tsx` into the consumer project of
 * e2e/src/packedConsumer.test.ts and type-checked there with `consumer.ts`). Kept as text: this repository's
 * e2e package does not depend on the harness, so the file would not resolve here. Each `@ts-expect-error`
 * fails to compile if a declaration degraded to `any`.
 */
export const HARNESS_CONSUMER_TSX = `import {
  type CanvasCartridge,
  type CanvasProps,
  contrastRatio,
  defineCanvas,
  EaselProvider,
  useTokens,
} from '@easel/harness';
import { demoRecording, RecordedEaselProvider } from '@easel/harness/testing';
import type { ReactNode } from 'react';

export const provider = EaselProvider;
export const tokens = useTokens;
export const recorded = (): ReactNode => <RecordedEaselProvider recording={demoRecording()} />;
export const ratio: number = contrastRatio(1, 0.5);
// @ts-expect-error a contrast ratio is of two luminances
contrastRatio('#000', '#fff');
export const cartridge: <P>(c: CanvasCartridge<P>) => CanvasCartridge<P> = defineCanvas;
export type Props = CanvasProps<{ title: string }>;
`;

import type { CanvasTypeManifest } from '@easel/schemas';
import { hostCartridges } from './hostCartridges.tsx';

/** Every cartridge's manifest by canvas type (registered when a project lacks the type). */
export const hostManifests: Readonly<Record<string, CanvasTypeManifest>> = Object.fromEntries(
  Object.entries(hostCartridges).map(([type, cartridge]) => [type, cartridge.manifest]),
);

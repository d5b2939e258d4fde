import { defineCanvas } from '@easel/harness';
import { DocCanvas } from './DocCanvas.tsx';
import { DOC_MANIFEST } from './docManifest.ts';
import { projectDoc } from './projectDoc.ts';

/** The `doc` cartridge: a block tree and collaborative text through Y.Text. */
export const docCanvas = defineCanvas({ manifest: DOC_MANIFEST, project: projectDoc, Component: DocCanvas });

import { buildFlowCatalog, type FlowCatalog } from './flowCatalog.ts';

/** The flows in `host/flows/*.json`, bundled by Vite and validated on load. */
export const bundledFlows: FlowCatalog = buildFlowCatalog(
  import.meta.glob('../../flows/*.json', { eager: true, import: 'default' }),
);

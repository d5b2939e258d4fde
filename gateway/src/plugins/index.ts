// The plugin host (contract §9): sandboxed plugin processes, registry, health and inspector.
export type {
  PluginCallObserver,
  PluginCallOptions,
  PluginHost,
  PluginOrigin,
} from './PluginHost.ts';
export {
  openPluginHost,
  type PluginHostLogger,
  type PluginHostOptions,
  type PluginStateChange,
  type SandboxPluginHost,
} from './openPluginHost.ts';
export type { PluginHostLimits } from './PluginHostLimits.ts';
export {
  type CallOwner,
  type EntryOwner,
  type InspectorViewer,
  OPERATOR_VIEW,
  type TenantViewer,
} from './inspector/RecentLog.ts';
export type { StandbyOptions } from './registry/StandbyOptions.ts';
export type { StandbyState } from './registry/StandbyKeeper.ts';
export { BUILTIN_PLUGINS_DIR, builtinPluginFolders } from './builtinPluginFolders.ts';
export { listPluginFolders, type PluginFolder } from './loading/listPluginFolders.ts';
export { detectGpu, type GpuProbe } from './loading/detectGpu.ts';
export { runPluginSandboxed } from './runPluginSandboxed.ts';
export { resultValueJson } from './resultValueJson.ts';
export { InspectorService } from './inspector/inspector_service.ts';

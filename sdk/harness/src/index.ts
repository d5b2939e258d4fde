// @easel/harness — React layer over @easel/transport. Named exports only (docs/internal/UI-NOTES.md).

// provider and hooks
export { EaselProvider, type EaselProviderProps } from './provider/EaselProvider.tsx';
export type { PresenceSource } from './provider/PresenceSource.ts';
export { useTransport } from './hooks/useTransport.ts';
export { useConnectionStatus } from './hooks/useConnectionStatus.ts';
export { useCanvasState } from './hooks/useCanvasState.ts';
export { useCanvasMeta, type CanvasMeta } from './hooks/useCanvasMeta.ts';
export { useTokens, type TokenError, type TokensView } from './hooks/useTokens.ts';
export { useLens, type LensState } from './hooks/useLens.ts';
export { usePresence, type PresenceView } from './hooks/usePresence.ts';
export type { PeerState } from './hooks/PeerState.ts';
export { useRealtime, type RealtimeOptions } from './hooks/useRealtime.ts';
export type { TimelineEntry } from './stores/TimelineEntry.ts';
export { useJobs, type JobsView } from './hooks/useJobs.ts';
export type { JobView } from './stores/reduceJobs.ts';
export { useTurns, type TurnsView } from './hooks/useTurns.ts';
export type { TurnStatus, TurnView } from './stores/reduceTurns.ts';
export { useRunStream, type RunStreamView } from './hooks/useRunStream.ts';
export { useStartRun } from './hooks/useStartRun.ts';
export { usePlugins, type PluginsView } from './hooks/usePlugins.ts';
export { useCommandEmitter } from './hooks/useCommandEmitter.ts';
export { useRejectedEdit, type RejectedView } from './hooks/useRejectedEdit.ts';

// HTTP surface beyond the canvas stream
export type {
  HarnessApi,
  JobStartRequest,
  LensMe,
  RunStreamListener,
  RunStreamStatus,
} from './api/HarnessApi.ts';
export { createHarnessApi, type HarnessApiOptions } from './api/createHarnessApi.ts';
export { harnessApiFromTransport } from './api/harnessApiFromTransport.ts';
export {
  NO_PERMISSIONS,
  canSendCommand,
  canWriteAnyRoot,
  canWriteRoots,
  canWriteToken,
  effectivePermissions,
  type EffectivePermissions,
} from './api/effectivePermissions.ts';
export type { HarnessError, HarnessResult } from './lib/HarnessResult.ts';
export { contrastRatio, readableTextColor, relativeLuminance } from './lib/readableTextColor.ts';

// cartridge contract
export {
  defineCanvas,
  type AnyCanvasCartridge,
  type CanvasCartridge,
  type CanvasProps,
  type CommandEmitter,
  type EmitResult,
} from './cartridge/defineCanvas.ts';
export { CanvasHost, type CanvasHostProps } from './cartridge/CanvasHost.tsx';
export { HostNoticesContext, useHostShowsNotices } from './cartridge/HostNotices.ts';
export { runPluginTool } from './cartridge/runPluginTool.ts';
export { CanvasLens, type CanvasLensProps, type LensCanvas } from './cartridge/CanvasLens.tsx';
export { pickActiveCanvas, type ActiveCanvasPick } from './cartridge/pickActiveCanvas.ts';

// surfaces
export { ChatRail, type ChatRailProps } from './surfaces/ChatRail.tsx';
export { TopPill, type TopPillProps } from './surfaces/TopPill.tsx';
export { ToolPop, type ToolPopProps } from './surfaces/ToolPop.tsx';
export { TokenPanel, type TokenPanelProps } from './surfaces/TokenPanel.tsx';
export { ContextPanel, type ContextPanelProps } from './surfaces/ContextPanel.tsx';
export { RealtimeOverlay, type RealtimeOverlayProps } from './surfaces/RealtimeOverlay.tsx';
export { ProgressBar, type ProgressBarProps } from './surfaces/ProgressBar.tsx';
export { PluginInspector, type PluginInspectorProps } from './surfaces/PluginInspector.tsx';
export { JobControls, type JobControlsProps } from './surfaces/JobControls.tsx';
export { PresenceCursors, type PresenceCursorsProps } from './surfaces/PresenceCursors.tsx';
export { ReasonButton, type ReasonButtonProps } from './surfaces/ReasonButton.tsx';
export { ICON_NAMES, Icon, type IconName, type IconProps } from './surfaces/Icon.tsx';

// templates
export { StudioTemplate, type StudioTemplateProps } from './templates/StudioTemplate.tsx';
export { SplitTemplate, type SplitTemplateProps } from './templates/SplitTemplate.tsx';
export { ConsoleTemplate, type ConsoleTemplateProps } from './templates/ConsoleTemplate.tsx';

// styles
export { HARNESS_CSS, HarnessStyles } from './styles/HarnessStyles.tsx';

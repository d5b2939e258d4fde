/**
 * `@easel/transport/sidecars`: {@link SidecarClient}, uploads and resolves of media sidecars
 * (contract §8: presigned S3 PUT, sha256 checked, lens-gated resolve). A separate entry so apps
 * that show no media do not load it.
 */
export {
  SidecarClient,
  type SidecarClientOptions,
  type SidecarError,
  type SidecarErrorCode,
  type SidecarRef,
  type UploadSidecarOptions,
} from './sidecars/SidecarClient.ts';
export { sha256Hex, sidecarBytes, type SidecarData } from './sidecars/sha256Hex.ts';

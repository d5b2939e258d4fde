/**
 * The effective permissions of one set of roles in one partition (contract §6).
 * Immutable: a policy change produces new views (and `GatewayCore.onLensChanged` fires).
 */
export interface LensView {
  /** Equal keys ⇔ identical permissions (fan-out serializes once per key). */
  readonly key: string;
  canReadToken(tokenId: string): boolean;
  /**
   * True when `canReadToken` answers true for every id (the view reads `*`), so a caller may skip
   * finding out which token something concerns (fan-out: no envelope parse per `token_patch`).
   * Absent: unknown, ask `canReadToken`.
   */
  readonly readsAllTokens?: boolean;
  canWriteToken(tokenId: string): boolean;
  canReadRoot(root: string): boolean;
  canWriteRoot(root: string): boolean;
  canRunCommand(type: string): boolean;
  readonly sidecars: { readonly see: boolean; readonly resolve: boolean };
}

import type { ActorKind } from '@easel/schemas';
import { actorKindGuard } from '@easel/schemas/guards';
import { base64ToBytes } from '../lib/base64.ts';

/** Who a JWT says it is (`sub`, `kind`, `name`), read without verifying it: for defaults only. */
export interface TokenActor {
  readonly id: string;
  readonly kind: ActorKind;
  readonly name?: string;
}

/**
 * The actor of a JWT's claims (contract §2), or null when the token is not a readable JWT. The
 * gateway checks presence states against the ticket's actor; this only saves callers from
 * repeating their own id.
 */
export function tokenActor(token: string): TokenActor | null {
  const part = token.split('.')[1];
  if (part === undefined || part.length > 16_384) return null;
  const padded = part.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (part.length % 4)) % 4);
  const bytes = base64ToBytes(padded);
  if (bytes === null) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
  if (claims === null || typeof claims !== 'object') return null;
  const { sub, kind, name } = claims as { sub?: unknown; kind?: unknown; name?: unknown };
  const parsedKind = actorKindGuard.safeParse(kind);
  if (typeof sub !== 'string' || sub === '' || !parsedKind.success) return null;
  return typeof name === 'string' ? { id: sub, kind: parsedKind.data, name } : { id: sub, kind: parsedKind.data };
}

/**
 * A stable colour for an actor id (`#rrggbb`), for states that name none. Dark enough for white
 * text on it, and for it as text on white, at every hue (WCAG 1.4.3: 28 % lightness is at least
 * 4.8:1 against white; yellow is the lightest).
 */
export function actorColor(id: string): string {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 16777619);
  const hue = (hash >>> 0) % 360;
  return hslToHex(hue, 0.65, 0.28);
}

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

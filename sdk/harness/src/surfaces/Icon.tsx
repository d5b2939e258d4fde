import type { ReactNode } from 'react';

/** The icons the harness, the canvases and the host draw (16 × 16, `currentColor`). */
export const ICON_NAMES = [
  'close',
  'edit',
  'arrow-up',
  'arrow-down',
  'external',
  'sparkle',
  'agent',
  'empty',
  'loading',
  'offline',
  'error',
  'refused',
] as const;
export type IconName = (typeof ICON_NAMES)[number];

export interface IconProps {
  name: IconName;
  /** CSS width and height. Default `1em` (the size of the text around it). */
  size?: string;
  className?: string;
}

const STROKE = {
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 1.75,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
} as const;
const FILL = { fill: 'currentColor', stroke: 'none' } as const;

const SHAPES: Record<IconName, ReactNode> = {
  close: <path {...STROKE} d="M4 4l8 8M12 4l-8 8" />,
  edit: <path {...STROKE} d="M10.5 2.5l3 3-8 8-3.5.5.5-3.5z" />,
  'arrow-up': <path {...STROKE} d="M8 13V3M4 7l4-4 4 4" />,
  'arrow-down': <path {...STROKE} d="M8 3v10M4 9l4 4 4-4" />,
  external: <path {...STROKE} d="M5 11l6-6M6.5 5H11v4.5" />,
  sparkle: <path {...FILL} d="M8 1.5l1.6 4.9 4.9 1.6-4.9 1.6L8 14.5l-1.6-4.9L1.5 8l4.9-1.6z" />,
  agent: <path {...FILL} d="M8 2l6 6-6 6-6-6z" />,
  empty: <circle {...STROKE} cx="8" cy="8" r="5" />,
  loading: <circle {...STROKE} cx="8" cy="8" r="5" strokeDasharray="2.5 2.2" />,
  offline: <path {...FILL} d="M9.5 1.5L3.5 9H8l-1.5 5.5L12.5 7H8z" />,
  error: <path {...STROKE} strokeWidth={2} d="M8 3.5v5.5M8 12.25v.25" />,
  refused: <path {...STROKE} d="M8 2.5a5.5 5.5 0 1 0 0 11a5.5 5.5 0 1 0 0-11zM4.1 11.9l7.8-7.8" />,
};

/**
 * A decorative icon: an inline SVG hidden from assistive technology (`aria-hidden`, and
 * `focusable="false"` for old engines), so the control around it is named by its own text or
 * `aria-label`. An SVG has no text: contrast checkers (axe's `color-contrast`) need not judge a
 * glyph such as ✕ or ✎ as text, and a control's visible label is its accessible name alone.
 */
export function Icon(props: IconProps): ReactNode {
  const size = props.size ?? '1em';
  return (
    <svg
      className={`ez-icon${props.className ? ` ${props.className}` : ''}`}
      viewBox="0 0 16 16"
      width={size}
      height={size}
      aria-hidden="true"
      focusable="false"
    >
      {SHAPES[props.name]}
    </svg>
  );
}

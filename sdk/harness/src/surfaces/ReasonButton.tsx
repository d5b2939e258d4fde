import { type ButtonHTMLAttributes, type MouseEvent, type ReactNode, useId, useState } from 'react';

export interface ReasonButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'disabled'> {
  /**
   * Why the button is off (null: it is on). An off button stays focusable (`aria-disabled`, not
   * `disabled`), does nothing when pressed, and is described by this text, shown beside it on
   * focus and hover, and on a press (touch has neither focus ring nor hover).
   */
  reason: string | null;
  /** Off for a moment with nothing to explain (e.g. while its command is sent). */
  busy?: boolean;
  /** Test id of the reason text. */
  reasonTestId?: string;
  /**
   * The id of an element that already shows `reason` (always visible, e.g. a note under a form):
   * the button points to it instead of showing the reason a second time.
   */
  reasonShownAt?: string;
}

/**
 * A button whose "off" carries its reason to everyone: keyboard users can Tab to it and hear
 * the reason (`aria-describedby`), touch users see it when they tap, mouse users on hover. The
 * reason is not in a `title` (which only a mouse pointer reaches).
 */
export function ReasonButton(props: ReasonButtonProps): ReactNode {
  const { reason, busy = false, reasonTestId, reasonShownAt, onClick, className, ...rest } = props;
  const id = useId();
  const [shown, setShown] = useState(false);
  const off = reason !== null || busy;
  const reasonId = reasonShownAt ?? `${id}-reason`;
  const click = (event: MouseEvent<HTMLButtonElement>) => {
    if (off) {
      event.preventDefault();
      if (reason !== null) setShown(true);
      return;
    }
    onClick?.(event);
  };
  return (
    <span className="ez-reasoned" data-shown={(reason !== null && shown) || undefined}>
      <button
        type="button"
        {...rest}
        className={className ?? 'ez-button'}
        aria-disabled={off || undefined}
        aria-describedby={reason !== null ? reasonId : rest['aria-describedby']}
        onClick={click}
        onBlur={(event) => {
          setShown(false);
          rest.onBlur?.(event);
        }}
      />
      {reason !== null && reasonShownAt === undefined ? (
        <span id={reasonId} className="ez-reason" data-testid={reasonTestId}>
          {reason}
        </span>
      ) : null}
    </span>
  );
}

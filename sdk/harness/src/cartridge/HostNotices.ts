import { createContext, useContext } from 'react';

/**
 * True inside a {@link CanvasHost}: the host already shows the refused-edit banner
 * (`rejected-edit`) and the view-only note, so the canvas should not repeat them (it still gets
 * `rejected` and `readOnly` to adjust its affordances).
 */
export const HostNoticesContext = createContext(false);

/** Whether the surrounding host shows the refused-edit and view-only notices (see {@link HostNoticesContext}). */
export function useHostShowsNotices(): boolean {
  return useContext(HostNoticesContext);
}

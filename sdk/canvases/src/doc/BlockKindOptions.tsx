import { BLOCK_KINDS } from './projectDoc.ts';

/**
 * The `<option>`s of a block-kind `<select>`: every known kind, after `current` when it is a kind
 * this canvas does not know (a block written by a newer client keeps its kind selectable).
 */
export function BlockKindOptions({ current }: { current?: string }) {
  return (
    <>
      {current === undefined || (BLOCK_KINDS as readonly string[]).includes(current) ? null : (
        <option value={current}>{current}</option>
      )}
      {BLOCK_KINDS.map((k) => (
        <option key={k} value={k}>
          {k}
        </option>
      ))}
    </>
  );
}

import { z } from 'zod';

/** ISO-8601 date-time with `Z` or an offset, e.g. `2025-01-02T03:04:05.678Z`. */
export const isoTimestampSchema = z.iso.datetime({
  offset: true,
  error: 'must be an ISO-8601 date-time such as 2025-01-02T03:04:05.678Z',
});

export type IsoTimestamp = z.infer<typeof isoTimestampSchema>;

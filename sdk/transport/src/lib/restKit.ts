import { scopeQuery } from '../scopeQuery.ts';
import { protocolError, requestJson } from './requestJson.ts';
import { answerParser, describeIssues } from './validation.ts';

/**
 * What the lazily loaded REST calls (plugins, jobs, runs) use from the rest of the transport. It is
 * passed in rather than imported, so that bundlers keep each of those modules a leaf chunk that
 * shares nothing with (and so moves nothing out of) the first load.
 */
export const REST_KIT = { requestJson, protocolError, answerParser, describeIssues, scopeQuery } as const;

export type RestKit = typeof REST_KIT;

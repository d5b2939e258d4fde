import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import * as s from '../index.ts';
import { schemaCatalog } from './schemaCatalog.ts';

type Code = s.ErrorCode;

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });

/** Error responses for `codes`, grouped by status, each with the error body schema. */
function errors(...codes: Code[]): Record<string, { description: string; content: ReturnType<typeof json> }> {
  const byStatus = new Map<number, Code[]>();
  for (const code of codes)
    byStatus.set(s.ERROR_CODES[code].status, [...(byStatus.get(s.ERROR_CODES[code].status) ?? []), code]);
  const out: Record<string, { description: string; content: ReturnType<typeof json> }> = {};
  for (const [status, group] of byStatus) {
    out[String(status)] = {
      description: group.map((code) => `\`${code}\`: ${s.ERROR_CODES[code].summary}`).join(' '),
      content: json(s.errorBodySchema),
    };
  }
  return out;
}

const AUTH: Code[] = ['unauthenticated', 'tenant_mismatch', 'forbidden', 'rate_limited', 'unavailable'];
const READ: Code[] = ['validation_failed', ...AUTH, 'not_found'];
const WRITE: Code[] = ['validation_failed', ...AUTH, 'not_found', 'conflict', 'payload_too_large'];

const ok = (description: string, schema: z.ZodType, status = '200') => ({
  [status]: { description, content: json(schema) },
});

const scopeQuery = s.scopeSchema.omit({ canvas_id: true, run_id: true, job_id: true });
const canvasPath = z.object({ canvas_id: s.entityIdSchema });
const projectPath = z.object({ project_id: s.slugSchema });
const pluginPath = z.object({ name: s.pluginNameSchema });
const artifactPath = z.object({ artifact_id: s.opaqueIdSchema });

const streamQuery = scopeQuery.extend({
  after: z.string().max(64).optional().meta({ description: 'Resume after this cursor (same as Last-Event-ID).' }),
  access_token: z.string().optional().meta({ description: 'The bearer token, for EventSource (SSE GETs only).' }),
});
const streamHeaders = z.object({
  'last-event-id': z.string().max(64).optional().meta({ description: 'Resume after this cursor.' }),
});

function stream(summary: string, path: z.ZodObject | undefined, data: z.ZodType): ZodOpenApiOperationObject {
  return {
    summary,
    description:
      'Server-sent events. Durable frames: `id: <cursor>\\nevent: <type>\\ndata: <envelope JSON>`; telemetry frames carry no `id:`. ' +
      'A keep-alive comment at least every 15 s. Filtered by the TokenLens.',
    security: [{ bearerAuth: [] }, { accessToken: [] }],
    requestParams: { ...(path ? { path } : {}), query: streamQuery, header: streamHeaders },
    responses: {
      '200': {
        description: 'The event stream; each `data:` is one of these.',
        content: { 'text/event-stream': { schema: data } },
      },
      ...errors(...READ),
    },
  };
}

function paths(): ZodOpenApiPathsObject {
  return {
    '/v1/commands': {
      post: {
        summary: 'Submit one command (idempotent by command_id)',
        requestBody: { required: true, content: json(s.commandSchema) },
        responses: {
          ...ok('Committed, or a duplicate of an earlier command_id.', s.commandOutcomeSchema),
          ...errors(...WRITE),
        },
      },
    },
    '/v1/commands:batch': {
      post: {
        summary: 'Submit up to 500 commands; one outcome per command, in order',
        requestBody: { required: true, content: json(s.batchRequestSchema) },
        responses: { ...ok('One outcome per command.', s.batchResponseSchema), ...errors(...WRITE) },
      },
    },
    '/v1/canvases/{canvas_id}': {
      get: {
        summary: 'Current materialized state, lens-filtered',
        requestParams: { path: canvasPath, query: scopeQuery },
        responses: { ...ok('The canvas state.', s.canvasStateSchema), ...errors(...READ) },
      },
    },
    '/v1/canvases/{canvas_id}/events': {
      get: stream('One canvas: canvas, chat/turn and job events about it', canvasPath, s.downstreamEventSchema),
    },
    '/v1/canvases/{canvas_id}/revisions': {
      get: {
        summary: 'Commit history of a canvas',
        requestParams: { path: canvasPath, query: scopeQuery },
        responses: { ...ok('Commits and reverts, oldest first.', s.revisionListSchema), ...errors(...READ) },
      },
    },
    '/v1/canvases/{canvas_id}/turns': {
      get: {
        summary: "A canvas's recent agent turns (for a page opened after them)",
        requestParams: {
          path: canvasPath,
          query: scopeQuery.extend({ limit: z.coerce.number().int().min(1).max(50).optional() }),
        },
        responses: {
          ...ok(
            'The durable turn events of the newest turns, in log order, filtered by the lens.',
            s.turnHistorySchema,
          ),
          ...errors(...READ),
        },
      },
    },
    '/v1/realtime': {
      get: stream('The unified timeline of a project (all canvases, runs, jobs)', undefined, s.realtimeMessageSchema),
    },
    '/v1/runs/{run_id}/events': {
      get: stream("One run's events", z.object({ run_id: s.entityIdSchema }), s.downstreamEventSchema),
    },
    '/v1/runs': {
      post: {
        summary: 'Start an agent run',
        requestBody: { required: true, content: json(s.runRequestSchema) },
        responses: { ...ok('The run started.', s.runCreatedSchema, '201'), ...errors(...WRITE) },
      },
    },
    '/v1/runs/{run_id}': {
      get: {
        summary: 'A run: status, task, usage, verdict and the revisions it made',
        requestParams: { path: z.object({ run_id: s.entityIdSchema }), query: scopeQuery },
        responses: { ...ok('The run.', s.runInfoSchema), ...errors(...READ) },
      },
    },
    '/v1/projects/{project_id}/lens': {
      get: {
        summary: "The project's lens policy (the default when none is set)",
        requestParams: { path: projectPath },
        responses: { ...ok('The policy.', s.lensPolicySchema), ...errors(...READ) },
      },
      put: {
        summary: 'Set the lens policy (role admin)',
        requestParams: { path: projectPath },
        requestBody: { required: true, content: json(s.lensPolicySchema) },
        responses: { ...ok('The stored policy.', s.lensPolicySchema), ...errors(...WRITE) },
      },
    },
    '/v1/projects/{project_id}/canvas-types': {
      get: {
        summary: 'Canvas types: built-ins and registered',
        requestParams: { path: projectPath },
        responses: { ...ok('Every canvas type.', s.canvasTypeListSchema), ...errors(...READ) },
      },
    },
    '/v1/projects/{project_id}/canvas-types/{type}': {
      get: {
        summary: 'One canvas type manifest',
        requestParams: { path: projectPath.extend({ type: s.slugSchema }) },
        responses: { ...ok('The manifest.', s.canvasTypeManifestViewSchema), ...errors(...READ) },
      },
      put: {
        summary: 'Register or replace a canvas type (role admin)',
        requestParams: { path: projectPath.extend({ type: s.slugSchema }) },
        requestBody: { required: true, content: json(s.canvasTypeManifestSchema) },
        responses: { ...ok('The stored manifest.', s.canvasTypeManifestViewSchema), ...errors(...WRITE) },
      },
    },
    '/v1/dev/tokens': {
      post: {
        summary: 'Mint a token for a demo actor (dev mode only; absent otherwise)',
        security: [],
        requestBody: { required: true, content: json(s.devTokenRequestSchema) },
        responses: {
          ...ok('The signed JWT.', s.devTokenResponseSchema),
          ...errors('validation_failed', 'not_found', 'rate_limited'),
        },
      },
    },
    '/v1/presence/tickets': {
      post: {
        summary: 'A single-use presence ticket (≤ 60 s) for one canvas',
        requestBody: { required: true, content: json(s.presenceTicketRequestSchema) },
        responses: { ...ok('The ticket.', s.presenceTicketSchema), ...errors(...READ) },
      },
    },
    '/v1/sidecars': {
      post: {
        summary: 'Start a sidecar upload: a presigned PUT bound to size, type and checksum',
        requestBody: { required: true, content: json(s.sidecarCreateRequestSchema) },
        responses: { ...ok('Where to PUT the object.', s.sidecarCreateResponseSchema, '201'), ...errors(...WRITE) },
      },
    },
    '/v1/sidecars/{artifact_id}/complete': {
      post: {
        summary: 'Verify an uploaded sidecar and emit snapshot_created',
        requestParams: { path: artifactPath },
        requestBody: { required: true, content: json(z.object({ scope: s.scopeSchema })) },
        responses: { ...ok('The verified sidecar.', s.snapshotCreatedPayloadSchema), ...errors(...WRITE) },
      },
    },
    '/v1/sidecars/{artifact_id}': {
      get: {
        summary: 'Resolve a sidecar to a presigned GET (lens `resolve` only)',
        requestParams: { path: artifactPath, query: scopeQuery },
        responses: { ...ok('A presigned GET.', s.sidecarResolveResponseSchema), ...errors(...READ) },
      },
    },
    '/v1/plugins': {
      get: {
        summary: "Every plugin's health (always 200)",
        responses: { ...ok('Health of each plugin.', s.pluginListSchema), ...errors('unauthenticated') },
      },
    },
    '/v1/plugins/{name}': {
      get: {
        summary: 'Plugin inspector: metadata, timing percentiles, recent warnings and errors',
        requestParams: { path: pluginPath },
        responses: { ...ok('The inspector view.', s.pluginInspectorSchema), ...errors('unauthenticated', 'not_found') },
      },
    },
    '/v1/plugins/{name}/health': {
      get: {
        summary: "One plugin's health (never 500)",
        requestParams: { path: pluginPath },
        responses: { ...ok('The health.', s.pluginHealthSchema), ...errors('unauthenticated', 'not_found') },
      },
    },
    '/v1/plugins/{name}/tools/{tool}:invoke': {
      post: {
        summary: 'Run one plugin call through the sandbox',
        requestParams: { path: pluginPath.extend({ tool: s.pluginNameSchema }) },
        requestBody: { required: true, content: json(s.pluginInvokeRequestSchema) },
        responses: {
          ...ok('The call ran: its value, or how it failed.', s.pluginInvokeResultSchema),
          ...errors(...WRITE),
        },
      },
    },
    '/v1/jobs': {
      post: {
        summary: 'Start a job (a pipeline of plugin tools)',
        requestBody: { required: true, content: json(s.jobRequestSchema) },
        responses: { ...ok('The job, accepted.', s.extendedJobResponseSchema, '202'), ...errors(...WRITE) },
      },
    },
    '/v1/jobs/{job_id}': {
      get: {
        summary: 'A job',
        requestParams: { path: z.object({ job_id: s.entityIdSchema }), query: scopeQuery },
        responses: { ...ok('The job.', s.extendedJobResponseSchema), ...errors(...READ) },
      },
    },
    '/healthz': {
      get: { summary: 'Liveness', security: [], responses: ok('Alive.', s.healthStatusSchema) },
    },
    '/readyz': {
      get: {
        summary: 'Readiness: storage, bus and plugin host',
        security: [],
        responses: {
          ...ok('Ready.', s.healthStatusSchema),
          '503': { description: 'Not ready.', content: json(s.healthStatusSchema) },
        },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics',
        security: [],
        responses: {
          '200': { description: 'Prometheus text format.', content: { 'text/plain': { schema: z.string() } } },
        },
      },
    },
  };
}

/** The OpenAPI 3.1 document of the HTTP API (contract §§2–12). */
export function buildOpenApi(): unknown {
  const components: Record<string, z.ZodType> = {};
  for (const entry of schemaCatalog()) if (!entry.alias) components[entry.componentName] = entry.schema;
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Easel gateway API',
        version: `${s.PROTOCOL_VERSION}.0.0`,
        description:
          'Truth flows down over SSE from a durable log; intent goes up as typed idempotent HTTP commands. ' +
          'Generated from @easel/schemas by `pnpm schemas:gen`; do not edit by hand.',
      },
      security: [{ bearerAuth: [] }],
      paths: paths(),
      components: {
        schemas: components,
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          accessToken: {
            type: 'apiKey',
            in: 'query',
            name: 'access_token',
            description: 'SSE GETs only (EventSource cannot send headers).',
          },
        },
      },
      'x-error-codes': s.ERROR_CODES,
    },
    { reused: 'inline' },
  );
}

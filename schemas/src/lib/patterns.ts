/** Regular expressions shared by the schemas (contract §1, WIRE-NOTES). Anchored, no backtracking traps. */

/** Scope slug: tenant, project, app, surface, mode, canvas type. */
export const SLUG_PATTERN = '^[a-z0-9][a-z0-9_.-]{0,63}$';
export const SLUG_RE = new RegExp(SLUG_PATTERN);

/** Crockford base32 ULID, upper case. */
export const ULID_PATTERN = '^[0-9A-HJKMNP-TV-Z]{26}$';
export const ULID_RE = new RegExp(ULID_PATTERN);

/** Slug or ULID (canvas_id, run_id, job_id). */
export const ENTITY_ID_PATTERN = '^(?:[a-z0-9][a-z0-9_.-]{0,63}|[0-9A-HJKMNP-TV-Z]{26})$';
export const ENTITY_ID_RE = new RegExp(ENTITY_ID_PATTERN);

/** Client-chosen command id: slug, ULID or UUID all fit. */
export const COMMAND_ID_PATTERN = '^[A-Za-z0-9_.:-]{1,128}$';
export const COMMAND_ID_RE = new RegExp(COMMAND_ID_PATTERN);

/** Token ids, e.g. `plan.title`. */
export const TOKEN_ID_PATTERN = '^[a-z0-9][a-z0-9_.-]{0,127}$';
export const TOKEN_ID_RE = new RegExp(TOKEN_ID_PATTERN);

/** Yjs root type names, e.g. `notes`. */
export const ROOT_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]{0,63}$';
export const ROOT_NAME_RE = new RegExp(ROOT_NAME_PATTERN);

/** Lens globs over token ids, root names and command types; `*` is the only wildcard. */
export const GLOB_PATTERN = '^[A-Za-z0-9_.:*-]{1,128}$';
export const GLOB_RE = new RegExp(GLOB_PATTERN);

/** Role names as they appear in the JWT `roles` claim and lens policies. */
export const ROLE_PATTERN = '^[A-Za-z0-9_.:-]{1,64}$';
export const ROLE_RE = new RegExp(ROLE_PATTERN);

/** Standard base64 with padding (RFC 4648 §4). */
export const BASE64_PATTERN = '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$';
export const BASE64_RE = new RegExp(BASE64_PATTERN);

/** Semver-ish version string: `1.2.3`, `1.2.3-beta.1`, `1.2.3+build`. */
export const SEMVER_PATTERN = '^\\d{1,9}\\.\\d{1,9}\\.\\d{1,9}(?:[-+][0-9A-Za-z.+-]{1,64})?$';
export const SEMVER_RE = new RegExp(SEMVER_PATTERN);

/** Lower-case hex SHA-256. */
export const SHA256_PATTERN = '^[0-9a-f]{64}$';
export const SHA256_RE = new RegExp(SHA256_PATTERN);

/** MIME type `type/subtype` (parameters not allowed). */
export const MIME_PATTERN = '^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,127}$';
export const MIME_RE = new RegExp(MIME_PATTERN);

import { z } from 'zod';
import { rootNameSchema } from './rootNameSchema.ts';

/** Most keys one root may declare as text fields. */
export const MAX_TEXT_FIELDS = 32;

/** A text field key: any non-empty object key (at most 128 characters). */
export const textFieldKeySchema = z
  .string()
  .min(1, { error: 'must be a non-empty object key' })
  .max(128, { error: 'must be at most 128 characters' })
  // state.ops refuses this key (it would become the object's prototype): a text field could never be written.
  .regex(/^(?!__proto__$)/, { error: '"__proto__" is not allowed as a key; rename it' });

/** What a manifest's `text_fields` means (also the generated JSON Schema's description). */
export const TEXT_FIELDS_DESCRIPTION =
  'Object keys that hold collaborative text, per map or array root: `{<root>: [<key>, ...]}`. ' +
  'In `state.ops`, a string written under such a key of an object inside that root (at any depth, ' +
  "e.g. a block's `children`) is stored as a Y.Text holding the string instead of a plain string, so " +
  'concurrent first edits merge; any other value there is refused (400 validation_failed). ' +
  'A raw `state.update` may not set a plain string there either (400 validation_failed). Canvases ' +
  'created before their type declared a text field are converted by the gateway (one durable ' +
  '`state_patch`) when loaded or when the type is registered again. ' +
  'The JSON of the state is unchanged (a Y.Text reads as its string). Optional; extension of contract §5.';

/**
 * `text_fields` of a canvas type manifest: for a map or array root, the object keys inside it whose
 * values are collaborative text (Y.Text). That the roots are declared map/array roots is checked by
 * the manifest schema.
 */
export const textFieldsSchema = z
  .record(
    rootNameSchema,
    z
      .array(textFieldKeySchema)
      .min(1, { error: 'must list at least one key (or leave the root out)' })
      .max(MAX_TEXT_FIELDS, { error: `must list at most ${MAX_TEXT_FIELDS} keys` }),
  )
  .meta({ description: TEXT_FIELDS_DESCRIPTION });

export type TextFields = z.infer<typeof textFieldsSchema>;

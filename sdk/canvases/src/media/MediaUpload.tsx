import type { CommandEmitter } from '@easel/harness';
import { type ChangeEvent, useId, useState } from 'react';
import { addMediaOps } from './mediaOps.ts';
import type { UploadedSidecar } from './SidecarAccess.ts';

type UploadState =
  | { state: 'idle' }
  | { state: 'uploading'; name: string }
  | { state: 'done'; name: string }
  | { state: 'failed'; name: string; message: string };

/**
 * "Upload media": picks files, uploads each as a sidecar of the canvas through the host's
 * `upload` (reserve, PUT to S3, complete) and adds it to the gallery (`state.ops` on `items`,
 * titled with the file name). One file at a time, in the order picked; the first failure stops
 * the rest and is shown with its reason. `data-testid="media-upload"` (the file input).
 */
export function MediaUpload(props: { upload: (file: File) => Promise<UploadedSidecar>; emit: CommandEmitter }) {
  const { upload, emit } = props;
  const inputId = useId();
  const [status, setStatus] = useState<UploadState>({ state: 'idle' });
  const busy = status.state === 'uploading';

  const onChange = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const files = [...(input.files ?? [])];
    input.value = ''; // the same file may be picked again later
    for (const file of files) {
      setStatus({ state: 'uploading', name: file.name });
      const uploaded = await upload(file).catch(
        (error: unknown): UploadedSidecar => ({
          ok: false,
          code: 'network',
          message: error instanceof Error ? error.message : 'the upload failed',
        }),
      );
      if (!uploaded.ok) {
        setStatus({ state: 'failed', name: file.name, message: `${uploaded.message} (${uploaded.code})` });
        return;
      }
      const added = await emit.ops(addMediaOps(uploaded.ref, file.name));
      if (!added.ok) {
        const message = `uploaded, but not added to the gallery: ${added.message} (${added.code})`;
        setStatus({ state: 'failed', name: file.name, message });
        return;
      }
      setStatus({ state: 'done', name: file.name });
    }
  };

  return (
    <div className="easel-media-upload">
      <label htmlFor={inputId} className="easel-media-upload__label">
        Upload media
      </label>
      <input
        id={inputId}
        type="file"
        accept="image/*,video/*,audio/*"
        multiple
        disabled={busy}
        data-testid="media-upload"
        onChange={(event) => void onChange(event)}
      />
      <p className="easel-media-upload__status" role="status" aria-live="polite" data-state={status.state}>
        {status.state === 'uploading'
          ? `Uploading ${status.name}…`
          : status.state === 'done'
            ? `Added ${status.name} to the gallery.`
            : status.state === 'failed'
              ? `Could not upload ${status.name}: ${status.message}`
              : null}
      </p>
    </div>
  );
}

import type { ObjectStore } from './ObjectStore.ts';

/** A store {@link LazyObjectStore} opened, and how to stop what it started (an embedded S3). */
export interface OpenedObjectStore {
  readonly store: ObjectStore;
  stop?(): Promise<void>;
}

/**
 * An object store opened on first use: the first call loads and opens it (`open`), concurrent
 * calls share that opening, and a failed opening is tried again by the next call (the call
 * itself rejects, which the sidecar service answers with 503). Nothing is loaded before, so a
 * gateway that serves no sidecar never pays for the S3 client or an embedded store.
 */
export class LazyObjectStore implements ObjectStore {
  readonly bucket: string;
  readonly #open: () => Promise<OpenedObjectStore>;
  #opening: Promise<OpenedObjectStore> | null = null;
  #closed = false;
  #stopped: Promise<void> = Promise.resolve();

  constructor(bucket: string, open: () => Promise<OpenedObjectStore>) {
    this.bucket = bucket;
    this.#open = open;
  }

  /** True once a call opened the store (or is opening it). */
  get opened(): boolean {
    return this.#opening !== null;
  }

  ensureBucket(): Promise<void> {
    return this.#use((store) => store.ensureBucket());
  }

  presignPut(...args: Parameters<ObjectStore['presignPut']>): ReturnType<ObjectStore['presignPut']> {
    return this.#use((store) => store.presignPut(...args));
  }

  putObject(...args: Parameters<ObjectStore['putObject']>): ReturnType<ObjectStore['putObject']> {
    return this.#use((store) => store.putObject(...args));
  }

  deleteObject(key: string): Promise<void> {
    return this.#use((store) => store.deleteObject(key));
  }

  presignGet(key: string, expiresInSeconds: number): Promise<string> {
    return this.#use((store) => store.presignGet(key, expiresInSeconds));
  }

  head(key: string): ReturnType<ObjectStore['head']> {
    return this.#use((store) => store.head(key));
  }

  sha256Of(key: string, maxBytes: number): Promise<string | null> {
    return this.#use((store) => store.sha256Of(key, maxBytes));
  }

  /** Closes the opened store (after its opening, if one is running) and stops what it started; see {@link stopped}. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const opening = this.#opening;
    if (!opening) return;
    this.#stopped = opening.then(
      async (opened) => {
        opened.store.close();
        await opened.stop?.();
      },
      () => undefined,
    );
  }

  /** Resolves once {@link close} has closed and stopped the opened store. */
  stopped(): Promise<void> {
    return this.#stopped;
  }

  async #use<T>(call: (store: ObjectStore) => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error('the sidecar store is closed');
    let opening = this.#opening;
    if (!opening) {
      const started = this.#open();
      started.catch(() => {
        if (this.#opening === started) this.#opening = null;
      });
      this.#opening = started;
      opening = started;
    }
    return call((await opening).store);
  }
}

/**
 * MediaStreams whose tracks follow the subscriber offers, one per key: a
 * participant (all their publications' tracks together) or one publication.
 * Tracks come and go as offers are answered; `takeChanges` tells which
 * streams changed since it was last asked, and forgets those left empty.
 */
export class RemoteStreams<K> {
  readonly #streams = new Map<string, { key: K; stream: MediaStream }>();
  readonly #changed = new Map<string, K>();

  readonly #idOf: (key: K) => string;
  readonly #createStream: () => MediaStream;

  constructor(idOf: (key: K) => string, createStream: () => MediaStream) {
    this.#idOf = idOf;
    this.#createStream = createStream;
  }

  get(key: K): MediaStream | undefined {
    return this.#streams.get(this.#idOf(key))?.stream;
  }

  add(key: K, track: MediaStreamTrack): void {
    const id = this.#idOf(key);
    let entry = this.#streams.get(id);
    if (!entry) {
      entry = { key, stream: this.#createStream() };
      this.#streams.set(id, entry);
    }
    entry.stream.addTrack(track);
    this.#changed.set(id, key);
  }

  remove(key: K, track: MediaStreamTrack): void {
    const id = this.#idOf(key);
    const entry = this.#streams.get(id);
    if (!entry) return;
    entry.stream.removeTrack(track);
    this.#changed.set(id, key);
  }

  /** Each stream changed since the last call, or null for one left without tracks (it is forgotten). */
  takeChanges(): Array<{ key: K; stream: MediaStream | null }> {
    const changes: Array<{ key: K; stream: MediaStream | null }> = [];
    for (const [id, key] of this.#changed) {
      const entry = this.#streams.get(id);
      if (!entry) continue;
      const empty = entry.stream.getTracks().length === 0;
      if (empty) this.#streams.delete(id);
      changes.push({ key, stream: empty ? null : entry.stream });
    }
    this.#changed.clear();
    return changes;
  }

  /** Forgets every stream; returns the keys that had one. */
  clear(): K[] {
    const keys = [...this.#streams.values()].map((e) => e.key);
    this.#streams.clear();
    this.#changed.clear();
    return keys;
  }
}

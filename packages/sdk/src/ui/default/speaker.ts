/**
 * Active speaker detection from audio levels: one WebAudio AnalyserNode per
 * stream, sampled a few times a second. The loudest stream above a threshold
 * becomes the speaker and keeps it for a short hold time, so the highlight and
 * the spotlight do not flicker.
 */
const SAMPLE_MS = 200; // ms between level samples
const THRESHOLD = 0.015; // RMS of the time-domain signal, 0..1
const HOLD_MS = 1_500; // ms a speaker stays active after falling silent

interface Meter {
  stream: MediaStream;
  source: MediaStreamAudioSourceNode;
  analyser: AnalyserNode;
  lastLoud: number;
}

export class ActiveSpeaker {
  #ctx: AudioContext | undefined;
  #meters = new Map<string, Meter>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #buffer = new Float32Array(512);
  #current: string | undefined;

  constructor(private readonly onChange: (uid: string | undefined) => void) {}

  get current(): string | undefined {
    return this.#current;
  }

  /** Measures `stream` for `uid` (null stops measuring it). */
  track(uid: string, stream: MediaStream | null): void {
    const old = this.#meters.get(uid);
    const hasAudio = (stream?.getAudioTracks().length ?? 0) > 0;
    if (old && old.stream === stream && hasAudio) return;
    if (old) {
      old.source.disconnect();
      this.#meters.delete(uid);
    }
    if (!stream || !hasAudio) return;
    const ctx = this.#context();
    if (!ctx) return;
    try {
      const source = ctx.createMediaStreamSource(stream);
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 512;
      source.connect(analyser); // analysed only, never played: the <video> plays it
      this.#meters.set(uid, { stream, source, analyser, lastLoud: 0 });
    } catch {
      // a stream without a usable audio track
    }
    this.#timer ??= setInterval(() => this.#sample(), SAMPLE_MS);
  }

  /** The RMS level of each measured stream now (for tests and debugging). */
  levels(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [uid, m] of this.#meters) out[uid] = this.#level(m);
    return out;
  }

  /** Stops every meter and the audio context; idempotent. */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const m of this.#meters.values()) m.source.disconnect();
    this.#meters.clear();
    this.#ctx?.close().catch(() => undefined);
    this.#ctx = undefined;
  }

  #context(): AudioContext | undefined {
    if (this.#ctx) return this.#ctx;
    if (typeof AudioContext === 'undefined') return undefined;
    this.#ctx = new AudioContext();
    return this.#ctx;
  }

  #level(m: Meter): number {
    if (!m.stream.getAudioTracks().some((t) => t.enabled && t.readyState === 'live')) return 0;
    m.analyser.getFloatTimeDomainData(this.#buffer);
    let sum = 0;
    for (const v of this.#buffer) sum += v * v;
    return Math.sqrt(sum / this.#buffer.length);
  }

  #sample(): void {
    if (this.#ctx?.state === 'suspended') this.#ctx.resume().catch(() => undefined);
    const now = Date.now();
    let loudest: string | undefined;
    let max = THRESHOLD;
    for (const [uid, m] of this.#meters) {
      const level = this.#level(m);
      if (level >= THRESHOLD) m.lastLoud = now;
      if (level > max) {
        max = level;
        loudest = uid;
      }
    }
    const cur = this.#current ? this.#meters.get(this.#current) : undefined;
    const holding = cur && now - cur.lastLoud < HOLD_MS;
    const next = holding && (!loudest || loudest === this.#current) ? this.#current : (loudest ?? (holding ? this.#current : undefined));
    if (next !== this.#current) {
      this.#current = next;
      this.onChange(next);
    }
  }
}

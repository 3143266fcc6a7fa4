/**
 * The recordings of one call, below the recent calls. While one of them is
 * still being recorded or processed the list is fetched again every second;
 * a ready recording keeps its element, so a playing video is not reloaded.
 */
import type { Recording } from '@parley/protocol';
import { errorMessage } from './format.ts';
import type { PageElements } from './page.ts';
import { recordingItem } from './recording-item.ts';
import { listRecordings } from './server-api.ts';

const REFRESH_MS = 1000;
const EMPTY_TEXT = 'No recordings of this call. Use the record button during a call.';

export class RecordingsPanel {
  /** The call whose recordings are shown; undefined once closed. */
  private shown: string | undefined;
  /** Counts show() and close() calls, so an answer that arrives after a newer one is dropped. */
  private generation = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly elements: PageElements['recordings']) {}

  get sessionId(): string | undefined {
    return this.shown;
  }

  async show(sessionId: string, authToken: string): Promise<void> {
    const generation = this.restart();
    if (this.shown !== sessionId) this.elements.list.replaceChildren();
    this.shown = sessionId;
    this.elements.section.hidden = false;
    this.elements.session.textContent = sessionId;
    let recordings: Recording[];
    try {
      recordings = (await listRecordings(authToken, sessionId)).items;
    } catch (error) {
      if (generation !== this.generation) return;
      this.elements.list.replaceChildren();
      this.elements.empty.textContent = errorMessage(error);
      this.elements.empty.hidden = false;
      return;
    }
    if (generation !== this.generation) return;
    this.render(recordings);
    if (recordings.some((r) => r.status === 'recording' || r.status === 'processing')) {
      this.refreshTimer = setTimeout(() => void this.show(sessionId, authToken), REFRESH_MS);
    }
  }

  /** Stops refreshing and forgets the call (the user left the lobby). */
  close(): void {
    this.restart();
    this.shown = undefined;
  }

  private restart(): number {
    clearTimeout(this.refreshTimer);
    return ++this.generation;
  }

  private render(recordings: Recording[]): void {
    const kept = new Map<string, HTMLElement>();
    for (const li of this.elements.list.children) {
      if (li instanceof HTMLElement && li.dataset.recordingId) kept.set(li.dataset.recordingId, li);
    }
    const items = recordings.map((recording, i) => {
      const old = kept.get(recording.id);
      return old?.dataset.status === 'ready' && recording.status === 'ready' ? old : recordingItem(recording, i + 1);
    });
    this.elements.list.replaceChildren(...items);
    this.elements.empty.textContent = EMPTY_TEXT;
    this.elements.empty.hidden = recordings.length > 0;
  }
}

/**
 * A past call's quality, below its recordings in the lobby: a chart per
 * participant (quality-chart.ts) from `GET /v1/calls/:sessionId/quality`,
 * which the user's auth token may read for the calls they were in.
 */
import type { CallQuality } from '@parley/protocol';
import type uPlot from 'uplot';
import { errorMessage } from './format.ts';
import type { PageElements } from './page.ts';
import { qualityChart } from './quality-chart.ts';
import { getCallQuality } from './server-api.ts';

export class QualityPanel {
  private charts: uPlot[] = [];
  /** Counts show() and close() calls, so an answer that arrives after a newer one is dropped. */
  private generation = 0;

  constructor(private readonly elements: PageElements['quality']) {}

  async show(sessionId: string, authToken: string): Promise<void> {
    const generation = ++this.generation;
    this.clear();
    this.elements.section.hidden = false;
    this.elements.session.textContent = sessionId;
    this.elements.empty.hidden = true;
    let quality: CallQuality;
    try {
      quality = await getCallQuality(authToken, sessionId);
    } catch (error) {
      if (generation !== this.generation) return;
      this.say(errorMessage(error));
      return;
    }
    if (generation !== this.generation) return;
    const people = quality.participants.filter((p) => p.samples.length > 0);
    if (people.length === 0) {
      this.say('No quality samples for this call (they are kept for a week).');
      return;
    }
    for (const person of people) {
      const li = document.createElement('li');
      const title = document.createElement('h3');
      title.textContent = `${person.name} · ${person.samples.length} samples`;
      const plot = document.createElement('div');
      plot.className = 'quality-plot';
      plot.dataset.qualityPlot = person.uid;
      plot.dataset.samples = String(person.samples.length);
      li.append(title, plot);
      this.elements.list.append(li);
      this.charts.push(qualityChart(plot, person));
    }
  }

  close(): void {
    this.generation++;
    this.clear();
    this.elements.section.hidden = true;
  }

  private clear(): void {
    for (const chart of this.charts) chart.destroy();
    this.charts = [];
    this.elements.list.replaceChildren();
  }

  private say(text: string): void {
    this.elements.empty.textContent = text;
    this.elements.empty.hidden = false;
  }
}

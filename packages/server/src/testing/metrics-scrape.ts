/** For tests: /metrics scraped and parsed with a Prometheus text-format parser, and read by name and labels. */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export type Families = ReturnType<typeof parsePrometheusTextFormat>;

export async function scrape(url: string, token?: string): Promise<Families> {
  const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  if (response.status !== 200) throw new Error(`scraping ${url}: ${response.status} ${await response.text()}`);
  return parsePrometheusTextFormat(await response.text());
}

/** A counter's or gauge's value for these labels (0 when the series does not exist yet). */
export function sampleValue(families: Families, name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  if (!family) throw new Error(`no metric ${name}`);
  const sample = family.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return Number(sample?.value ?? 0);
}

/** How many observations a histogram has. (The parser folds a histogram's label sets into one: ours have no labels.) */
export function observations(families: Families, name: string): number {
  const family = families.find((f) => f.name === name);
  if (!family) throw new Error(`no metric ${name}`);
  return family.metrics.reduce((n, m) => n + Number(m.count ?? 0), 0);
}

/** Every label value of every series: a test checks no user or session id is among them. */
export function labelValues(families: Families): string[] {
  return families.flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {})));
}

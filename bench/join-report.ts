/** Markdown tables for bench/join.ts: per-phase percentiles of many joins. */
import type { Marks, Phase } from './page/timeline.ts';

/** Nearest-rank percentile (with 10 samples, p95 is the largest). */
export function percentile(values: number[], p: number): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function valuesOf(joins: Marks[], phase: Phase): number[] {
  return joins.map((m) => m[phase]).filter((v): v is number => v !== undefined);
}

function ms(v: number | undefined): string {
  return v === undefined ? '—' : `${v.toFixed(0)} ms`;
}

export interface PhaseRow {
  phase: Phase;
  label: string;
}

/** Joins of one kind (Parley, a second SDK build, the bare client), named as their columns are headed. */
export interface Series {
  name: string;
  joins: Marks[];
}

/** One row per phase, a p50 and a p95 column per series (Parley's since startSession(), the bare client's since its subscribe request). */
export function phaseTable(rows: PhaseRow[], series: Series[]): string {
  const lines = [
    `| phase | ${series.map((s) => `${s.name} p50 | ${s.name} p95`).join(' | ')} |`,
    `| --- |${' ---: | ---: |'.repeat(series.length)}`,
  ];
  for (const { phase, label } of rows) {
    const cells = series.map((s) => {
      const v = valuesOf(s.joins, phase);
      return `${ms(percentile(v, 50))} | ${ms(percentile(v, 95))}`;
    });
    lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** "Parley p50 / bare p50 = 2.4×" for the phase both are judged by. */
export function ratioLine(phase: Phase, parley: Marks[], bare: Marks[], name = 'Parley', bareName = 'bare Janus'): string {
  const p = percentile(valuesOf(parley, phase), 50);
  const b = percentile(valuesOf(bare, phase), 50);
  if (p === undefined || b === undefined) return 'ratio: not measured';
  return `${name} p50 / ${bareName} p50 = ${p.toFixed(0)} / ${b.toFixed(0)} ms = **${(p / b).toFixed(2)}×**`;
}

/**
 * The pure parts of bench:forwarding: reading a process's CPU time and memory
 * from /proc, turning CPU seconds and forwarded packets into the figures the
 * bench reports, and editing a generated Janus config for a variant.
 */

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux that matters). */
export const CLOCK_TICKS = 100;

/**
 * User + system CPU seconds from the text of /proc/<pid>/stat. The command
 * name (field 2) is in parentheses and may hold spaces and parentheses, so the
 * fields are counted from the last `)`: utime and stime are fields 14 and 15.
 */
export function cpuSecondsOf(stat: string): number {
  const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // `after` starts at field 3 (state): field n is after[n - 3].
  const utime = Number(after[11]);
  const stime = Number(after[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 80)}`);
  return (utime + stime) / CLOCK_TICKS;
}

/** Resident memory in MB from the text of /proc/<pid>/status (VmRSS). */
export function rssMbOf(status: string): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (kb === undefined) throw new Error('no VmRSS in /proc/<pid>/status');
  return Number(kb) / 1024;
}

export interface ForwardingCost {
  /** CPU seconds Janus spent per 1,000 packets it forwarded. */
  cpuSecondsPer1000: number;
  /** Packets one fully busy core would forward per second at that cost. */
  packetsPerCoreSecond: number;
}

/** What `cpuSeconds` of Janus for `packets` forwarded packets means per packet and per core. */
export function forwardingCost(cpuSeconds: number, packets: number): ForwardingCost {
  if (packets <= 0 || cpuSeconds <= 0) throw new Error(`nothing to divide: ${cpuSeconds} CPU s for ${packets} packets`);
  return { cpuSecondsPer1000: (cpuSeconds * 1000) / packets, packetsPerCoreSecond: packets / cpuSeconds };
}

/**
 * How far one RTP stream's sequence numbers advanced: the packets its sender
 * sent, counted at the receiver, including those lost on the way (a receiver
 * too busy to read its socket still sees the numbers move on). Wraps at 2^16;
 * a number from behind (reordered, or a retransmission) does not count.
 */
export class SequenceSpan {
  #last: number | undefined;
  #advanced = 0;

  see(sequenceNumber: number): void {
    if (this.#last === undefined) {
      this.#last = sequenceNumber;
      return;
    }
    const delta = (sequenceNumber - this.#last + 65_536) % 65_536;
    if (delta === 0 || delta >= 32_768) return;
    this.#advanced += delta;
    this.#last = sequenceNumber;
  }

  /** Packets sent since the first one seen (not counting it). */
  get advanced(): number {
    return this.#advanced;
  }
}

/** Settings of a jcfg file by section: `{ media: { nack_optimizations: 'true' } }` (values as jcfg text). */
export type JcfgSettings = Record<string, Record<string, string>>;

/**
 * `jcfg` with each setting set: an existing `key = …` line of the section is
 * replaced, a missing key is added as the section's first line, a missing
 * section is added at the end. Works on the flat `name: { … }` sections the
 * generator writes (janus-config.ts), not on nested ones.
 */
export function withSettings(jcfg: string, settings: JcfgSettings): string {
  let text = jcfg;
  for (const [section, values] of Object.entries(settings)) {
    const open = new RegExp(`^${section}: \\{\\n`, 'm').exec(text);
    if (!open) {
      const lines = Object.entries(values).map(([k, v]) => `\t${k} = ${v}\n`).join('');
      text = `${text.trimEnd()}\n${section}: {\n${lines}}\n`;
      continue;
    }
    const bodyStart = open.index + open[0].length;
    const bodyEnd = text.indexOf('\n}', bodyStart - 1) + 1;
    let body = text.slice(bodyStart, bodyEnd);
    for (const [key, value] of Object.entries(values)) {
      const line = new RegExp(`^\\t${key} = .*$`, 'm');
      body = line.test(body) ? body.replace(line, `\t${key} = ${value}`) : `\t${key} = ${value}\n${body}`;
    }
    text = text.slice(0, bodyStart) + body + text.slice(bodyEnd);
  }
  return text;
}

/**
 * The NAT testbed of scripts/nat-testbed.sh, for tests: homes behind
 * masquerading routers, and the current (private, scripts/in-netns.sh)
 * namespace as the "public" side where the server, Janus and coturn listen.
 * Each testbed has a unique name; `destroy()` (in afterAll) removes it, and a
 * testbed whose test process died without that is removed by the next one.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../../scripts/nat-testbed.sh', import.meta.url));

export interface NatHome {
  name: string;
  /** Its network namespace: where its browser runs. */
  ns: string;
  /** Its router's namespace. */
  router: string;
  /** Its own (LAN) address. */
  address: string;
  /** Its router's address on the public side: what servers see it come from. */
  publicAddress: string;
}

interface Description {
  name: string;
  pub: { address: string; interface: string };
  homes: Record<string, NatHome>;
}

async function script(...args: string[]): Promise<string> {
  try {
    return (await run('bash', [SCRIPT, ...args])).stdout;
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`nat-testbed.sh ${args.join(' ')} failed: ${stderr?.trim() || String(error)}`);
  }
}

/**
 * Why the testbed cannot be built here, or undefined when it can. It needs
 * real root (a user namespace's root cannot make named namespaces) and must
 * run inside scripts/in-netns.sh, whose namespace becomes the public side.
 */
export async function natTestbedUnavailable(): Promise<string | undefined> {
  if (process.env.PARLEY_IN_NETNS !== '1') return 'it runs inside scripts/in-netns.sh (npm test does that)';
  if (process.getuid?.() !== 0) return 'it needs root';
  const probe = `pnat-${process.pid}-probe`;
  try {
    await run('ip', ['netns', 'add', probe]);
    await run('ip', ['netns', 'del', probe]);
  } catch {
    return 'named network namespaces cannot be made here (root in a user namespace is not enough)';
  }
  try {
    await run('nft', ['--version']);
  } catch {
    return 'nft is missing (apt-get install nftables; scripts/setup.sh does it)';
  }
  return undefined;
}

export class NatTestbed {
  readonly name: string;
  /** The public side: the address the server listens on, and its interface (for PARLEY_MEDIA_INTERFACE). */
  readonly pub: { address: string; interface: string };
  readonly #homes: Map<string, NatHome>;
  #destroyed: Promise<void> | undefined;

  private constructor(description: Description) {
    this.name = description.name;
    this.pub = description.pub;
    this.#homes = new Map(Object.entries(description.homes));
  }

  /** Builds a testbed with one home (behind its own router) per name. */
  static async create(homes: string[]): Promise<NatTestbed> {
    const name = `pnat-${process.pid}-${randomBytes(3).toString('hex')}`;
    return new NatTestbed(JSON.parse(await script('up', name, ...homes)) as Description);
  }

  /** A home as it is now (its addresses change with changeAddress). */
  home(name: string): NatHome {
    const home = this.#homes.get(name);
    if (!home) throw new Error(`no home ${name} in testbed ${this.name}`);
    return home;
  }

  /** The home's uplink goes down: nothing gets in or out until linkUp. */
  async linkDown(home: string): Promise<void> {
    await script('link-down', this.name, this.home(home).name);
  }

  async linkUp(home: string): Promise<void> {
    await script('link-up', this.name, this.home(home).name);
  }

  /** The home moves to another network: a new public address (NAT mappings gone) and a new LAN address. */
  async changeAddress(home: string): Promise<NatHome> {
    const moved = JSON.parse(await script('change-address', this.name, this.home(home).name)) as NatHome;
    this.#homes.set(home, moved);
    return moved;
  }

  /**
   * `strict`: the home's router forwards no UDP at all, and TCP only to
   * `allowTcpPorts` (a corporate network that lets only the web through).
   * `open` takes that away again.
   */
  async firewall(home: string, mode: 'open' | 'strict', allowTcpPorts: number[] = []): Promise<void> {
    await script('firewall', this.name, this.home(home).name, mode, ...allowTcpPorts.map(String));
  }

  /** Runs a program inside a home (its network only); resolves with its stdout. */
  async execIn(home: string, file: string, args: string[], timeoutMs = 10_000): Promise<string> {
    return (await run('ip', ['netns', 'exec', this.home(home).ns, file, ...args], { timeout: timeoutMs })).stdout;
  }

  /** Kills whatever still runs in its namespaces and deletes them. Idempotent. */
  destroy(): Promise<void> {
    this.#destroyed ??= script('down', this.name).then(() => undefined);
    return this.#destroyed;
  }
}

import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import type { NetworkInterfaceInfo } from 'node:os';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectMediaInterface, writeJanusConfig } from './janus-config.ts';
import { findJanusLibDir } from './janus-lib-dir.ts';

const ifaces = (list: Record<string, Array<Partial<NetworkInterfaceInfo>>>) =>
  list as NodeJS.Dict<NetworkInterfaceInfo[]>;

describe('writeJanusConfig', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the port, interface, admin key, and enables only videoroom and websockets', async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-cfg-'));
    await writeJanusConfig({
      dir,
      wsPort: 18_777,
      rtpPortRange: { min: 40_000, max: 40_199 },
      mediaInterface: { name: 'eth7', address: '10.9.8.7' },
      adminKey: 'sekrit-key',
      libDir: '/opt/janus/lib/janus',
    });
    const core = await readFile(join(dir, 'janus.jcfg'), 'utf8');
    const ws = await readFile(join(dir, 'janus.transport.websockets.jcfg'), 'utf8');
    const room = await readFile(join(dir, 'janus.plugin.videoroom.jcfg'), 'utf8');

    expect(core).toContain(`configs_folder = "${dir}"`);
    expect(core).toContain('plugins_folder = "/opt/janus/lib/janus/plugins"');
    expect(core).toContain('transports_folder = "/opt/janus/lib/janus/transports"');
    expect(core).toContain('rtp_port_range = "40000-40199"');
    expect(core).toContain('ice_enforce_list = "eth7"');
    expect(core).toContain('interface = "10.9.8.7"');
    expect(core).toContain('full_trickle = true');
    expect(core).toContain('ignore_mdns = true');
    const disabled = (section: string) => core.match(new RegExp(`${section}: \\{[^}]*disable = "([^"]*)"`))?.[1] ?? '';
    expect(disabled('plugins')).toContain('libjanus_echotest.so');
    expect(disabled('plugins')).not.toContain('videoroom');
    expect(disabled('transports')).toContain('libjanus_http.so');
    expect(disabled('transports')).not.toContain('websockets');
    expect(disabled('loggers')).toContain('libjanus_jsonlog.so');
    expect(core).toContain('broadcast = false');
    // Handles share one media loop per core (cheaper forwarding than a thread each: bench:forwarding).
    expect(core).toContain(`event_loops = ${availableParallelism()}`);

    expect(ws).toContain('ws_port = 18777');
    expect(ws).toContain('ws_ip = "127.0.0.1"');
    expect(ws).toContain('json = "compact"');
    expect(ws).toContain('admin_ws = false');

    expect(room).toContain('admin_key = "sekrit-key"');
    expect(room).not.toMatch(/room-\d+/);
    expect((await stat(join(dir, 'janus.plugin.videoroom.jcfg'))).mode & 0o077).toBe(0);
  });

  it('announces the public address behind 1:1 NAT only when given one (PARLEY_PUBLIC_IP)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-cfg-'));
    const base = { dir, wsPort: 18_777, rtpPortRange: { min: 40_000, max: 40_199 }, mediaInterface: { name: 'eth7', address: '10.9.8.7' }, adminKey: 'k', libDir: '/usr/lib/janus' };
    await writeJanusConfig(base);
    expect(await readFile(join(dir, 'janus.jcfg'), 'utf8')).not.toContain('nat_1_1_mapping');
    await writeJanusConfig({ ...base, publicIp: '203.0.113.7' });
    expect(await readFile(join(dir, 'janus.jcfg'), 'utf8')).toMatch(/nat: \{[^}]*nat_1_1_mapping = "203\.0\.113\.7"/);
  });

  it("turns on only the WebSocket event handler, for media events to the server's endpoint, when given one", async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-cfg-'));
    const base = { dir, wsPort: 1, rtpPortRange: { min: 1, max: 2 }, mediaInterface: { name: 'x', address: '1.2.3.4' }, adminKey: 'k', libDir: '/usr/lib/janus' };
    await writeJanusConfig(base);
    expect(await readFile(join(dir, 'janus.jcfg'), 'utf8')).toMatch(/events: \{\n\tbroadcast = false\n\tdisable = "[^"]*libjanus_wsevh\.so/);
    await expect(stat(join(dir, 'janus.eventhandler.wsevh.jcfg'))).rejects.toThrow();

    await writeJanusConfig({ ...base, eventsUrl: 'ws://127.0.0.1:4567/janus-events/t0ken' });
    const core = await readFile(join(dir, 'janus.jcfg'), 'utf8');
    const events = core.match(/events: \{[^}]*\}/)?.[0] ?? '';
    expect(events).toContain('broadcast = true');
    expect(events).toContain('combine_media_stats = true');
    expect(events).toMatch(/stats_period = [1-9]/);
    expect(events).toContain('libjanus_sampleevh.so');
    expect(events).not.toContain('libjanus_wsevh.so');
    const wsevh = await readFile(join(dir, 'janus.eventhandler.wsevh.jcfg'), 'utf8');
    expect(wsevh).toContain('enabled = true');
    expect(wsevh).toContain('events = "media"');
    expect(wsevh).toContain('backend = "ws://127.0.0.1:4567/janus-events/t0ken"');
    expect((await stat(join(dir, 'janus.eventhandler.wsevh.jcfg'))).mode & 0o077).toBe(0);
  });

  it('disables every plugin and transport Debian ships except ours', async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-cfg-'));
    await writeJanusConfig({
      dir,
      wsPort: 1,
      rtpPortRange: { min: 1, max: 2 },
      mediaInterface: { name: 'x', address: '1.2.3.4' },
      adminKey: 'k',
      libDir: '/usr/lib/janus',
    });
    const core = await readFile(join(dir, 'janus.jcfg'), 'utf8');
    const { readdir } = await import('node:fs/promises');
    for (const kind of ['plugins', 'transports'] as const) {
      const shipped = await readdir(`${findJanusLibDir() ?? '/usr/lib/janus'}/${kind}`).catch(() => [] as string[]);
      for (const file of shipped.filter((f) => f.endsWith('.so'))) {
        const ours = file === 'libjanus_videoroom.so' || file === 'libjanus_websockets.so';
        expect(core.includes(file), file).toBe(!ours);
      }
    }
  });
});

describe('detectMediaInterface', () => {
  const machine = ifaces({
    lo: [{ family: 'IPv4', address: '127.0.0.1', internal: true }],
    eth0: [
      { family: 'IPv6', address: 'fe80::1', internal: false },
      { family: 'IPv4', address: '192.0.2.2', internal: false },
    ],
    pa: [{ family: 'IPv4', address: '10.77.0.1', internal: false }],
  });

  it('picks the first non-loopback IPv4 interface', () => {
    expect(detectMediaInterface(undefined, machine)).toEqual({ name: 'eth0', address: '192.0.2.2' });
  });

  it('accepts an interface name or an address', () => {
    expect(detectMediaInterface('pa', machine)).toEqual({ name: 'pa', address: '10.77.0.1' });
    expect(detectMediaInterface('10.77.0.1', machine)).toEqual({ name: 'pa', address: '10.77.0.1' });
  });

  it('fails clearly when nothing fits', () => {
    expect(() => detectMediaInterface('wlan9', machine)).toThrow(/PARLEY_MEDIA_INTERFACE=wlan9.*eth0/);
    expect(() => detectMediaInterface(undefined, ifaces({ lo: machine.lo ?? [] }))).toThrow(/PARLEY_MEDIA_INTERFACE/);
  });

  it('finds something on this machine', () => {
    expect(detectMediaInterface().address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });
});

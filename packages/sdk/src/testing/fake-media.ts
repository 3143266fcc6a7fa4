/**
 * A MediaHandler for Node tests: fake tracks, streams and peer connections
 * that record what the SDK did with them. Fake SDP lists one `m=<kind> <mid>`
 * line per media section, so a fake subscriber offer creates its receivers.
 */
import type { IceCandidateEventLike, MediaHandler, PeerConnectionLike, RtpTransceiverLike } from '../media/media-handler.ts';

let nextId = 1;

export class FakeTrack {
  readonly id = `track-${nextId++}`;
  enabled = true;
  readyState: 'live' | 'ended' = 'live';
  constructor(
    readonly kind: 'audio' | 'video',
    readonly settings: MediaTrackSettings = {},
  ) {}
  stop(): void {
    this.readyState = 'ended';
  }
  getSettings(): MediaTrackSettings {
    return this.settings;
  }
}

export class FakeStream {
  readonly id = `stream-${nextId++}`;
  #tracks: FakeTrack[];
  constructor(tracks: FakeTrack[] = []) {
    this.#tracks = [...tracks];
  }
  getTracks(): FakeTrack[] {
    return [...this.#tracks];
  }
  getAudioTracks(): FakeTrack[] {
    return this.#tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks(): FakeTrack[] {
    return this.#tracks.filter((t) => t.kind === 'video');
  }
  addTrack(track: FakeTrack): void {
    if (!this.#tracks.includes(track)) this.#tracks.push(track);
  }
  removeTrack(track: FakeTrack): void {
    this.#tracks = this.#tracks.filter((t) => t !== track);
  }
}

export class FakeTransceiver {
  mid: string | null;
  direction: RTCRtpTransceiverDirection;
  readonly receiver: { track: FakeTrack };
  readonly sender: { track: FakeTrack | null; replaced: Array<FakeTrack | null>; replaceTrack(t: FakeTrack | null): Promise<void> };
  constructor(kind: 'audio' | 'video', mid: string | null, direction: RTCRtpTransceiverDirection, track: FakeTrack | null) {
    this.mid = mid;
    this.direction = direction;
    this.receiver = { track: new FakeTrack(kind) };
    const sender = {
      track,
      replaced: [] as Array<FakeTrack | null>,
      async replaceTrack(t: FakeTrack | null) {
        sender.track = t;
        sender.replaced.push(t);
      },
    };
    this.sender = sender;
  }
}

export function fakeSdp(sections: Array<{ mid: string; kind: 'audio' | 'video' }>): string {
  return ['v=0', ...sections.map((s) => `m=${s.kind} ${s.mid}`)].join('\n');
}

export class FakePeerConnection {
  connectionState: RTCPeerConnectionState = 'new';
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  onicecandidate: ((event: IceCandidateEventLike) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  readonly transceivers: FakeTransceiver[] = [];
  readonly remoteCandidates: Array<RTCIceCandidateInit | undefined> = [];
  closed = false;
  /** Every configuration given after the connection was made (new TURN credentials), oldest first. */
  readonly configurations: RTCConfiguration[] = [];

  constructor(readonly config?: RTCConfiguration) {}

  setConfiguration(config: RTCConfiguration): void {
    this.configurations.push(config);
  }

  addTransceiver(trackOrKind: FakeTrack | 'audio' | 'video', init: RTCRtpTransceiverInit): FakeTransceiver {
    const kind = typeof trackOrKind === 'string' ? trackOrKind : trackOrKind.kind;
    const track = typeof trackOrKind === 'string' ? null : trackOrKind;
    const t = new FakeTransceiver(kind, null, init.direction ?? 'sendrecv', track);
    this.transceivers.push(t);
    return t;
  }
  getTransceivers(): FakeTransceiver[] {
    return [...this.transceivers];
  }
  getSenders(): FakeTransceiver['sender'][] {
    return this.transceivers.filter((t) => t.direction !== 'recvonly').map((t) => t.sender);
  }
  async createOffer(): Promise<RTCSessionDescriptionInit> {
    this.transceivers.forEach((t, i) => {
      t.mid ??= String(i);
    });
    return { type: 'offer', sdp: fakeSdp(this.transceivers.map((t) => ({ mid: t.mid ?? '', kind: t.receiver.track.kind }))) };
  }
  async createAnswer(): Promise<RTCSessionDescriptionInit> {
    return { type: 'answer', sdp: `answer\n${this.remoteDescription?.sdp ?? ''}` };
  }
  async setLocalDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.localDescription = description;
    // Gather one candidate, then finish, as a browser would after this call.
    setTimeout(() => {
      if (this.closed) return;
      this.onicecandidate?.({ candidate: { toJSON: () => ({ candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 }) } });
      this.onicecandidate?.({ candidate: null });
    }, 0);
  }
  async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.remoteDescription = description;
    if (description.type !== 'offer') return;
    for (const line of (description.sdp ?? '').split('\n')) {
      const match = /^m=(audio|video) (\S+)$/.exec(line);
      if (!match) continue;
      const [, kind, mid] = match as unknown as [string, 'audio' | 'video', string];
      if (!this.transceivers.some((t) => t.mid === mid)) this.transceivers.push(new FakeTransceiver(kind, mid, 'recvonly', null));
    }
  }
  async addIceCandidate(candidate?: RTCIceCandidateInit): Promise<void> {
    if (!this.remoteDescription) throw new Error('InvalidStateError: no remote description');
    this.remoteCandidates.push(candidate);
  }
  /** What getStats() reports, by id: tests put in an inbound-rtp that has decoded frames, say. */
  stats = new Map<string, Record<string, unknown>>();
  async getStats(): Promise<RTCStatsReport> {
    return new Map(this.stats) as unknown as RTCStatsReport;
  }
  /** Tests drive the connection state with this. */
  setConnectionState(state: RTCPeerConnectionState): void {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }
  close(): void {
    this.closed = true;
    this.connectionState = 'closed';
  }
}

export interface FakeDevice {
  kind: MediaDeviceKind;
  deviceId: string;
  label: string;
}

export class FakeMediaHandler implements MediaHandler {
  readonly gumCalls: MediaStreamConstraints[] = [];
  readonly peerConnections: FakePeerConnection[] = [];
  readonly openedTracks: FakeTrack[] = [];
  readonly sinks: Array<{ element: HTMLMediaElement; deviceId: string }> = [];
  devices: FakeDevice[] = [
    { kind: 'audioinput', deviceId: 'mic1', label: 'Built-in Microphone' },
    { kind: 'videoinput', deviceId: 'cam1', label: 'Front Camera' },
    { kind: 'videoinput', deviceId: 'cam2', label: 'Back Camera' },
    { kind: 'audiooutput', deviceId: 'default', label: 'Default - Speakers' },
    { kind: 'audiooutput', deviceId: 'hp', label: 'USB Headset' },
  ];
  /** Set to make getUserMedia fail. */
  failWith: Error | undefined;
  /** Set to hold getUserMedia until it resolves (a person slow to allow the camera). */
  openGate: Promise<void> | undefined;
  #deviceListeners = new Set<() => void>();

  async getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
    this.gumCalls.push(constraints);
    await this.openGate;
    if (this.failWith) throw this.failWith;
    const tracks: FakeTrack[] = [];
    if (constraints.audio) tracks.push(new FakeTrack('audio', { deviceId: 'mic1' }));
    if (constraints.video) {
      const wanted = (constraints.video as MediaTrackConstraints).deviceId as { exact?: string } | undefined;
      tracks.push(new FakeTrack('video', { deviceId: wanted?.exact ?? 'cam1' }));
    }
    this.openedTracks.push(...tracks);
    return new FakeStream(tracks) as unknown as MediaStream;
  }
  createPeerConnection(config?: RTCConfiguration): PeerConnectionLike {
    const pc = new FakePeerConnection(config);
    this.peerConnections.push(pc);
    return pc as unknown as PeerConnectionLike;
  }
  createMediaStream(tracks?: MediaStreamTrack[]): MediaStream {
    return new FakeStream(tracks as unknown as FakeTrack[]) as unknown as MediaStream;
  }
  async enumerateDevices(): Promise<MediaDeviceInfo[]> {
    return this.devices.map((d) => ({ ...d, groupId: '', toJSON: () => d })) as MediaDeviceInfo[];
  }
  async setSinkId(element: HTMLMediaElement, deviceId: string): Promise<void> {
    this.sinks.push({ element, deviceId });
  }
  onDeviceChange(listener: () => void): () => void {
    this.#deviceListeners.add(listener);
    return () => this.#deviceListeners.delete(listener);
  }
  /** Tests call this to simulate plugging a device in or out. */
  changeDevices(devices: FakeDevice[]): void {
    this.devices = devices;
    for (const l of this.#deviceListeners) l();
  }
  get deviceListenerCount(): number {
    return this.#deviceListeners.size;
  }
}

export type { RtpTransceiverLike };

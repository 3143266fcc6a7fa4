/**
 * Runs in a Parley guest page as an init script (before any script of the
 * page). It times each phase of the join from outside the SDK by wrapping the
 * three browser APIs the SDK goes through: getUserMedia, WebSocket and
 * RTCPeerConnection.
 *
 * Frame shapes are those of packages/protocol/src/signaling.ts: requests
 * `{id, type, params}`, responses `{type: 'response', id, ok}`, events
 * `{type: 'event', event, data}`.
 */
import { watchReceivingPeer } from './receiving-peer.ts';
import { Timeline } from './timeline.ts';

export const timeline = new Timeline();

const SIGNALING_PATH = '/v1/ws';

function parse(data: unknown): Record<string, unknown> | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    return JSON.parse(data) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function wrapGetUserMedia(): void {
  const getUserMedia = MediaDevices.prototype.getUserMedia;
  MediaDevices.prototype.getUserMedia = async function (this: MediaDevices, constraints?: MediaStreamConstraints) {
    const stream = await getUserMedia.call(this, constraints);
    timeline.mark('devices');
    return stream;
  };
}

function wrapWebSocket(): void {
  const NativeWebSocket = window.WebSocket;
  class ProbedWebSocket extends NativeWebSocket {
    /** The id of our `join` request, to recognise its response. */
    #joinId: unknown;

    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      if (!new URL(String(url), location.href).pathname.endsWith(SIGNALING_PATH)) return;
      // Added before the SDK sets onopen/onmessage, so these run first: the marks are arrival times.
      this.addEventListener('open', () => timeline.mark('socket'));
      this.addEventListener('message', (event) => {
        if (timeline.has('joined') && timeline.has('offer')) return;
        const frame = parse(event.data);
        if (frame?.type === 'response' && frame.id === this.#joinId) timeline.mark('joined');
        if (frame?.type === 'event' && frame.event === 'subscriber.offer') timeline.mark('offer');
      });
    }

    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (this.#joinId === undefined || !timeline.has('publishSent') || !timeline.has('answerSent') || !timeline.has('candidateSent')) {
        const frame = parse(data);
        if (frame?.type === 'subscriber.answer') timeline.mark('answerSent');
        if (frame?.type === 'trickle' && (frame.params as { target?: string } | undefined)?.target === 'subscriber') timeline.mark('candidateSent');
        if (frame?.type === 'join') {
          this.#joinId = frame.id;
          timeline.mark('joinSent');
        }
        if (frame?.type === 'publish') timeline.mark('publishSent');
      }
      super.send(data);
    }
  }
  window.WebSocket = ProbedWebSocket;
}

function wrapPeerConnection(): void {
  const NativePeerConnection = window.RTCPeerConnection;
  class ProbedPeerConnection extends NativePeerConnection {
    /** Whether this is the subscriber connection (it was given a remote offer), watched since. */
    #watched = false;

    override setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void> {
      if (this.#watched) timeline.mark('answerSet');
      return super.setLocalDescription(description);
    }

    // The subscriber connection is the one that is given a remote offer (the publisher gets answers).
    override setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      if (description?.type === 'offer' && !this.#watched) {
        this.#watched = true;
        timeline.mark('offerApplied');
        watchReceivingPeer(this, timeline);
      }
      return super.setRemoteDescription(description);
    }
  }
  window.RTCPeerConnection = ProbedPeerConnection;
}

/** Wraps the three APIs; call once, before the SDK loads. */
export function install(): void {
  wrapGetUserMedia();
  wrapWebSocket();
  wrapPeerConnection();
}

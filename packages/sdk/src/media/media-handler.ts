/**
 * Everything the SDK asks of the browser's media stack, behind one interface,
 * so the session logic runs in Node tests with a fake handler.
 */

/** The ICE candidate event the SDK reads. */
export interface IceCandidateEventLike {
  candidate: { toJSON(): RTCIceCandidateInit } | null;
}

export interface RtpSenderLike {
  readonly track: MediaStreamTrack | null;
  replaceTrack(track: MediaStreamTrack | null): Promise<void>;
  /** The encodings (simulcast layers) and their state; absent in fakes. */
  getParameters?(): RTCRtpSendParameters;
  setParameters?(parameters: RTCRtpSendParameters): Promise<void>;
}

export interface RtpTransceiverLike {
  readonly mid: string | null;
  readonly sender: RtpSenderLike;
  readonly receiver: { readonly track: MediaStreamTrack };
  direction: RTCRtpTransceiverDirection;
  readonly currentDirection?: RTCRtpTransceiverDirection | null;
  /** Orders the codecs offered for this transceiver (absent in fakes and old browsers). */
  setCodecPreferences?(codecs: RTCRtpCodec[]): void;
}

/** The part of RTCPeerConnection the SDK uses. */
export interface PeerConnectionLike {
  readonly connectionState: RTCPeerConnectionState;
  readonly remoteDescription: RTCSessionDescriptionInit | null;
  onicecandidate: ((event: IceCandidateEventLike) => void) | null;
  onconnectionstatechange: (() => void) | null;
  addTransceiver(trackOrKind: MediaStreamTrack | 'audio' | 'video', init: RTCRtpTransceiverInit): RtpTransceiverLike;
  getTransceivers(): RtpTransceiverLike[];
  getSenders(): RtpSenderLike[];
  createOffer(options?: RTCOfferOptions): Promise<RTCSessionDescriptionInit>;
  createAnswer(): Promise<RTCSessionDescriptionInit>;
  setLocalDescription(description: RTCSessionDescriptionInit): Promise<void>;
  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void>;
  addIceCandidate(candidate?: RTCIceCandidateInit): Promise<void>;
  getStats(): Promise<RTCStatsReport>;
  /** New ICE servers (fresh TURN credentials) for the next ICE gathering; absent in some fakes. */
  setConfiguration?(config: RTCConfiguration): void;
  close(): void;
}

/**
 * What a browser lets a page do with audio output: `route` an element to a
 * device (`setSinkId`: Chromium, Firefox, Safari 18.4+), and `pick` one in a
 * picker of the browser's own (`selectAudioOutput`: Firefox).
 */
export interface AudioOutputSupport {
  route: boolean;
  pick: boolean;
}

export interface MediaHandler {
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  createPeerConnection(config?: RTCConfiguration): PeerConnectionLike;
  createMediaStream(tracks?: MediaStreamTrack[]): MediaStream;
  enumerateDevices(): Promise<MediaDeviceInfo[]>;
  /** Routes an element's audio to an output device (no-op where unsupported). */
  setSinkId(element: HTMLMediaElement, deviceId: string): Promise<void>;
  /** What audio output this browser supports; absent: routing (setSinkId) and no picker. */
  readonly audioOutput?: AudioOutputSupport;
  /** Asks the user for an output device in the browser's own picker (where `audioOutput.pick`). */
  selectAudioOutput?(): Promise<MediaDeviceInfo>;
  /**
   * The browser's screen capture (absent in fakes without one); rejects with
   * SCREEN_SHARE_UNSUPPORTED, SCREEN_SHARE_CANCELLED or SCREEN_SHARE_FAILED.
   */
  getDisplayMedia?(options: DisplayMediaStreamOptions): Promise<MediaStream>;
  /** Calls `listener` when devices come or go; returns the unsubscribe. */
  onDeviceChange(listener: () => void): () => void;
}

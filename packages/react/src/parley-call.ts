/**
 * `<ParleyCall callToken settings onUserJoined… />`: joins the session with
 * `ParleyCalls.startSession` (so `ParleyCalls.init({ serverUrl })` comes first),
 * draws it into an element of its own (the default UI unless `settings` says
 * otherwise), reports the session's events through its `on…` props, and ends
 * the session when it unmounts.
 */
import { type CallEvents, type CallSession, type CallSettings, CallSettingsBuilder, type CallToken, ParleyCalls, ParleyError } from '@parley/sdk';
import { createElement, type CSSProperties, type ReactElement, useEffect, useRef } from 'react';
import { liveDelegate } from './live-delegate.ts';

export interface ParleyCallProps extends Partial<CallEvents> {
  /** From `ParleyCalls.generateToken` (or its token string). A new token starts a new session. */
  callToken: CallToken | string;
  /** Default: the default UI (`setDefaultLayout(true)`). A new settings object starts a new session. */
  settings?: CallSettings;
  className?: string;
  style?: CSSProperties;
  /** The session once joined: for `<CallSessionProvider>` and the hooks, or its in-call methods. */
  onSession?: (session: CallSession) => void;
}

const DEFAULT_SETTINGS = new CallSettingsBuilder().setDefaultLayout(true).build();

export function ParleyCall(props: ParleyCallProps): ReactElement {
  const element = useRef<HTMLDivElement>(null);
  // The latest props, read at each event: handlers may change between renders without a new session.
  const latest = useRef(props);
  latest.current = props;
  const token = typeof props.callToken === 'string' ? props.callToken : props.callToken.token;
  const settings = props.settings ?? DEFAULT_SETTINGS;

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new token string starts a new session (not a new object with the same token); the rest is read from `latest`.
  useEffect(() => {
    const target = element.current;
    if (!target) return;
    let session: CallSession | undefined;
    let unmounted = false;
    const delegate = liveDelegate(() => latest.current, settings.delegate);
    ParleyCalls.startSession(latest.current.callToken, { ...settings, delegate }, target).then(
      (started) => {
        session = started;
        if (unmounted) void started.endSession();
        else latest.current.onSession?.(started);
      },
      (error: unknown) => {
        if (unmounted) return;
        latest.current.onError?.(error instanceof ParleyError ? error : new ParleyError('INTERNAL_ERROR', String(error), { cause: error }));
      },
    );
    return () => {
      unmounted = true;
      void session?.endSession();
    };
  }, [token, settings]);

  return createElement('div', { ref: element, className: props.className, style: props.style });
}

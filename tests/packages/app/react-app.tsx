// React: the default UI in <ParleyCall>, and an app's own tiles from the hooks.
import type { CallSession } from '@parley/sdk';
import { CallSessionProvider, ParleyCall, useActiveSpeaker, useLocalMedia, useParticipants, useRemoteStream } from '@parley/react';
import { useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';

function RemoteVideo({ uid }: { uid: string }) {
  const stream = useRemoteStream(uid, 'camera');
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = stream ?? null;
  }, [stream]);
  return <video ref={ref} autoPlay playsInline muted />;
}

function OwnTiles() {
  const people = useParticipants();
  const speaker = useActiveSpeaker();
  const { isAudioMuted } = useLocalMedia();
  return (
    <ul>
      {people.filter((p) => !p.isLocalUser).map((p) => (
        <li key={p.uid} className={speaker?.uid === p.uid ? 'speaking' : ''}>
          <RemoteVideo uid={p.uid} /> {p.name} {isAudioMuted ? '(you are muted)' : ''}
        </li>
      ))}
    </ul>
  );
}

function App({ callToken }: { callToken: string }) {
  const [session, setSession] = useState<CallSession>();
  return (
    <>
      <ParleyCall callToken={callToken} onSession={setSession} onUserLeft={(u) => console.log(u.name)} onCallEnded={() => setSession(undefined)} />
      {session && (
        <CallSessionProvider session={session}>
          <OwnTiles />
        </CallSessionProvider>
      )}
    </>
  );
}

createRoot(document.getElementById('root')!).render(<App callToken="token" />);

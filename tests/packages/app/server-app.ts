// A backend with @parley/server-sdk: a user, an auth token, a call token, the call log, a recording.
import { isParleyError, ParleyServerClient, type User } from '@parley/server-sdk';

const parley = new ParleyServerClient({ url: 'https://calls.example.com', apiKey: process.env.PARLEY_API_KEY ?? '' });
const alice: User = await parley.users.create({ uid: 'alice', name: 'Alice' }).catch(async (e: unknown) => {
  if (!isParleyError(e, 'USER_EXISTS')) throw e;
  return parley.users.get('alice');
});
const { authToken } = await parley.authTokens.create(alice.uid);
const { token } = await parley.callTokens.create(authToken, 'standup-42', { type: 'group' });
for await (const call of parley.calls.all({ uid: 'alice', status: ['ended'] })) console.log(call.sessionId, call.durationSeconds);
const [recording] = (await parley.recordings.list('standup-42')).items;
if (recording) await parley.recordings.download(recording.id, './standup.webm', { onProgress: ({ receivedBytes }) => console.log(receivedBytes) });
console.log(token);

import { describe, expect, it } from 'vitest';
import { signPlaybackToken, verifyPlaybackToken } from './playback-token.ts';

const secret = new TextEncoder().encode('playback-test-secret-0123456789abcdefghij');

describe('a playback token', () => {
  it('opens the recording it was made for', async () => {
    await expect(verifyPlaybackToken(secret, await signPlaybackToken(secret, 'rec-1'), 'rec-1')).resolves.toBeUndefined();
  });

  it('does not open another recording', async () => {
    await expect(verifyPlaybackToken(secret, await signPlaybackToken(secret, 'rec-1'), 'rec-2')).rejects.toMatchObject({ code: 'PLAYBACK_TOKEN_INVALID' });
  });

  it('is refused once expired, or signed with another secret, or not a token at all', async () => {
    await expect(verifyPlaybackToken(secret, await signPlaybackToken(secret, 'rec-1', -10), 'rec-1')).rejects.toMatchObject({ code: 'PLAYBACK_TOKEN_INVALID' });
    const other = new TextEncoder().encode('another-secret-another-secret-0123456789');
    await expect(verifyPlaybackToken(secret, await signPlaybackToken(other, 'rec-1'), 'rec-1')).rejects.toMatchObject({ code: 'PLAYBACK_TOKEN_INVALID' });
    await expect(verifyPlaybackToken(secret, 'at_some_auth_token', 'rec-1')).rejects.toMatchObject({ code: 'PLAYBACK_TOKEN_INVALID' });
  });
});

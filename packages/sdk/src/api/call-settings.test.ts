import { ParleyError } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { AudioMode, AvatarMode, CallSettingsBuilder, DisplayModes } from './call-settings.ts';

const BOOLEAN_SETTERS = [
  ['setDefaultLayout', 'defaultLayout', true],
  ['setIsAudioOnly', 'isAudioOnly', false],
  ['setIsSingleMode', 'isSingleMode', false],
  ['setShowSwitchToVideoCall', 'showSwitchToVideoCall', false],
  ['setEnableVideoTileClick', 'enableVideoTileClick', true],
  ['setEnableDraggableVideoTile', 'enableDraggableVideoTile', true],
  ['setEndCallButtonDisable', 'endCallButtonDisable', false],
  ['setShowRecordingButton', 'showRecordingButton', false],
  ['setShowScreenShareButton', 'showScreenShareButton', true],
  ['setSwitchCameraButtonDisable', 'switchCameraButtonDisable', false],
  ['setMuteAudioButtonDisable', 'muteAudioButtonDisable', false],
  ['setPauseVideoButtonDisable', 'pauseVideoButtonDisable', false],
  ['setAudioModeButtonDisable', 'audioModeButtonDisable', false],
  ['setStartAudioMuted', 'startAudioMuted', false],
  ['setStartVideoMuted', 'startVideoMuted', false],
] as const;

function expectValidationError(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe('VALIDATION_FAILED');
    return;
  }
  throw new Error('expected VALIDATION_FAILED');
}

describe('CallSettingsBuilder', () => {
  it('builds the seed defaults when nothing is set', () => {
    const s = new CallSettingsBuilder().build();
    for (const [, key, value] of BOOLEAN_SETTERS) expect(s[key], key).toBe(value);
    expect(s.mode).toBe('default');
    expect(s.avatarMode).toBe('circle');
    expect(s.defaultAudioMode).toBeUndefined();
    expect(s.idleTimeoutPeriod).toBe(180);
    expect(s.delegate).toBeUndefined();
  });

  describe.each(BOOLEAN_SETTERS)('%s', (setter, key, fallback) => {
    it('stores the flag and chains', () => {
      const builder = new CallSettingsBuilder();
      expect(builder[setter](!fallback)).toBe(builder);
      expect(builder.build()[key]).toBe(!fallback);
    });
    it('refuses a value that is not a boolean', () => {
      expectValidationError(() => new CallSettingsBuilder()[setter]('yes' as unknown as boolean));
      expectValidationError(() => new CallSettingsBuilder()[setter](1 as unknown as boolean));
      expectValidationError(() => new CallSettingsBuilder()[setter](undefined as unknown as boolean));
    });
  });

  it('sets the display, avatar and audio modes from their constants', () => {
    const s = new CallSettingsBuilder()
      .setMode(DisplayModes.SPOTLIGHT)
      .setAvatarMode(AvatarMode.FULLSCREEN)
      .setDefaultAudioMode(AudioMode.BLUETOOTH)
      .build();
    expect(s).toMatchObject({ mode: 'spotlight', avatarMode: 'fullscreen', defaultAudioMode: 'BLUETOOTH' });
    expect(new CallSettingsBuilder().setMode('single').build().mode).toBe('single');
    expect(new CallSettingsBuilder().setAvatarMode('square').build().avatarMode).toBe('square');
    for (const mode of ['SPEAKER', 'EARPIECE', 'HEADPHONES'] as const) {
      expect(new CallSettingsBuilder().setDefaultAudioMode(mode).build().defaultAudioMode).toBe(mode);
    }
  });

  it('refuses unknown modes', () => {
    expectValidationError(() => new CallSettingsBuilder().setMode('grid' as never));
    expectValidationError(() => new CallSettingsBuilder().setAvatarMode(3 as never));
    expectValidationError(() => new CallSettingsBuilder().setDefaultAudioMode('speaker' as never));
  });

  it('takes an idle timeout in whole seconds from 1 to 86400', () => {
    expect(new CallSettingsBuilder().setIdleTimeoutPeriod(60).build().idleTimeoutPeriod).toBe(60);
    expectValidationError(() => new CallSettingsBuilder().setIdleTimeoutPeriod('60' as never));
    expectValidationError(() => new CallSettingsBuilder().setIdleTimeoutPeriod(0));
    expectValidationError(() => new CallSettingsBuilder().setIdleTimeoutPeriod(1.5));
    expectValidationError(() => new CallSettingsBuilder().setIdleTimeoutPeriod(86_401));
  });

  it('takes a delegate object and refuses anything else', () => {
    const delegate = { onCallEnded() {} };
    expect(new CallSettingsBuilder().setDelegate(delegate).build().delegate).toBe(delegate);
    expectValidationError(() => new CallSettingsBuilder().setDelegate(null as never));
    expectValidationError(() => new CallSettingsBuilder().setDelegate('me' as never));
  });

  it('returns frozen settings that later setter calls do not change', () => {
    const builder = new CallSettingsBuilder().setIsAudioOnly(true);
    const s = builder.build();
    builder.setIsAudioOnly(false);
    expect(s.isAudioOnly).toBe(true);
    expect(Object.isFrozen(s)).toBe(true);
    expect(() => {
      (s as { isAudioOnly: boolean }).isAudioOnly = false;
    }).toThrow(TypeError);
  });
});

/**
 * The seed's end sequence, one side at a time: the side that hangs up runs
 * ParleyRinging's endCall → clearActiveCall, then ParleyCalls.endSession; the
 * other side, once its session says onCallEnded, runs clearActiveCall → endSession.
 */
import type { CallPage } from './harness.ts';

export function hangUpTheSeedWay(p: CallPage, sessionId: string): Promise<void> {
  return p.page.evaluate(async (id) => {
    const { ParleyCalls, ParleyRinging } = (window as any).Parley;
    await ParleyRinging.endCall(id);
    ParleyRinging.clearActiveCall();
    await ParleyCalls.endSession();
  }, sessionId);
}

export function leaveEndedCallTheSeedWay(p: CallPage): Promise<void> {
  return p.page.evaluate(async () => {
    const { ParleyCalls, ParleyRinging } = (window as any).Parley;
    ParleyRinging.clearActiveCall();
    await ParleyCalls.endSession();
  });
}

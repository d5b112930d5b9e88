/**
 * Next best actions: candidate actions from the customer's data, filtered so that the list can drive real
 * campaigns safely (never on a channel without consent, nothing for a customer contacted within the quiet
 * period), then ranked by expected value and urgency. Pure: every input comes in.
 */

import type { ConsentableChannel } from '../../common/channels';

export type ActionKind =
  | 'REORDER_REMINDER'
  | 'WIN_BACK'
  | 'GREETING'
  | 'COMPLEMENTARY_PRODUCT'
  | 'SERVICE_FOLLOW_UP'
  | 'THANK_YOU'
  | 'TIER_NUDGE'
  | 'POINTS_EXPIRING';

export interface CandidateAction {
  kind: ActionKind;
  reason: string;
  dueDay: string;
  /** Expected value in minor units (0 when the action is about keeping, not selling). */
  expectedValueMinor: number;
  /** Channels that suit the action, best first. */
  channels: ConsentableChannel[];
  /** 0–1: how strongly the data support it. */
  weight: number;
  /** The kind of personal data the action gives away (its reason and due day spell out a birthday); none: absent. */
  personalData?: 'birth_date' | 'name_day';
}

export interface ProposedAction extends Omit<CandidateAction, 'channels'> {
  channel: ConsentableChannel;
}

export interface ActionPolicy {
  consentedChannels: ConsentableChannel[];
  /** The customer's last outbound contact, if any. */
  lastContactedAt: Date | null;
  quietDays: number;
  /** The request's clock, for the quiet period. */
  now: Date;
  /** Today's shop day (SHOP_TIME_ZONE), YYYY-MM-DD: actions due by then are urgent. */
  today: string;
}

export function proposeActions(
  candidates: CandidateAction[],
  policy: ActionPolicy,
): ProposedAction[] {
  if (
    policy.lastContactedAt &&
    policy.now.getTime() - policy.lastContactedAt.getTime() < policy.quietDays * 86_400_000
  )
    return [];
  const proposals: ProposedAction[] = [];
  for (const candidate of candidates) {
    const channel = candidate.channels.find((c) => policy.consentedChannels.includes(c));
    if (!channel) continue;
    const { channels: _channels, ...rest } = candidate;
    proposals.push({ ...rest, channel });
  }
  const urgency = (a: ProposedAction) => (a.dueDay <= policy.today ? 1 : 0.5);
  return proposals.sort(
    (a, b) =>
      (b.expectedValueMinor + 1) * b.weight * urgency(b) -
        (a.expectedValueMinor + 1) * a.weight * urgency(a) || a.dueDay.localeCompare(b.dueDay),
  );
}

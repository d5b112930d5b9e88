import type { Feedback } from './feedback.types';

declare module '../../common/domain-events' {
  interface DomainEventMap {
    /** Feedback of any kind was recorded (a complaint also publishes complaint.opened). */
    'feedback.recorded': { feedback: Feedback };
    /** A complaint was recorded: it stands open until resolved. */
    'complaint.opened': { feedback: Feedback };
    /** A complaint was resolved, with its resolution. */
    'complaint.resolved': { feedback: Feedback };
  }
}

export {};

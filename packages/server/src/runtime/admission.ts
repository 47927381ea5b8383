import type { Logger } from "pino";
import { UserError } from "../errors.ts";

/** Since when the oldest due job of each operator has waited for a worker (Unix ms). */
export type DueSince = ReadonlyMap<string, number>;

/** An event refused at the door: 429 (this operator's backlog) or 503 (everyone's), with Retry-After. */
export class Refused extends UserError {
  constructor(
    code: "rate_limited" | "overloaded" | "quota_exceeded",
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
  }
}

export type Verdict =
  | { admit: true }
  | { admit: false; status: "operator" | "overall"; retryAfterSeconds: number };

/**
 * Whether a source may accept one more event of `operatorId`, so that what is accepted starts within
 * `maxBacklogSeconds`. The oldest due job's wait is the backlog's latency. Past half the bound nobody's
 * events are accepted (the other half is headroom for what was accepted already); past a quarter, the
 * operator whose own oldest job waits that long is refused first, so one tenant's flood is stopped before
 * it reaches everyone. Retry-After: the time the excess needs to drain, at least a second.
 */
export function admissionVerdict(
  dueSince: DueSince,
  operatorId: string,
  maxBacklogSeconds: number,
  now: number,
): Verdict {
  let oldest = now;
  for (const since of dueSince.values()) oldest = Math.min(oldest, since);
  const overallWait = (now - oldest) / 1000;
  const retryAfter = (excess: number) => Math.max(1, Math.ceil(excess));
  if (overallWait > maxBacklogSeconds / 2)
    return {
      admit: false,
      status: "overall",
      retryAfterSeconds: retryAfter(overallWait - maxBacklogSeconds / 2),
    };
  const since = dueSince.get(operatorId);
  const operatorWait = since === undefined ? 0 : (now - since) / 1000;
  if (operatorWait > maxBacklogSeconds / 4)
    return {
      admit: false,
      status: "operator",
      retryAfterSeconds: retryAfter(operatorWait - maxBacklogSeconds / 4),
    };
  return { admit: true };
}

/** How often the backlog's waits are read again; a refusal lags the backlog by at most this. */
const sampleMs = 500;

/**
 * The door of the event sources: reads the backlog's waits every half second (one query for all
 * requests) and refuses events before the backlog's latency passes `maxBacklogSeconds`.
 */
export class Admission {
  private dueSince: DueSince = new Map();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly read: () => Promise<DueSince>,
    private readonly maxBacklogSeconds: number,
    private readonly logger: Pick<Logger, "warn">,
  ) {}

  start(): void {
    const refresh = async () => {
      try {
        this.dueSince = await this.read();
      } catch (error) {
        // The last reading stands; the store's own errors reach the sources anyway.
        this.logger.warn({ err: error }, "reading the backlog for admission failed");
      }
    };
    void refresh();
    this.timer = setInterval(() => void refresh(), sampleMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Throws `Refused` when an event of `operatorId` would wait longer than promised. */
  admit(operatorId: string, now = Date.now()): void {
    const verdict = admissionVerdict(this.dueSince, operatorId, this.maxBacklogSeconds, now);
    if (verdict.admit) return;
    if (verdict.status === "operator")
      throw new Refused(
        "rate_limited",
        `your events wait too long already; send again in ${verdict.retryAfterSeconds} s`,
        verdict.retryAfterSeconds,
      );
    throw new Refused(
      "overloaded",
      `the service is catching up with its backlog; send again in ${verdict.retryAfterSeconds} s`,
      verdict.retryAfterSeconds,
    );
  }
}

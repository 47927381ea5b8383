/**
 * The time an operator's requests are judged at (which notices are current, whether an outage can
 * still be claimed). The system clock unless the root gives one: issue 14's test clocks give each
 * operator its own.
 */
export type OperatorClock = (operatorId: string) => number | Promise<number>;

export const systemClock: OperatorClock = () => Date.now();

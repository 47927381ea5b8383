/** The e-mail addresses an operator proved it reads: the only recipients the `email` action may have (accounts/). */
export interface VerifiedAddressesPort {
  /** Those of `addresses` the operator has not verified, in the order given. */
  unverified(operatorId: string, addresses: readonly string[]): Promise<string[]>;
}

import ipaddr from "ipaddr.js";

/** What a person reads after "is a … address". ipaddr.js range names not listed here are shown as they are. */
const RANGE_DESCRIPTIONS: Record<string, string> = {
  unspecified: "unspecified",
  broadcast: "broadcast",
  multicast: "multicast",
  linkLocal: "link-local (this includes cloud metadata services)",
  loopback: "loopback",
  carrierGradeNat: "carrier-grade NAT (100.64.0.0/10)",
  private: "private (RFC 1918)",
  reserved: "reserved",
  uniqueLocal: "unique-local IPv6",
  rfc6052: "NAT64 (64:ff9b::/96)",
  rfc6145: "IPv4-translated IPv6",
  "6to4": "6to4 tunnel",
  teredo: "Teredo tunnel",
};

/**
 * Ranges ipaddr.js calls unicast that can still lead to an internal host: IPv4-compatible IPv6
 * (`::a.b.c.d`, deprecated but routed by some stacks) and local-use NAT64 (RFC 8215).
 */
const EXTRA_BLOCKED: [ipaddr.IPv6, number, string][] = [
  [ipaddr.IPv6.parse("::"), 96, "IPv4-compatible IPv6"],
  [ipaddr.IPv6.parse("64:ff9b:1::"), 48, "local-use NAT64 (64:ff9b:1::/48)"],
];

/**
 * Why an outbound request may not connect to `address` while private addresses are blocked, or
 * undefined when it is a public unicast address. Only ipaddr.js's `unicast` range is allowed, so a
 * range added to the library later is blocked until someone decides otherwise.
 */
export function blockedAddressReason(address: string): string | undefined {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return "not a valid IP address";
  }
  if (parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress()) {
    const reason = blockedAddressReason(parsed.toIPv4Address().toString());
    return reason === undefined ? undefined : `IPv4-mapped ${reason}`;
  }
  const range = parsed.range();
  if (range !== "unicast") return RANGE_DESCRIPTIONS[range] ?? range;
  if (parsed instanceof ipaddr.IPv6)
    for (const [network, bits, reason] of EXTRA_BLOCKED) if (parsed.match(network, bits)) return reason;
  return undefined;
}

/** The provider console's pages, all under /provider; anything else there is "not found". */
export type ProviderRoute =
  | { page: "sign-in" }
  | { page: "operators" }
  | { page: "operator"; operatorId: string }
  | { page: "plans" }
  | { page: "notices" }
  | { page: "maintenance" }
  | { page: "outages" }
  | { page: "usage" }
  | { page: "payments" }
  | { page: "coupons" }
  | { page: "overdue" }
  | { page: "not-found" };

export function isProviderPath(pathname: string): boolean {
  return pathname === "/provider" || pathname.startsWith("/provider/");
}

const pages = [
  "sign-in",
  "operators",
  "plans",
  "notices",
  "maintenance",
  "outages",
  "usage",
  "payments",
  "coupons",
  "overdue",
] as const;

export function matchProviderRoute(pathname: string): ProviderRoute {
  const [first, second, third, ...rest] = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (first !== "provider" || rest.length) return { page: "not-found" };
  if (!second) return { page: "operators" };
  if (second === "operators" && third) return { page: "operator", operatorId: third };
  const page = pages.find((name) => name === second);
  return page && !third ? { page } : { page: "not-found" };
}

/** The address of a provider page, ids encoded. */
export function providerPathOf(route: ProviderRoute): string {
  switch (route.page) {
    case "operator":
      return `/provider/operators/${encodeURIComponent(route.operatorId)}`;
    case "not-found":
    case "operators":
      return "/provider/operators";
    default:
      return `/provider/${route.page}`;
  }
}

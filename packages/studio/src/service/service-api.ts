import { createContext, useContext } from "react";
import type { HttpClient } from "../api/client.ts";
import type { ListPage } from "../api/conflux-api.ts";

/**
 * The operator's calls about the service around its apps — usage and quotas, plans, notices, its own
 * status, outages, a partner's customers — in the shapes of shared/spec/billing.md and service.md:
 * times in answers are whole UNIX seconds (`…DateTime`), months `YYYY-MM`, fields without a value absent.
 */

/** One metered quantity this month: what was used against what the plan includes and the caps. */
export interface MeteredUsage {
  used: number;
  included: number;
  /** The operator's own monthly cap. */
  quota?: number;
  /** The plan's cap (`limits.eventsPerMonth` for events). */
  planLimit?: number;
}

export interface DailyUsage {
  date: string;
  events: number;
  aiCredits: number;
}

/** `GET /v1/usage`: the billing month so far. */
export interface Usage {
  month: string;
  events: MeteredUsage;
  aiCredits: MeteredUsage;
  daily: DailyUsage[];
}

/** `GET|PUT /v1/usage/quotas`; on PUT a field left out stays and `null` removes that cap. */
export interface Quotas {
  events?: number;
  aiCredits?: number;
}
export type QuotasChange = { [Metric in keyof Quotas]?: number | null };

export interface OverageBlock {
  blockSize: number;
  pricePerBlock: number;
}

export interface PlanLimits {
  apps?: number;
  actionsPerApp?: number;
  eventsPerMonth?: number;
  historyRetentionDays?: number;
  dataRetentionDays?: number;
  emailsPerMonth?: number;
  ingestBytesPerSecondPerDevice?: number;
  ingestBytesPerSecondPerOperator?: number;
}

/** A plan as the provider defines it; the fee is in integer minor units of the provider's currency. */
export interface Plan {
  planId: string;
  name: string;
  monthlyFee: number;
  included: { events: number; aiCredits: number };
  overage?: { events?: OverageBlock; aiCredits?: OverageBlock };
  limits: PlanLimits;
  features: string[];
}

/** `GET /v1/operators/{operatorId}/plan`: a downgrade waits for `pendingFrom` (`YYYY-MM-DD`). */
export interface OperatorPlan {
  planId: string;
  pendingPlanId?: string;
  pendingFrom?: string;
}

export type NoticeSeverity = "info" | "warning" | "critical";

export interface ServiceNotice {
  noticeId: string;
  title: string;
  body: string;
  severity: NoticeSeverity;
  createdDateTime: number;
  startsDateTime?: number;
  endsDateTime?: number;
}

export interface MaintenanceWindow {
  maintenanceId: string;
  title: string;
  body?: string;
  startsDateTime: number;
  endsDateTime: number;
}

/** `GET /v1/notices`: current and upcoming only. */
export interface Notices {
  notices: ServiceNotice[];
  maintenance: MaintenanceWindow[];
}

export type OperatorStatus = "active" | "pending" | "refused" | "suspended";

/** What `GET /v1/operators/{operatorId}` tells the console about the account's standing. */
export interface OperatorStanding {
  operatorId?: string;
  status?: OperatorStatus;
  statusReason?: string;
  /** What the provider wrote to the operator when it suspended the account. */
  suspensionMessage?: string;
}

/** An outage as the provider recorded it (ISO times); `hours` is its exact length. */
export interface Outage {
  outageId: string;
  startedAt: string;
  endedAt: string;
  description: string;
  hours: number;
  /** In the operator's list: whether a claim may still be made (within 3 months, not claimed yet). */
  claimable?: boolean;
}

export interface OutageClaim {
  claimId: string;
  outageId: string;
  days: number;
  credit?: number;
}

export interface Customer {
  operatorId: string;
  email: string;
  status: OperatorStatus;
  createDateTime: number;
  usage: { month: string; events: number; aiCredits: number };
}

/** `POST /v1/auth/switch_user` from the studio: the session cookie now acts as the customer's root user, briefly. */
export interface SwitchedUser {
  operatorId: string;
}

/** One line of an invoice (billing.md): `plan`, `overage`, `outage_credit` (negative), `late_interest`. */
export interface InvoiceLine {
  kind: string;
  description: string;
  amount: number;
}

/** `GET /v1/invoices`: the open invoice of this month first, then the closed ones, newest first. */
export interface Invoice {
  month: string;
  status: "open" | "closed";
  lines: InvoiceLine[];
  subtotal: number;
  tax: number;
  lateInterest: number;
  total: number;
  couponApplied: number;
  amountDue: number;
  paidAmount: number;
  /** `YYYY-MM-DD`. */
  dueDate: string;
}

export type InvoiceFormat = "csv" | "pdf";

/** `GET /v1/coupons`: a registered coupon and what is left of it. */
export interface Coupon {
  couponCode: string;
  amount: number;
  balance: number;
  expiryMonth: string;
}

const segment = encodeURIComponent;

export function createServiceApi(http: HttpClient, operatorId: () => string) {
  const operator = () => `/v1/operators/${segment(operatorId())}`;
  return {
    getUsage: () => http.json<Usage>("GET", "/v1/usage"),
    getQuotas: () => http.json<Quotas>("GET", "/v1/usage/quotas"),
    updateQuotas: (change: QuotasChange) => http.json<Quotas>("PUT", "/v1/usage/quotas", { body: change }),

    listPlans: () => http.json<Plan[]>("GET", "/v1/plans"),
    getPlan: () => http.json<OperatorPlan>("GET", `${operator()}/plan`),
    changePlan: (planId: string) =>
      http.json<OperatorPlan>("PUT", `${operator()}/plan`, { body: { planId } }),

    listInvoices: () => http.json<Invoice[]>("GET", "/v1/invoices"),
    /** The invoice as a file (the export needs the session's headers, so it is fetched, not linked). */
    exportInvoice: async (month: string, format: InvoiceFormat) =>
      (await http.raw("GET", `/v1/invoices/${segment(month)}/export?format=${format}`)).blob(),
    listCoupons: () => http.json<Coupon[]>("GET", "/v1/coupons"),
    registerCoupon: (couponCode: string) =>
      http.json<Coupon>("POST", "/v1/coupons", { body: { couponCode } }),

    listNotices: () => http.json<Notices>("GET", "/v1/notices"),
    getStanding: () => http.json<OperatorStanding>("GET", operator()),

    listOutages: async () => (await http.json<ListPage<Outage>>("GET", "/v1/outages")).items,
    listClaims: async () => (await http.json<ListPage<OutageClaim>>("GET", "/v1/outage_claims")).items,
    claimOutage: (outageId: string) =>
      http.json<OutageClaim>("POST", "/v1/outage_claims", { body: { outageId } }),

    listCustomers: async () => (await http.json<ListPage<Customer>>("GET", "/v1/partner/customers")).items,
    switchUser: (customerOperatorId: string) =>
      http.json<SwitchedUser>("POST", "/v1/auth/switch_user", { body: { operatorId: customerOperatorId } }),
  };
}

export type ServiceApi = ReturnType<typeof createServiceApi>;

export const ServiceApiContext = createContext<ServiceApi | undefined>(undefined);

export function useServiceApi(): ServiceApi {
  const api = useContext(ServiceApiContext);
  if (!api) throw new Error("useServiceApi outside <Studio>");
  return api;
}

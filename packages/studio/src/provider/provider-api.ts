import { createContext, useContext } from "react";
import type { HttpClient } from "../api/client.ts";
import type { ListPage } from "../api/conflux-api.ts";
import type {
  Invoice,
  MaintenanceWindow,
  NoticeSeverity,
  OperatorPlan,
  OperatorStatus,
  Outage,
  Plan,
  ServiceNotice,
  Usage,
} from "../service/service-api.ts";

/**
 * The provider console's calls (`/v1/provider/*`, with a provider admin's key and token), in the shapes
 * of shared/spec/billing.md and the issue's contract: times in answers are whole UNIX seconds.
 */

export interface ProviderOperator {
  operatorId: string;
  email: string;
  status: OperatorStatus;
  statusReason?: string;
  createDateTime: number;
  /** For a partner's customer: the partner. */
  partnerOperatorId?: string;
}

export interface OperatorQuery {
  search?: string;
  status?: OperatorStatus | "";
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  limit?: number;
}

export interface OperatorPage {
  operators: ProviderOperator[];
  nextCursor?: string;
}

/** A plan as `PUT /v1/provider/plans/{planId}` takes it: everything but its id. */
export type PlanBody = Omit<Plan, "planId" | "limits" | "features"> &
  Partial<Pick<Plan, "limits" | "features">>;

export interface NewNotice {
  title: string;
  body: string;
  severity: NoticeSeverity;
  /** Only these operators see it; all do when absent. */
  operatorIds?: string[];
  /** ISO times. */
  startsAt?: string;
  endsAt?: string;
}

/** A notice as the provider lists it: who it is for, too. */
export type ProviderNotice = ServiceNotice & { operatorIds?: string[] };

export interface NewMaintenance {
  title: string;
  body?: string;
  startsAt: string;
  endsAt: string;
}

export interface NewOutage {
  startedAt: string;
  endedAt: string;
  description: string;
}

/** One operator's usage in a month, in `GET /v1/provider/usage`. */
export interface OperatorUsage {
  operatorId: string;
  email: string;
  events: number;
  aiCredits: number;
}

/** `POST /v1/provider/operators/{operatorId}/payments`: a payment of a closed month. */
export interface NewPayment {
  month: string;
  amount: number;
  /** `YYYY-MM-DD`, not after the operator's today. */
  paidOn: string;
}

/** The recorded payment: its late days, and the month whose invoice carries their interest. */
export interface RecordedPayment extends NewPayment {
  paymentId: string;
  lateDays: number;
  interestMonth: string;
}

export interface NewCoupon {
  amount: number;
  expiryMonth: string;
  /** Generated when absent. */
  code?: string;
}

/** A coupon as the provider lists it: its holder once registered. */
export interface ProviderCoupon {
  couponCode: string;
  amount: number;
  balance: number;
  expiryMonth: string;
  operatorId?: string;
  registeredDateTime?: number;
  createDateTime?: number;
}

/** `GET /v1/provider/overdue`: a closed invoice past its due date with something left to pay. */
export interface OverdueInvoice {
  operatorId: string;
  month: string;
  amountDue: number;
  paidAmount: number;
  outstanding: number;
  dueDate: string;
  daysOverdue: number;
}

const segment = encodeURIComponent;

export function createProviderApi(http: HttpClient) {
  const operator = (operatorId: string) => `/v1/provider/operators/${segment(operatorId)}`;
  return {
    /** The session goes into an HttpOnly cookie; the answer says who signed in. */
    signIn: (email: string, password: string) =>
      http.json<{ email: string }>("POST", "/v1/provider/auth/session", { body: { email, password } }),
    /** Ends the token and clears the cookie. */
    signOut: () => http.json<void>("POST", "/v1/provider/auth/logout"),

    async listOperators(query: OperatorQuery): Promise<OperatorPage> {
      const params = new URLSearchParams();
      if (query.search) params.set("search", query.search);
      if (query.status) params.set("status", query.status);
      if (query.limit !== undefined) params.set("limit", String(query.limit));
      if (query.cursor) params.set("cursor", query.cursor);
      const text = params.toString();
      const page = await http.json<ListPage<ProviderOperator>>(
        "GET",
        `/v1/provider/operators${text ? `?${text}` : ""}`,
      );
      return { operators: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    },
    getOperator: (operatorId: string) => http.json<ProviderOperator>("GET", operator(operatorId)),
    acceptOperator: (operatorId: string) => http.json<unknown>("POST", `${operator(operatorId)}/accept`),
    refuseOperator: (operatorId: string, reason: string, message?: string) =>
      http.json<unknown>("POST", `${operator(operatorId)}/refuse`, {
        body: { reason, ...(message ? { message } : {}) },
      }),
    suspendOperator: (operatorId: string, reason: string, message?: string) =>
      http.json<unknown>("POST", `${operator(operatorId)}/suspend`, {
        body: { reason, ...(message ? { message } : {}) },
      }),
    resumeOperator: (operatorId: string) => http.json<unknown>("POST", `${operator(operatorId)}/resume`),
    terminateOperator: (operatorId: string, reason: string, effectiveDate?: string) =>
      http.json<{ effectiveDate?: string } | undefined>("POST", `${operator(operatorId)}/terminate`, {
        body: { reason, ...(effectiveDate ? { effectiveDate } : {}) },
      }),
    changeOperatorId: (operatorId: string, newOperatorId: string) =>
      http.json<unknown>("POST", `${operator(operatorId)}/operator_id`, {
        body: { operatorId: newOperatorId },
      }),
    setPartner: (operatorId: string, partner: boolean) =>
      http.json<unknown>("PUT", `${operator(operatorId)}/partner`, { body: { partner } }),
    getOperatorPlan: (operatorId: string) => http.json<OperatorPlan>("GET", `${operator(operatorId)}/plan`),
    setOperatorPlan: (operatorId: string, planId: string) =>
      http.json<OperatorPlan>("PUT", `${operator(operatorId)}/plan`, { body: { planId } }),
    getOperatorUsage: (operatorId: string, month: string) =>
      http.json<Usage>("GET", `${operator(operatorId)}/usage?month=${segment(month)}`),

    listPlans: () => http.json<Plan[]>("GET", "/v1/provider/plans"),
    putPlan: (planId: string, plan: PlanBody) =>
      http.json<Plan>("PUT", `/v1/provider/plans/${segment(planId)}`, { body: plan }),
    deletePlan: (planId: string) => http.json<void>("DELETE", `/v1/provider/plans/${segment(planId)}`),

    listNotices: async () => (await http.json<ListPage<ProviderNotice>>("GET", "/v1/provider/notices")).items,
    createNotice: (notice: NewNotice) =>
      http.json<ProviderNotice>("POST", "/v1/provider/notices", { body: notice }),
    deleteNotice: (noticeId: string) =>
      http.json<void>("DELETE", `/v1/provider/notices/${segment(noticeId)}`),

    listMaintenance: async () =>
      (await http.json<ListPage<MaintenanceWindow>>("GET", "/v1/provider/maintenance")).items,
    createMaintenance: (window: NewMaintenance) =>
      http.json<MaintenanceWindow>("POST", "/v1/provider/maintenance", { body: window }),
    deleteMaintenance: (maintenanceId: string) =>
      http.json<void>("DELETE", `/v1/provider/maintenance/${segment(maintenanceId)}`),

    listOutages: async () => (await http.json<ListPage<Outage>>("GET", "/v1/provider/outages")).items,
    createOutage: (outage: NewOutage) => http.json<Outage>("POST", "/v1/provider/outages", { body: outage }),

    listOperatorInvoices: (operatorId: string) =>
      http.json<Invoice[]>("GET", `${operator(operatorId)}/invoices`),
    recordPayment: (operatorId: string, payment: NewPayment) =>
      http.json<RecordedPayment>("POST", `${operator(operatorId)}/payments`, { body: payment }),
    accelerate: (operatorId: string) =>
      http.json<{ acceleratedOn: string; months: string[] }>("POST", `${operator(operatorId)}/accelerate`),
    listOverdue: async () => (await http.json<ListPage<OverdueInvoice>>("GET", "/v1/provider/overdue")).items,
    listCoupons: async () => (await http.json<ListPage<ProviderCoupon>>("GET", "/v1/provider/coupons")).items,
    issueCoupon: (coupon: NewCoupon) =>
      http.json<ProviderCoupon>("POST", "/v1/provider/coupons", { body: coupon }),

    usage: (month: string) => http.json<OperatorUsage[]>("GET", `/v1/provider/usage?month=${segment(month)}`),
  };
}

export type ProviderApi = ReturnType<typeof createProviderApi>;

export const ProviderApiContext = createContext<ProviderApi | undefined>(undefined);

export function useProviderApi(): ProviderApi {
  const api = useContext(ProviderApiContext);
  if (!api) throw new Error("useProviderApi outside <ProviderConsole>");
  return api;
}

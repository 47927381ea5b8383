import {
  type AnchorHTMLAttributes,
  createContext,
  type MouseEvent,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { ConfirmDialog } from "../ui/Dialog.tsx";

/** The studio's pages; anything else is "not found". */
export type Route =
  | { page: "login" }
  | { page: "signup" }
  | { page: "reset-password" }
  | { page: "verify-email" }
  | { page: "apps" }
  | { page: "app"; appId: string }
  | { page: "history"; appId: string }
  | { page: "run"; appId: string; runId: string }
  | { page: "version"; appId: string; version: number }
  | { page: "credentials" }
  | { page: "devices" }
  | { page: "device"; deviceId: string }
  | { page: "files" }
  | { page: "failed-deliveries" }
  | { page: "users" }
  | { page: "user"; userName: string }
  | { page: "roles" }
  | { page: "audit-log" }
  | { page: "account" }
  | { page: "usage" }
  | { page: "plan" }
  | { page: "outages" }
  | { page: "billing" }
  | { page: "logout" }
  | { page: "not-found" };

export function matchRoute(pathname: string): Route {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const [first, appId, third, runId, ...rest] = parts;
  if (parts.length === 0) return { page: "apps" };
  if (first === "login" && parts.length === 1) return { page: "login" };
  if (first === "signup" && parts.length === 1) return { page: "signup" };
  if (first === "reset-password" && parts.length === 1) return { page: "reset-password" };
  if (first === "verify-email" && parts.length === 1) return { page: "verify-email" };
  if (first === "credentials" && parts.length === 1) return { page: "credentials" };
  if (first === "files" && parts.length === 1) return { page: "files" };
  if (first === "failed-deliveries" && parts.length === 1) return { page: "failed-deliveries" };
  if (first === "devices" && parts.length === 1) return { page: "devices" };
  if (first === "devices" && parts.length === 2 && appId) return { page: "device", deviceId: appId };
  if (first === "logout" && parts.length === 1) return { page: "logout" };
  if (first === "users" && parts.length === 1) return { page: "users" };
  if (first === "users" && parts.length === 2 && appId) return { page: "user", userName: appId };
  if (first === "roles" && parts.length === 1) return { page: "roles" };
  if (first === "audit-log" && parts.length === 1) return { page: "audit-log" };
  if (first === "account" && parts.length === 1) return { page: "account" };
  if (
    (first === "usage" || first === "plan" || first === "outages" || first === "billing") &&
    parts.length === 1
  )
    return { page: first };
  if (first !== "apps" || rest.length) return { page: "not-found" };
  if (!appId) return { page: "apps" };
  if (!third) return { page: "app", appId };
  if (third === "history" && !runId) return { page: "history", appId };
  if (third === "runs" && runId) return { page: "run", appId, runId };
  if (third === "versions" && runId && /^[1-9]\d{0,14}$/.test(runId))
    return { page: "version", appId, version: Number(runId) };
  return { page: "not-found" };
}

/** The address of a page, ids encoded: every in-app link and navigation is built here. */
export function pathOf(route: Route): string {
  const id = encodeURIComponent;
  switch (route.page) {
    case "app":
      return `/apps/${id(route.appId)}`;
    case "history":
      return `/apps/${id(route.appId)}/history`;
    case "run":
      return `/apps/${id(route.appId)}/runs/${id(route.runId)}`;
    case "version":
      return `/apps/${id(route.appId)}/versions/${route.version}`;
    case "device":
      return `/devices/${id(route.deviceId)}`;
    case "user":
      return `/users/${id(route.userName)}`;
    case "not-found":
    case "apps":
      return "/apps";
    default:
      return `/${route.page}`;
  }
}

interface RouterState {
  pathname: string;
  search: string;
  navigate(to: string, options?: { replace?: boolean }): void;
  /** While set, leaving the page asks first (unsaved changes). */
  setGuard(message: string | undefined): void;
}

const RouterContext = createContext<RouterState | undefined>(undefined);

export function useRouter(): RouterState {
  const router = useContext(RouterContext);
  if (!router) throw new Error("useRouter outside <Router>");
  return router;
}

function currentLocation() {
  return { pathname: window.location.pathname, search: window.location.search };
}

/**
 * History-API routing with a guard: in-app links and the back button ask before leaving a page with
 * unsaved changes, and closing or reloading the tab triggers the browser's own prompt (beforeunload).
 */
export function Router({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(currentLocation);
  const [pending, setPending] = useState<{ to: string; replace: boolean } | undefined>();
  const guard = useRef<string | undefined>(undefined);
  const [guardMessage, setGuardMessage] = useState<string | undefined>();

  const go = useCallback((to: string, replace: boolean) => {
    if (replace) window.history.replaceState(null, "", to);
    else window.history.pushState(null, "", to);
    setLocation(currentLocation());
  }, []);

  const navigate = useCallback(
    (to: string, options: { replace?: boolean } = {}) => {
      const replace = options.replace ?? false;
      if (guard.current) setPending({ to, replace });
      else go(to, replace);
    },
    [go],
  );

  const setGuard = useCallback((message: string | undefined) => {
    guard.current = message;
    setGuardMessage(message);
  }, []);

  useEffect(() => {
    const onPopState = () => {
      const target = `${window.location.pathname}${window.location.search}`;
      // Only the #fragment changed (the skip link): the page stays.
      if (target === `${location.pathname}${location.search}`) return;
      if (!guard.current) return setLocation(currentLocation());
      // The browser has already moved: put the page back, then ask.
      window.history.pushState(null, "", `${location.pathname}${location.search}`);
      setPending({ to: target, replace: false });
    };
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, [location]);

  useEffect(() => {
    if (!guardMessage) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = guardMessage;
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [guardMessage]);

  const state = useMemo(() => ({ ...location, navigate, setGuard }), [location, navigate, setGuard]);
  return (
    <RouterContext.Provider value={state}>
      {children}
      <ConfirmDialog
        open={pending !== undefined}
        title="Leave without saving?"
        confirmLabel="Leave and discard changes"
        danger
        onCancel={() => setPending(undefined)}
        onConfirm={() => {
          const target = pending;
          setPending(undefined);
          setGuard(undefined);
          if (target) go(target.to, target.replace);
        }}
      >
        <p>{guardMessage}</p>
      </ConfirmDialog>
    </RouterContext.Provider>
  );
}

/** Asks before leaving while `active`; the page calls it with the editor's dirty flag. */
export function useNavigationGuard(active: boolean, message: string): void {
  const { setGuard } = useRouter();
  useEffect(() => {
    setGuard(active ? message : undefined);
    return () => setGuard(undefined);
  }, [active, message, setGuard]);
}

export interface LinkProps extends AnchorHTMLAttributes<HTMLAnchorElement> {
  to: string;
}

/** An ordinary link (open in new tab works) that navigates in place on a plain click. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const { navigate, pathname } = useRouter();
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} aria-current={pathname === to ? "page" : undefined} onClick={handle} {...rest} />;
}

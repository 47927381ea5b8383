import { type ReactNode, useCallback, useState } from "react";
import { signedInAs } from "../api/session.ts";
import { ActingAsBar } from "../service/ActingAsBar.tsx";
import { CustomerSwitcher } from "../service/CustomerSwitcher.tsx";
import { NoticesBanner } from "../service/NoticesBanner.tsx";
import { SuspendedBanner } from "../service/SuspendedBanner.tsx";
import { Button } from "../ui/Button.tsx";
import { type ConsoleApiName, usePermissions } from "./permissions.tsx";
import { Link, useRouter } from "./router.tsx";
import { ShortcutHelp, useShortcutHelpKey } from "./ShortcutHelp.tsx";
import { useSession } from "./studio-context.tsx";
import { ThemeToggle } from "./ThemeToggle.tsx";

/**
 * The side navigation: a page under a section's path marks that section current; a section shows when
 * the signed-in principal may call the API that lists what it shows (`rootOnly`: only the root user).
 */
const sections: { path: string; label: string; apiName?: ConsoleApiName; rootOnly?: boolean }[] = [
  { path: "/apps", label: "Apps", apiName: "App:listApps" },
  { path: "/devices", label: "Devices", apiName: "Device:listDevices" },
  { path: "/files", label: "Files", apiName: "FileEntry:getFile" },
  { path: "/failed-deliveries", label: "Failed deliveries", apiName: "FailedDelivery:listFailedDeliveries" },
  { path: "/credentials", label: "Credentials", apiName: "Credential:listCredentials" },
  { path: "/users", label: "Users", apiName: "User:listUsers" },
  { path: "/roles", label: "Roles", apiName: "Role:listRoles" },
  { path: "/audit-log", label: "Audit log", apiName: "AuditLog:getApiAuditLogs" },
  { path: "/usage", label: "Usage", apiName: "Usage:getUsage" },
  { path: "/plan", label: "Plan", rootOnly: true },
  { path: "/outages", label: "Outages", apiName: "Outage:listOutages" },
  { path: "/billing", label: "Billing", apiName: "Billing:listInvoices" },
  { path: "/account", label: "Your account" },
];

/**
 * Header (who is logged in, theme, keyboard shortcuts, log out) and side navigation around every page
 * behind log-in.
 */
export function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const [helpOpen, setHelpOpen] = useState(false);
  const openHelp = useCallback(() => setHelpOpen(true), []);
  useShortcutHelpKey(openHelp);
  const { pathname, navigate } = useRouter();
  const { can } = usePermissions();
  const isRoot = session.userName === undefined;
  const shown = sections.filter(
    (section) => (!section.apiName || can(section.apiName)) && (!section.rootOnly || isRoot),
  );
  const current = sections.find((section) => pathname.startsWith(section.path))?.path ?? "/apps";
  return (
    <div className="cfx-layout">
      <a className="cfx-skip-link" href="#main">
        Skip to content
      </a>
      <header className="cfx-header">
        <Link className="cfx-header__brand" to="/apps" aria-current={false}>
          Conflux
        </Link>
        <span className="cfx-header__spacer" />
        <CustomerSwitcher />
        <ThemeToggle />
        <Button
          size="small"
          variant="ghost"
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
          onClick={openHelp}
        >
          ?
        </Button>
        <div className="cfx-header__identity">
          <span className="cfx-visually-hidden">Logged in as</span>
          {session.userName ? (
            <span data-testid="user-name">{signedInAs(session)}</span>
          ) : (
            <span data-testid="operator-email">{signedInAs(session)}</span>
          )}
          <span className="cfx-header__operator" data-testid="operator-id" title="Operator id">
            {session.operatorId}
          </span>
        </div>
        {/* A page of its own, so the unsaved-changes guard asks before the session ends. */}
        <Button size="small" onClick={() => navigate("/logout")}>
          Log out
        </Button>
      </header>
      <nav className="cfx-nav" aria-label="Main">
        <ul>
          {shown.map((section) => (
            <li key={section.path}>
              <Link to={section.path} aria-current={section.path === current ? "page" : undefined}>
                {section.label}
              </Link>
            </li>
          ))}
          <li>
            <a href="/docs" target="_blank" rel="noreferrer">
              API reference
            </a>
          </li>
        </ul>
      </nav>
      <main className="cfx-main" id="main" tabIndex={-1}>
        <div className="cfx-service-banners">
          <ActingAsBar />
          <SuspendedBanner />
          <NoticesBanner />
        </div>
        {children}
      </main>
      <ShortcutHelp open={helpOpen} onClose={() => setHelpOpen(false)} />
    </div>
  );
}

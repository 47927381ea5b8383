import type { ReactNode } from "react";
import { Button } from "../ui/Button.tsx";
import { Link, useRouter } from "./router.tsx";
import { useSession } from "./studio-context.tsx";

/** Header (who is logged in, log out) and side navigation around every page behind log-in. */
export function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const { pathname, navigate } = useRouter();
  const section =
    ["credentials", "devices", "files"].find((name) => pathname.startsWith(`/${name}`)) ?? "apps";
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
        <div className="cfx-header__identity">
          <span className="cfx-visually-hidden">Logged in as</span>
          <span data-testid="operator-email">{session.email}</span>
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
          <li>
            <Link to="/apps" aria-current={section === "apps" ? "page" : undefined}>
              Apps
            </Link>
          </li>
          <li>
            <Link to="/devices" aria-current={section === "devices" ? "page" : undefined}>
              Devices
            </Link>
          </li>
          <li>
            <Link to="/files" aria-current={section === "files" ? "page" : undefined}>
              Files
            </Link>
          </li>
          <li>
            <Link to="/credentials" aria-current={section === "credentials" ? "page" : undefined}>
              Credentials
            </Link>
          </li>
          <li>
            <a href="/docs" target="_blank" rel="noreferrer">
              API reference
            </a>
          </li>
        </ul>
      </nav>
      <main className="cfx-main" id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

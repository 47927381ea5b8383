import { act, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { Link, matchRoute, pathOf, Router, useNavigationGuard, useRouter } from "./router.tsx";

describe("routes", () => {
  it("map the studio's paths to pages", () => {
    expect(matchRoute("/")).toEqual({ page: "apps" });
    expect(matchRoute("/apps/01A")).toEqual({ page: "app", appId: "01A" });
    expect(matchRoute("/apps/01A/history")).toEqual({ page: "history", appId: "01A" });
    expect(matchRoute("/apps/01A/runs/01R")).toEqual({ page: "run", appId: "01A", runId: "01R" });
    expect(matchRoute("/apps/01A/versions/3")).toEqual({ page: "version", appId: "01A", version: 3 });
    expect(pathOf({ page: "version", appId: "01A", version: 3 })).toBe("/apps/01A/versions/3");
    expect(matchRoute("/apps/01A/versions/0")).toEqual({ page: "not-found" });
    expect(matchRoute("/apps/01A/versions/latest")).toEqual({ page: "not-found" });
    expect(matchRoute("/credentials")).toEqual({ page: "credentials" });
    expect(matchRoute("/failed-deliveries")).toEqual({ page: "failed-deliveries" });
    expect(matchRoute("/apps/01A/nope")).toEqual({ page: "not-found" });
  });
});

function Editor() {
  const [dirty, setDirty] = useState(false);
  useNavigationGuard(dirty, "Unsaved changes will be lost.");
  const { pathname } = useRouter();
  return (
    <>
      <p>at {pathname}</p>
      <button type="button" onClick={() => setDirty(true)}>
        edit
      </button>
      <Link to="/credentials">Credentials</Link>
    </>
  );
}

afterEach(() => window.history.replaceState(null, "", "/"));

describe("the unsaved-changes guard", () => {
  it("lets a clean page go at once", () => {
    render(
      <Router>
        <Editor />
      </Router>,
    );
    fireEvent.click(screen.getByRole("link", { name: "Credentials" }));
    expect(screen.getByText("at /credentials")).toBeTruthy();
  });

  it("asks before leaving a dirty page, stays on cancel and leaves on confirm", () => {
    render(
      <Router>
        <Editor />
      </Router>,
    );
    fireEvent.click(screen.getByRole("button", { name: "edit" }));
    fireEvent.click(screen.getByRole("link", { name: "Credentials" }));
    expect(screen.getByText("at /")).toBeTruthy();
    expect(screen.getByText("Unsaved changes will be lost.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.getByText("at /")).toBeTruthy();

    fireEvent.click(screen.getByRole("link", { name: "Credentials" }));
    fireEvent.click(screen.getByRole("button", { name: "Leave and discard changes" }));
    expect(screen.getByText("at /credentials")).toBeTruthy();
  });

  it("asks on the back button while dirty, but not when only the #fragment changes", () => {
    render(
      <Router>
        <Editor />
      </Router>,
    );
    fireEvent.click(screen.getByRole("button", { name: "edit" }));
    act(() => {
      window.history.pushState(null, "", "/#main");
      window.dispatchEvent(new PopStateEvent("popstate"));
    });
    expect(screen.queryByText("Unsaved changes will be lost.")).toBeNull();

    // The browser moves before popstate: the router puts the page back and asks.
    act(() => {
      window.history.pushState(null, "", "/credentials");
      window.dispatchEvent(new PopStateEvent("popstate"));
    });
    expect(window.location.pathname).toBe("/");
    expect(screen.getByText("Unsaved changes will be lost.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Leave and discard changes" }));
    expect(screen.getByText("at /credentials")).toBeTruthy();
  });

  it("makes the browser prompt on reload or close while dirty", () => {
    render(
      <Router>
        <Editor />
      </Router>,
    );
    const clean = new Event("beforeunload", { cancelable: true });
    window.dispatchEvent(clean);
    expect(clean.defaultPrevented).toBe(false);
    act(() => fireEvent.click(screen.getByRole("button", { name: "edit" })));
    const dirty = new Event("beforeunload", { cancelable: true });
    window.dispatchEvent(dirty);
    expect(dirty.defaultPrevented).toBe(true);
  });
});

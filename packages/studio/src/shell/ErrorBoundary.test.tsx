import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ErrorBoundary } from "./ErrorBoundary.tsx";

function Broken(): never {
  throw new Error("cannot read properties of undefined (reading 'steps')");
}

describe("the error boundary", () => {
  it("shows a render error with a way out instead of a blank page, and recovers on navigation", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { rerender } = render(
      <ErrorBoundary resetKey="/apps/a1">
        <Broken />
      </ErrorBoundary>,
    );
    expect(screen.getByRole("heading").textContent).toBe("Something went wrong on this page");
    expect(screen.getByRole("alert").textContent).toContain("reading 'steps'");
    rerender(
      <ErrorBoundary resetKey="/apps">
        <p>apps list</p>
      </ErrorBoundary>,
    );
    expect(screen.getByText("apps list")).toBeTruthy();
  });
});

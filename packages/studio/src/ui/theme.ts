import { useCallback, useSyncExternalStore } from "react";

/** What the person picked in the header; "system" follows the operating system's light or dark setting. */
export type ThemeChoice = "light" | "dark" | "system";
export type Theme = "light" | "dark";

export const themeChoices: readonly ThemeChoice[] = ["system", "light", "dark"];
const storageKey = "conflux.theme";
const darkQuery = "(prefers-color-scheme: dark)";

function isThemeChoice(value: unknown): value is ThemeChoice {
  return themeChoices.includes(value as ThemeChoice);
}

/** The remembered choice; "system" when none was made or storage is unavailable (a private window). */
export function storedThemeChoice(): ThemeChoice {
  try {
    const stored = window.localStorage.getItem(storageKey);
    return isThemeChoice(stored) ? stored : "system";
  } catch {
    return "system";
  }
}

function systemPrefersDark(): boolean {
  return window.matchMedia?.(darkQuery).matches ?? false;
}

export function resolveTheme(choice: ThemeChoice, prefersDark: boolean): Theme {
  return choice === "system" ? (prefersDark ? "dark" : "light") : choice;
}

/** ui.css keys its dark colours on `data-theme` on <html>. */
function applyTheme(choice: ThemeChoice): void {
  document.documentElement.dataset.theme = resolveTheme(choice, systemPrefersDark());
}

const listeners = new Set<() => void>();

/** Remembers the choice and applies it at once. */
export function chooseTheme(choice: ThemeChoice): void {
  try {
    if (choice === "system") window.localStorage.removeItem(storageKey);
    else window.localStorage.setItem(storageKey, choice);
  } catch {
    // Not remembered (storage refused), still applied to this page.
  }
  applyTheme(choice);
  for (const listener of listeners) listener();
}

/**
 * Called by main.tsx before React renders, so the first paint already has the right colours (the
 * Content-Security-Policy allows no inline script in index.html to do it earlier). Follows the system's
 * setting while the choice is "system"; also follows a choice made in another tab.
 */
export function startTheme(): void {
  applyTheme(storedThemeChoice());
  const notify = () => {
    applyTheme(storedThemeChoice());
    for (const listener of listeners) listener();
  };
  window.matchMedia?.(darkQuery).addEventListener("change", notify);
  window.addEventListener("storage", (event) => {
    if (event.key === storageKey || event.key === null) notify();
  });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The choice, for the header's toggle. */
export function useThemeChoice(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const choice = useSyncExternalStore(subscribe, storedThemeChoice, () => "system" as const);
  return [choice, useCallback((next: ThemeChoice) => chooseTheme(next), [])];
}

/** The theme in effect, for what draws with colours CSS cannot reach (charts on a canvas). */
export function useTheme(): Theme {
  return useSyncExternalStore(
    subscribe,
    () => (document.documentElement.dataset.theme === "dark" ? "dark" : "light"),
    () => "light" as const,
  );
}

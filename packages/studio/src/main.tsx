import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Studio } from "./shell/Studio.tsx";
import { startTheme } from "./ui/theme.ts";
import "./ui/ui.css";

// Before the first render, so the page never flashes light before turning dark.
startTheme();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <Studio />
  </StrictMode>,
);

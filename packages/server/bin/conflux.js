#!/usr/bin/env node
// Runs the TypeScript CLI directly: Conflux ships its sources and loads them through tsx.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");

export { type Config, type ConfigInput, loadConfig } from "./config/config.ts";
export { type Conflux, type Services, startConflux } from "./conflux.ts";
export { createLogger } from "./logging/logger.ts";

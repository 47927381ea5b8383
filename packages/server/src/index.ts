export { type Config, type ConfigInput, loadConfig } from "./config/config.ts";
export { type Conflux, createLogger, type Services, startConflux } from "./conflux.ts";
